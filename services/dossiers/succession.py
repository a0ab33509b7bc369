"""Carry out accounts' `agency_succeeded`: the open dossiers and procedure lists of
the replaced agencies move to their successor.

One transaction per aggregate: each procedure gets a new published version whose
agency list names the successor instead (old versions, and the dossiers filed under
them, keep theirs); each open dossier (every state but completed, rejected,
cancelled) gets the successor's agency and province, keeps its receipt number, gains
a public history line and is announced with `dossier_updated` (`changes:
["agency"]`), so the search index and the files' visibility follow. Its next
receipt number, if it has none yet, is the successor's. Closed dossiers stay with
the agency that handled them (history).

The event arrives at least once and may be redelivered half done: every step picks
only what still names a predecessor, so running it again moves the rest and repeats
nothing; `agency_successions.finished_at` marks it done, and `succession_moves`
keeps each move for the report.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from services.shared import permissions
from services.shared.caller import SYSTEM
from services.shared.errors import NotFound, detail

from . import catalogue, domain, store
from .models import (
    AgencySuccession,
    Dossier,
    Procedure,
    ProcedureVersion,
    SuccessionMove,
)

ACTOR = {"id": None, "full_name": "Hệ thống", "role": "system"}
BATCH = 200


def carry_out(db, event):
    """Move everything that still names a predecessor of `event` (idempotent)."""
    with db.transaction() as session:
        row = _begin(session, event)
        if row.finished_at is not None:
            return
    predecessors = list(event["predecessors"])
    for proc_id in _procedures_naming(db, predecessors):
        with db.transaction() as session:
            store.lock_timeout(session)
            _move_procedure(session, event, proc_id)
    while True:
        with db.reader() as session:
            ids = session.scalars(
                select(Dossier.id)
                .where(
                    # either role: the resolving agency or the receiving desk
                    Dossier.agency.in_(predecessors)
                    | Dossier.receiving_agency.in_(predecessors),
                    Dossier.status.in_(domain.OPEN_STATES),
                )
                .order_by(Dossier.id)
                .limit(BATCH)
            ).all()
        if not ids:
            break
        for dossier_id in ids:
            with db.transaction() as session:
                store.lock_timeout(session)
                _move_dossier(session, event, dossier_id)
    with db.transaction() as session:
        session.get(AgencySuccession, event["succession_id"]).finished_at = store.now()


def _begin(session, event):
    session.execute(
        insert(AgencySuccession)
        .values(
            succession_id=event["succession_id"],
            successor=event["successor"],
            successor_province=event["successor_province"],
            predecessors=list(event["predecessors"]),
            effective_date=dt.date.fromisoformat(str(event["effective_date"])),
            received_at=store.now(),
        )
        .on_conflict_do_nothing()
    )
    return session.get(AgencySuccession, event["succession_id"])


def _procedures_naming(db, predecessors):
    """Ids of the procedures whose current version lists a predecessor."""
    with db.reader() as session:
        rows = session.execute(
            select(Procedure.id, ProcedureVersion.agencies).join(
                ProcedureVersion,
                (ProcedureVersion.procedure_id == Procedure.id)
                & (ProcedureVersion.version == Procedure.current_version),
            )
        ).all()
    wanted = set(predecessors)
    return [pid for pid, agencies in rows if wanted & set(agencies or [])]


def successor_list(agencies, predecessors, successor):
    """The agency list with the predecessors replaced by the successor (once, in
    the place of the first one; order kept)."""
    out = []
    for code in agencies or []:
        code = successor if code in predecessors else code
        if code not in out:
            out.append(code)
    return out


def _move_procedure(session, event, proc_id):
    proc = session.get(Procedure, proc_id, with_for_update=True)
    _, current = catalogue.current_version(session, proc.province, proc.code)
    before = list(current.agencies or [])
    predecessors = set(event["predecessors"])
    if not predecessors & set(before):
        return  # moved by an earlier delivery, or edited since
    data = {name: getattr(current, name) for name in catalogue.CONTENT}
    data["agencies"] = successor_list(before, predecessors, event["successor"])
    published = catalogue.publish_version(session, proc.province, proc.code, data)
    _record(
        session,
        event,
        "procedure",
        f"{proc.province}/{proc.code}",
        label=str(published["version"]),
        from_agency=",".join(sorted(predecessors & set(before))),
    )
    store.audit(
        session,
        SYSTEM,
        "procedure.publish",
        proc.code,
        province=proc.province,
        details={"succession": event["succession_id"]},
    )


# The roles an agency plays in a dossier: (agency field, its province field).
ROLES = (("agency", "province"), ("receiving_agency", "receiving_province"))


def _move_dossier(session, event, dossier_id):
    dossier = session.get(Dossier, dossier_id, with_for_update=True)
    roles = [
        (agency, province)
        for agency, province in ROLES
        if getattr(dossier, agency) in event["predecessors"]
    ]
    if not roles or dossier.status not in domain.OPEN_STATES:
        return  # moved already, or closed meanwhile
    old_agency = getattr(dossier, roles[0][0])
    # one agency received and resolves it: the receiving desk follows unsaid
    local = store.route(dossier) == domain.LOCAL
    changes = []
    for agency, province in roles:
        # a dossier received by a replaced desk is handed back by its successor
        for field, new in ((agency, event["successor"]),
                           (province, event["successor_province"])):  # fmt: skip
            old = getattr(dossier, field)
            if old != new and not (local and field.startswith("receiving_")):
                changes.append({"field": field, "old": old, "new": new})
            setattr(dossier, field, new)
    dossier.updated_at = store.now()
    store.record_history(
        session,
        dossier,
        SYSTEM,
        "agency_succeeded",
        from_state=dossier.status,
        to_state=dossier.status,
        actor=ACTOR,
        changes=changes,
    )
    _record(
        session,
        event,
        "dossier",
        str(dossier.public_id),
        label=dossier.receipt_number,
        status=dossier.status,
        from_agency=old_agency,
    )
    store.emit(
        session,
        dossier,
        "dossier_updated",
        {"changes": [c["field"] for c in changes], "actor": ACTOR},
    )


def _record(session, event, kind, ref, **values):
    session.execute(
        insert(SuccessionMove)
        .values(
            succession_id=event["succession_id"],
            kind=kind,
            ref=ref,
            at=store.now(),
            **values,
        )
        .on_conflict_do_nothing()
    )


def report(session, caller, succession_id):
    """What this service moved for a succession (staff in the successor's scope)."""
    store.require_login(caller)
    permissions.require(caller, "agency.read")
    row = session.get(AgencySuccession, str(succession_id)[:36])
    if row is None or not permissions.sees(
        caller, province=row.successor_province, agency=row.successor
    ):
        raise NotFound("Not found", {"succession": [detail("unknown_succession")]})
    moves = session.scalars(
        select(SuccessionMove)
        .where(SuccessionMove.succession_id == row.succession_id)
        .order_by(SuccessionMove.id)
    ).all()
    return {
        "succession_id": row.succession_id,
        "successor": row.successor,
        "predecessors": list(row.predecessors),
        "received_at": row.received_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "dossiers": [
            {
                "id": m.ref,
                "receipt_number": m.label,
                "status": m.status,
                "from_agency": m.from_agency,
            }
            for m in moves
            if m.kind == "dossier"
        ],
        "procedures": [
            {
                "procedure": m.ref.split("/", 1)[1],
                "province": m.ref.split("/", 1)[0],
                "version": int(m.label),
                "from_agency": m.from_agency,
            }
            for m in moves
            if m.kind == "procedure"
        ],
    }
