"""Loading dossiers in the caller's scope, their snapshot, history and events."""

import copy
import uuid

from sqlalchemy import bindparam, cast, insert, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import make_transient_to_detached

from services.shared import audit as audit_log
from services.shared import permissions, visibility
from services.shared.caller import is_authenticated
from services.shared.clock import utcnow as now
from services.shared.errors import Unauthenticated
from services.shared.outbox import record_event

from . import catalogue, domain, forms
from .exceptions import DossierNotFound
from .models import (
    AuditEntry,
    Dossier,
    HistoryEntry,
    Outbox,
    ProcedureVersion,
    ReceiptCounter,
    Task,
)


def today():
    return domain.local_date(now())


def scope_record(dossier):
    """The dossier's fields that the visibility rule reads."""
    return {
        "province": dossier.province,
        "agency": dossier.agency,
        "department": dossier.department,
        "receiving_province": dossier.receiving_province,
        "receiving_agency": dossier.receiving_agency,
        "owner": dossier.owner_id,
        "assignees": list(dossier.assignees or []),
        "submitted_at": dossier.submitted_at,
    }


def visible(caller, dossier, kind="dossier", **fields):
    """Tell whether the caller sees the dossier (or its record of `kind`, whose own
    fields, such as audience or assignee, are given)."""
    return visibility.sees(caller, kind, scope_record(dossier) | fields)


def scope_columns(table):
    """Visibility rule fields -> columns of a dossiers table (`visibility.to_sql`)."""

    def has_assignee(op, user):
        return cast(table.c.assignees, JSONB).contains([user])

    return {
        "province": table.c.province,
        "agency": table.c.agency,
        "department": table.c.department,
        "receiving_province": table.c.receiving_province,
        "receiving_agency": table.c.receiving_agency,
        "owner": table.c.owner_id,
        "assignees": has_assignee,
        "submitted_at": table.c.submitted_at,
    }


SCOPE_COLUMNS = scope_columns(Dossier.__table__)


def scope_filter(caller, query, kind="dossier", **columns):
    """Limit a query over dossiers (joined to `kind` records, whose own fields map to
    `columns`) to what the caller sees."""
    predicate = visibility.rule(caller, kind)
    return query.where(visibility.to_sql(predicate, SCOPE_COLUMNS | columns))


def _parse_id(dossier_id):
    try:
        return uuid.UUID(str(dossier_id))
    except ValueError:
        raise DossierNotFound("Dossier not found", {"id": [str(dossier_id)]}) from None


def require_login(caller):
    if not is_authenticated(caller):
        raise Unauthenticated("Authentication required")


# Statements run by every move, built once: SQLAlchemy keeps the cache key of a
# statement object, not of one built again per call.
_BY_PUBLIC_ID = select(Dossier).where(Dossier.public_id == bindparam("public_id"))
_BY_PUBLIC_ID_LOCKED = _BY_PUBLIC_ID.with_for_update()
_TASKS = select(Task).where(Task.dossier_id == bindparam("dossier_id"))
_TASKS = _TASKS.order_by(Task.id)


def load(session, caller, dossier_id, lock=False):
    """The dossier if the caller may see it; 404 otherwise (never 403)."""
    require_login(caller)
    query = _BY_PUBLIC_ID_LOCKED if lock else _BY_PUBLIC_ID
    dossier = session.scalar(query, {"public_id": _parse_id(dossier_id)})
    return _seen(caller, dossier, dossier_id)


def load_to_read(session, caller, dossier_id):
    """`load` for a read: the province's calendar revision comes with the row, so
    the calendar is the one this process keeps unless it changed."""
    require_login(caller)
    query = select(Dossier, catalogue.calendar_revision(Dossier.province))
    row = session.execute(
        query.where(Dossier.public_id == _parse_id(dossier_id))
    ).first()
    dossier = _seen(caller, row and row[0], dossier_id)
    catalogue.calendar_at(session, dossier.province, row[1])
    return dossier


def _seen(caller, dossier, dossier_id):
    if dossier is None or not visible(caller, dossier):
        raise DossierNotFound("Dossier not found", {"id": [str(dossier_id)]})
    return dossier


def route(dossier):
    """LOCAL, or TRANSFER for a dossier received by another agency's desk."""
    return domain.route_of(dossier.receiving_agency, dossier.agency)


def sides(caller, dossier):
    """The sides of the dossier the caller works for (visibility.sides)."""
    return visibility.sides(caller, scope_record(dossier))


# A published procedure version never changes (a change publishes a new one), so
# each process keeps a detached copy of those it read: a query and its JSON
# decoding per action were a tenth of the service's CPU.
_VERSIONS, _VERSIONS_KEPT = {}, 5000


def version_of(session, dossier):
    found = _VERSIONS.get(dossier.procedure_version_id)
    if found is None:
        loaded = session.get(ProcedureVersion, dossier.procedure_version_id)
        if loaded is None:
            return None
        found = _detached_copy(loaded)
        if len(_VERSIONS) < _VERSIONS_KEPT:
            _VERSIONS[loaded.id] = found
    return found


def _detached_copy(version):
    columns = ProcedureVersion.__mapper__.column_attrs
    kept = ProcedureVersion(
        **{c.key: copy.deepcopy(getattr(version, c.key)) for c in columns}
    )
    make_transient_to_detached(kept)
    return kept


def actor_of(caller):
    roles = caller.get("roles") or [caller.get("kind")]
    return {
        "id": caller.get("user_id"),
        "full_name": caller.get("full_name"),
        "role": roles[0] if roles else None,
    }


def effective_due(dossier, procedure, calendar):
    """Appointment date counting a pause still running today."""
    if dossier.received_at is None:
        return dossier.appointment_date
    paused = dossier.paused_days
    if dossier.paused_at is not None:
        paused += domain.paused_working_days(calendar, dossier.paused_at, now())
    return calendar.due_date(
        dossier.received_at,
        procedure.processing_days,
        paused,
        procedure.after_15h_next_working_day,
    )


def deadline(dossier, procedure, calendar):
    completed = dossier.completed_at and domain.local_date(dossier.completed_at)
    due = effective_due(dossier, procedure, calendar)
    return domain.deadline_state(dossier.status, due, today(), calendar, completed)


def _iso(value):
    return value.isoformat() if value is not None else None


def dump_task(t):
    """A task as RPCs, events and the search index see it."""
    return {
        "id": t.id,
        "title": t.title,
        "assignee": t.assignee,
        "created_by": t.created_by,
        "due_date": _iso(t.due_date),
        "due_state": t.due_state,
        "status": t.status,
    }


def tasks_of(session, dossier):
    """Every task of the dossier: events and the index's source carry them (the
    search index lists tasks); RPC answers do not (tasks have their own rule)."""
    found = session.scalars(_TASKS, {"dossier_id": dossier.id})
    return [dump_task(t) for t in found]


def snapshot(session, dossier, procedure=None, calendar=None):
    """The dossier as the search index and every event sees it (no ID numbers)."""
    procedure = procedure or version_of(session, dossier)
    calendar = calendar or catalogue.calendar_of(session, dossier.province)
    state = deadline(dossier, procedure, calendar)
    applicant = dossier.applicant or {}
    return {
        "id": str(dossier.public_id),
        "receipt_number": dossier.receipt_number,
        "province": dossier.province,
        "agency": dossier.agency,
        "department": dossier.department,
        "receiving_province": dossier.receiving_province,
        "receiving_agency": dossier.receiving_agency,
        "transferred_at": _iso(dossier.transferred_at),
        "returned_at": _iso(dossier.returned_at),
        "procedure": {
            "code": dossier.procedure_code,
            "name": procedure.name,
            "version": procedure.version,
        },
        "applicant": {
            k: applicant.get(k) for k in ("id", "kind", "full_name", "email")
        },
        "owner": dossier.owner_id,
        "status": dossier.status,
        "deadline_state": state.state,
        "days_late": state.days_late,
        "appointment_date": _iso(dossier.appointment_date),
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "received_by": dossier.received_by,
        "completed_at": _iso(dossier.completed_at),
        "updated_at": _iso(dossier.updated_at),
        "assignees": list(dossier.assignees or []),
        "fee": procedure.fee,
        "payment_state": dossier.payment_state or "not_due",
        "fee_amount": dossier.fee_amount,
        "value": forms.value_of(procedure.form, dossier.form),
        "form_text": forms.form_text(procedure.form, dossier.form),
        "paper": bool(dossier.paper),
        "step": dossier.step,
        "step_due_date": _iso(dossier.step_due_date),
        "step_state": domain.step_state(dossier.step_due_date, today(), calendar),
        "result_file_id": dossier.result_file_id,
        "rescheduled_date": _iso(dossier.rescheduled_date),
        "version": dossier.version,
    }


def figures(dossier, procedure, calendar):
    """(deadline state, days late, step state) of the dossier today."""
    state = deadline(dossier, procedure, calendar)
    step = domain.step_state(dossier.step_due_date, today(), calendar)
    return state.state, state.days_late, step


def remember_figures(dossier, procedure, calendar):
    """Store today's figures on the row; True when they differ from the stored ones.

    Called before every event, so the sweep only announces what moved with time.
    """
    found = figures(dossier, procedure, calendar)
    if found == (dossier.deadline_state, dossier.days_late, dossier.step_state):
        return False
    dossier.deadline_state, dossier.days_late, dossier.step_state = found
    return True


def enter_step(dossier, procedure, calendar, moment):
    """Start the step of the dossier's (new) status and its own due date."""
    step = domain.STEP_OF.get(dossier.status)
    dossier.step = step
    dossier.step_started_at = moment if step else None
    dossier.step_due_date = domain.step_due_date(
        calendar, moment, procedure.step_limits, step
    )


def detail(session, caller, dossier, taken=None):
    """What get_dossier answers: the snapshot plus form, actions and phone.

    `taken`: the snapshot a move's event took of this same state (copied, never
    changed: it is the event's), instead of taking it again.
    """
    procedure = version_of(session, dossier)
    if taken is None:
        body = snapshot(session, dossier, procedure)
    else:
        body = {k: v for k, v in taken.items() if k != "tasks"}
        body["applicant"], body["procedure"] = (
            dict(taken["applicant"]),
            dict(taken["procedure"]),
        )
    body["form"] = dossier.form
    body["applicant"]["phone"] = (dossier.applicant or {}).get("phone")
    body["procedure"]["processing_days"] = procedure.processing_days
    # Slot codes with the names the procedure gives them (slips, pages).
    body["documents"] = [
        {"slot": d.get("slot"), "name": d.get("name") or d.get("slot")}
        for d in procedure.documents or []
    ]
    body["actions"] = domain.allowed_actions(
        dossier.status,
        permissions.actions_of(caller),
        bool(dossier.paper),
        route(dossier),
        sides(caller, dossier),
    )
    if dossier.access_code and permissions.can(caller, "dossier.register_paper"):
        # The desk prints it on the receipt slip; the applicant claims with it.
        body["access_code"] = dossier.access_code
    return body


def audit(session, caller, action, target, **columns):
    """Chain an admin action or a dossier move onto this database's audit log."""
    audit_log.append(session, AuditEntry, caller, action, target, **columns)


def record_history(session, dossier, caller, action, **kw):
    """Write the dossier's history line and its audit entry (same transaction)."""
    # The audit entry keeps states, not the note: notes may hold personal data, and
    # an append-only log cannot forget them.
    audit(
        session,
        caller,
        f"dossier.{action}"[:40],
        str(dossier.public_id),
        province=dossier.province,
        agency=dossier.agency,
        details={"from": kw.get("from_state"), "to": kw.get("to_state")},
    )
    # Core: nothing reads a history line back as an object in its transaction,
    # and the ORM's unit of work cost more than the insert itself
    session.execute(
        _HISTORY_INSERT,
        {
            "dossier_id": dossier.id,
            "action": action,
            "from_state": kw.get("from_state"),
            "to_state": kw.get("to_state"),
            "actor": kw.get("actor") or actor_of(caller),
            "note": kw.get("note"),
            "public": kw.get("public", True),
            "changes": kw.get("changes") or None,
            "at": kw.get("at") or now(),
        },
    )


_HISTORY_INSERT = insert(HistoryEntry.__table__)


def emit(session, dossier, event_type, payload, procedure=None, calendar=None):
    """Record `event_type` in the outbox with the dossier's snapshot and version."""
    procedure = procedure or version_of(session, dossier)
    calendar = calendar or catalogue.calendar_of(session, dossier.province)
    remember_figures(dossier, procedure, calendar)
    session.flush()
    body = dict(payload, dossier_id=str(dossier.public_id))
    body["dossier"] = dict(
        snapshot(session, dossier, procedure, calendar),
        tasks=tasks_of(session, dossier),
    )
    body["version"] = dossier.version
    return record_event(session, Outbox, event_type, body, province=dossier.province)


def bump(session, dossier):
    """Count a change that does not touch the dossier row itself (comment, task)."""
    # RETURNING the row into the object (as a refresh would: whatever another
    # transaction committed before our row lock), one round trip instead of two
    session.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id)
        .values(version=Dossier.version + 1, updated_at=now())
        .returning(Dossier)
        .execution_options(populate_existing=True, synchronize_session=False)
    ).scalar_one()


# A text statement: SQLAlchemy compiles its PostgreSQL `insert … on conflict` again
# for every execution (never cached), once per reception.
_NEXT_RECEIPT = text(
    f"INSERT INTO {ReceiptCounter.__tablename__} (agency, day, last)"
    " VALUES (:agency, :day, 1) ON CONFLICT (agency, day)"
    f" DO UPDATE SET last = {ReceiptCounter.__tablename__}.last + 1 RETURNING last"
)


def next_receipt(session, agency, day):
    """Issue the next sequence for (agency, day); commits with the caller's work."""
    found = session.execute(_NEXT_RECEIPT, {"agency": agency, "day": day})
    return domain.receipt_number(agency, day, found.scalar_one())


def lock_timeout(session, seconds=10):
    session.execute(text(f"SET LOCAL lock_timeout = '{int(seconds)}s'"))
