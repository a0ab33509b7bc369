"""The procedure catalogue and holiday calendars (functions over a session)."""

import csv
import datetime as dt
import functools
import re
from pathlib import Path

from sqlalchemy import bindparam, delete, extract, select, update
from sqlalchemy.dialects.postgresql import insert

from services.contracts import dossiers as contract
from services.shared import permissions
from services.shared.errors import Forbidden, ValidationFailed, detail
from services.shared.outbox import record_event

from . import domain
from .exceptions import ProcedureExists, ProcedureNotFound
from .models import Holiday, HolidayCalendar, Outbox, Procedure, ProcedureVersion
from .payments import fees

NATIONAL_HOLIDAYS = Path(__file__).with_name("holidays.csv")
CONTENT = (
    "name",
    "name_en",
    "level",
    "processing_days",
    "after_15h_next_working_day",
    "fee",
    "fee_rule",
    "agencies",
    "legal_basis",
    "steps",
    "form",
    "documents",
    "templates",
    "step_limits",
    "received_elsewhere",
)


def dump_procedure(proc, version):
    """A procedure as its version says it; one withdrawn also says since when."""
    body = {name: getattr(version, name) for name in CONTENT}
    body.update(
        code=proc.code,
        province=proc.province,
        version=version.version,
        version_id=version.id,
        published_at=version.published_at.isoformat(),
    )
    if proc.withdrawn_at is not None:
        body["withdrawn_at"] = proc.withdrawn_at.isoformat()
    return body


def _current(session, province, code, withdrawn=False):
    """The procedure and its current version; a withdrawn one is not found unless
    `withdrawn` (publishing a new version offers it again)."""
    proc = session.scalar(
        select(Procedure).where(Procedure.province == province, Procedure.code == code)
    )
    if proc is None or (proc.withdrawn_at is not None and not withdrawn):
        raise ProcedureNotFound("Procedure not found", {"code": [code]})
    version = session.scalar(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == proc.id,
            ProcedureVersion.version == proc.current_version,
        )
    )
    return proc, version


def get_procedure(session, province, code, withdrawn=False):
    """A province's procedure; without a province (a national caller), the only
    province that has this code, else 422 naming `province` (codes are national).
    `withdrawn`: one no longer offered too, as last published (its managers
    prepare it to be offered again)."""
    if province is None:
        query = select(Procedure.province).where(Procedure.code == code)
        if not withdrawn:
            query = query.where(Procedure.withdrawn_at.is_(None))
        found = session.scalars(query.limit(2)).all()
        if len(found) > 1:
            raise ValidationFailed("Invalid input", {"province": [WHICH_PROVINCE]})
        province = found[0] if found else None
    return dump_procedure(*_current(session, province, code, withdrawn))


def current_version(session, province, code, withdrawn=False):
    """(Procedure, ProcedureVersion) for filing a dossier now (or, `withdrawn`,
    the last one of a procedure no longer offered)."""
    return _current(session, province, code, withdrawn)


def _with_current_version():
    """(Procedure, its current version) rows: the last published one."""
    return (
        select(Procedure, ProcedureVersion)
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(ProcedureVersion.version == Procedure.current_version)
    )


def _offered():
    """(Procedure, its current version) of every procedure offered now."""
    return _with_current_version().where(Procedure.withdrawn_at.is_(None))


def _current_versions(session, province=None):
    query = _offered().order_by(Procedure.province, Procedure.code)
    if province is not None:
        query = query.where(Procedure.province == province)
    return [dump_procedure(p, v) for p, v in session.execute(query).all()]


NATIONAL_LIMIT = 200


def list_national(session, near=None, q=None, level=None):
    """Every province's current procedures matching `q`/`level`, those of `near`
    (the citizen's province) first, then by province and code; at most
    NATIONAL_LIMIT."""
    items = _filtered(_current_versions(session), None, q, level)
    items.sort(key=lambda i: (i["province"] != near, i["province"], i["code"]))
    return items[:NATIONAL_LIMIT]


def list_procedures(session, province, agency=None, q=None, level=None):
    return _filtered(_current_versions(session, province), agency, q, level)


def _filtered(items, agency=None, q=None, level=None):
    if agency:
        items = [i for i in items if not i["agencies"] or agency in i["agencies"]]
    if level:
        items = [i for i in items if i["level"] == int(level)]
    if q:
        needle = q.lower()
        items = [i for i in items if needle in f"{i['code']} {i['name']}".lower()]
    return items


def create_procedure(session, province, data):
    exists = session.scalar(
        select(Procedure.id).where(
            Procedure.province == province, Procedure.code == data["code"]
        )
    )
    if exists:
        raise ProcedureExists(
            "A procedure with this code already exists", {"code": [data["code"]]}
        )
    proc = Procedure(
        province=province, code=data["code"], current_version=1, revision=1
    )
    session.add(proc)
    session.flush()
    return _publish(session, proc, 1, data, "created")


def _locked(session, province, code):
    proc, _ = _current(session, province, code, withdrawn=True)
    # locked AND read again: without populate_existing the lock's SELECT keeps the
    # version loaded before it, so two publishes at once both wrote the same number
    return session.get(Procedure, proc.id, with_for_update=True, populate_existing=True)


def publish_version(session, province, code, data):
    """Publish a new version of an existing procedure; old dossiers keep theirs.
    A withdrawn procedure is offered again."""
    proc = _locked(session, province, code)
    proc.current_version += 1
    proc.revision += 1
    proc.withdrawn_at = None
    return _publish(session, proc, proc.current_version, data, "published")


def withdraw_procedure(session, province, code):
    """Stop offering a procedure: no new dossier, gone from the catalogue and its
    search; dossiers filed under it keep their version. Withdrawing again is a
    no-op. Returns its last version with `withdrawn_at`."""
    _, version = _current(session, province, code, withdrawn=True)
    proc = _locked(session, province, code)
    if proc.withdrawn_at is None:
        proc.withdrawn_at = dt.datetime.now(dt.UTC)
        proc.revision += 1
        session.flush()
        _announce(session, proc, version, "withdrawn")
    return dump_procedure(proc, version)


def list_withdrawn(session, province):
    """A province's procedures no longer offered, each as its last version with
    `withdrawn_at` (its managers publish one again)."""
    query = (
        _with_current_version()
        .where(Procedure.province == province, Procedure.withdrawn_at.is_not(None))
        .order_by(Procedure.code)
    )
    return [dump_procedure(p, v) for p, v in session.execute(query)]


# What the national catalogue index keeps of a procedure (contract IndexedProcedure).
INDEXED = ("name", "name_en", "level", "fee", "agencies", "received_elsewhere")


def index_entry(proc, version):
    body = {name: getattr(version, name) for name in INDEXED}
    body["agencies"] = list(body["agencies"] or [])
    return dict(
        body, code=proc.code, province=proc.province, version=version.version,
        revision=proc.revision,
    )  # fmt: skip


def _announce(session, proc, version, change):
    """`procedure_changed` in the change's transaction (the search index follows)."""
    body = {"code": proc.code, "change": change, "revision": proc.revision,
            "procedure": index_entry(proc, version)}  # fmt: skip
    record_event(session, Outbox, contract.PROCEDURE_CHANGED, body, proc.province)


def list_for_index(session, caller, after=None, limit=500):
    """The procedures offered now, every province, by internal id (a rebuild of the
    national catalogue index); the national scope only."""
    if permissions.scope_of(caller) != "national":
        raise Forbidden("Not permitted", {"action": ["procedure.index"]})
    query = _offered().order_by(Procedure.id).limit(min(int(limit), 1000))
    if after is not None:
        query = query.where(Procedure.id > int(after))
    return [
        dict(index_entry(p, v), internal_id=p.id) for p, v in session.execute(query)
    ]


def _publish(session, proc, number, data, change):
    # A fixed fee paid online is the fee the procedure shows.
    data = dict(data, fee=fees.shown_fee(data.get("fee_rule"), data.get("fee")))
    # every procedure may be received at any desk unless it says otherwise
    data["received_elsewhere"] = data.get("received_elsewhere") is not False
    version = ProcedureVersion(
        procedure_id=proc.id,
        version=number,
        published_at=dt.datetime.now(dt.UTC),
        **{name: data.get(name) for name in CONTENT},
    )
    session.add(version)
    session.flush()
    _announce(session, proc, version, change)
    return dump_procedure(proc, version)


PROVINCE_CODE = re.compile(r"\d{2}")
WHICH_PROVINCE = detail("province_needed")


# --- holidays --------------------------------------------------------------------


@functools.cache
def national_holidays():
    """(date, Vietnamese name) rows of the national list shipped with the service
    (read once: the file changes only with a release)."""
    with NATIONAL_HOLIDAYS.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return tuple(
        (dt.date.fromisoformat(row["date"]), row["name_vi"])
        for row in csv.DictReader(lines)
    )


def check_province_code(province):
    """Only a province code (two digits) has a calendar: an agency code given in its
    place is refused instead of overflowing the column."""
    if not isinstance(province, str) or not PROVINCE_CODE.fullmatch(province):
        raise ValidationFailed(
            "Invalid input", {"province": [detail("invalid_province_code")]}
        )


def ensure_calendar(session, province):
    """Give a province the national holidays the first time it is changed."""
    check_province_code(province)
    created = session.execute(
        insert(HolidayCalendar)
        .values(province=province, seeded_at=dt.datetime.now(dt.UTC))
        .on_conflict_do_nothing()
    ).rowcount
    if created:
        rows = [
            {"province": province, "day": day, "name": name}
            for day, name in national_holidays()
        ]
        session.execute(insert(Holiday).values(rows).on_conflict_do_nothing())


def holidays_of(session, province, year=None):
    """A province's holidays; the national list until it has its own (reads never
    write: an anonymous read for any code must not create a calendar)."""
    check_province_code(province)
    if session.get(HolidayCalendar, province) is None:
        national = [
            Holiday(province=province, day=d, name=n) for d, n in national_holidays()
        ]
        return [h for h in national if not year or h.day.year == int(year)]
    query = select(Holiday).where(Holiday.province == province).order_by(Holiday.day)
    if year:
        query = query.where(extract("year", Holiday.day) == int(year))
    return session.scalars(query).all()


def calendar_of(session, province):
    """A province's working-day calendar, built once per transaction: a submit or
    an action reads it for the move, the event and the answer."""
    cached = session.info.setdefault("calendars", {})
    if province not in cached:
        cached[province] = domain.Calendar(_holiday_days(session, province))
    return cached[province]


_HOLIDAY_DAYS = (
    select(HolidayCalendar.province, Holiday.day)
    .outerjoin(Holiday, Holiday.province == HolidayCalendar.province)
    .where(HolidayCalendar.province == bindparam("province"))
)


# A province's calendar as reads last built it: (revision, Calendar). A read gets the
# revision with the dossier row (`calendar_revision`, the same round trip), so a
# change on any instance is seen by the next read, and an unchanged calendar costs
# no query (it was a sixth of the dossiers service's CPU on get_dossier).
_KEPT = {}


def calendar_revision(province):
    """The revision of `province`'s calendar as a column (None: the national list)."""
    query = select(HolidayCalendar.revision).where(HolidayCalendar.province == province)
    return query.scalar_subquery()


def calendar_at(session, province, revision):
    """`province`'s calendar at `revision`, built again only when it moved; also the
    transaction's (`calendar_of`)."""
    kept = _KEPT.get(province)
    if kept is None or kept[0] != revision:
        if revision is None:  # no calendar of its own: the national list
            days = [day for day, _ in national_holidays()]
        else:
            query = select(Holiday.day).where(Holiday.province == province)
            days = session.scalars(query)
        # read after the revision: never older than it, at worst rebuilt once more
        kept = _KEPT[province] = (revision, domain.Calendar(days))
    session.info.setdefault("calendars", {})[province] = kept[1]
    return kept[1]


def _holiday_days(session, province):
    """The days of `holidays_of`, without building a row object per holiday (a
    twentieth of the dossiers service's CPU when every action built them)."""
    check_province_code(province)
    # one round trip: no row, the national list; else the province's days (a
    # calendar emptied of every holiday: one row without a day)
    rows = session.execute(_HOLIDAY_DAYS, {"province": province}).all()
    if not rows:
        return [day for day, _ in national_holidays()]
    return [row.day for row in rows if row.day is not None]


def replace_holidays(session, province, year, holidays):
    """Replace one year of a province's calendar."""
    session.info.get("calendars", {}).pop(province, None)
    ensure_calendar(session, province)
    session.execute(
        update(HolidayCalendar)
        .where(HolidayCalendar.province == province)
        .values(revision=HolidayCalendar.revision + 1)
    )
    session.execute(
        delete(Holiday).where(
            Holiday.province == province, extract("year", Holiday.day) == int(year)
        )
    )
    for item in holidays:
        if item["date"].year == int(year):
            session.add(Holiday(province=province, day=item["date"], name=item["name"]))
    session.flush()


def dump_holidays(rows):
    return [{"date": h.day.isoformat(), "name": h.name} for h in rows]
