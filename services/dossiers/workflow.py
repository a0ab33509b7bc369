"""Applying a workflow move: permission, state, effects, history and the event."""

from services.shared import permissions
from services.shared.errors import Forbidden, ValidationFailed, detail

from . import catalogue, domain, forms, references, store
from .exceptions import ConcurrentUpdate, DossierInvalid, InvalidTransition
from .payments import gate


def check_version(dossier, expected):
    if expected is not None and int(expected) != dossier.version:
        raise ConcurrentUpdate(
            "The dossier was changed by someone else; reload it",
            {"version": [str(dossier.version)]},
        )


def resolve(caller, dossier, action):
    """The Transition the caller may take now, or 403 / 409."""
    allowed, paper = permissions.actions_of(caller), bool(dossier.paper)
    if not allowed & domain.permissions_for(action, paper):
        raise Forbidden("Not permitted", {"action": [action]})
    route = store.route(dossier)
    move = domain.find(dossier.status, action, route)
    if move is None:
        raise InvalidTransition(
            "Action not allowed in the dossier's current state",
            {"status": [dossier.status], "action": [action]},
        )
    if not allowed & move.allowed(paper):
        raise Forbidden("Not permitted", {"action": [action]})
    if not domain.takes(move, route, store.sides(caller, dossier)):
        # received here, resolved there: each agency takes its own steps
        field = "receiving_agency" if move.side == domain.RECEIVING else "agency"
        raise Forbidden("Not permitted", {field: [detail("not_this_agency_step")]})
    if move.department_bound and not _in_department(caller, dossier):
        raise Forbidden("Not permitted", {"department": [str(dossier.department)]})
    return move


def _in_department(caller, dossier):
    if permissions.SCOPE_RANK[permissions.scope_of(caller)] >= 2:
        return True
    return caller.get("department") == dossier.department


# the move that may name another resolving agency (after one declined the dossier)
NAMES_AGENCY = "transfer"


def require_agency_move(data):
    """Only `transfer` names an agency (`act`'s other moves refuse it)."""
    if data.get("agency") and data["action"] != NAMES_AGENCY:
        raise ValidationFailed("Invalid input", {"agency": [detail("unknown_field")]})


def require_texts(action, data):
    if action in domain.REASON_REQUIRED and not (data.get("reason") or "").strip():
        raise ValidationFailed("Invalid input", {"reason": [detail("reason_required")]})
    if action in domain.NOTE_REQUIRED and not (data.get("note") or "").strip():
        raise ValidationFailed("Invalid input", {"note": [detail("note_required")]})


def validate_for_submit(procedure, dossier, files):
    errors = forms.check_complete(procedure.form, dossier.form)
    errors.update(forms.check_documents(procedure.documents, files))
    if errors:
        raise DossierInvalid("The dossier is incomplete or invalid", errors)


def apply(session, caller, dossier, move, data, directory):
    """Run the move's effects on the dossier (not yet flushed)."""
    moment = store.now()
    procedure = store.version_of(session, dossier)
    calendar = catalogue.calendar_of(session, dossier.province)
    effects = set(move.effects)
    if "department" in effects:
        dossier.department = directory.department(dossier.agency, data["department"])
    if data.get("assignee"):
        # Checked against the department the move leaves the dossier in.
        references.assignee(directory, dossier, data["assignee"])
        dossier.assignees = [data["assignee"]]
    if "receipt_number" in effects and not dossier.receipt_number:
        day = domain.local_date(moment)
        # the receiving desk numbers it (the resolving agency itself unless filed
        # elsewhere)
        dossier.receipt_number = store.next_receipt(
            session, dossier.receiving_agency, day
        )
    if "mark_received" in effects and dossier.received_at is None:
        dossier.received_at = moment
        dossier.received_by = caller.get("user_id")
    if "mark_submitted" in effects:
        dossier.submitted_at = moment
    _between_agencies(dossier, effects, moment, procedure, data, directory)
    _clock(dossier, effects, calendar, moment)
    if "close" in effects:
        dossier.completed_at = moment
    if dossier.received_at is not None:
        dossier.appointment_date = store.effective_due(dossier, procedure, calendar)
    dossier.status = move.target
    store.enter_step(dossier, procedure, calendar, moment)
    dossier.updated_at = moment


def _between_agencies(dossier, effects, moment, procedure, data, directory):
    """The moves between the receiving desk and the resolving agency."""
    if "mark_transferred" in effects:
        dossier.transferred_at = moment
        _change_resolver(dossier, procedure, data.get("agency"), directory)
    if "mark_declined" in effects:
        dossier.transferred_at = None
    if "mark_returned" in effects:
        dossier.returned_at = moment


def _change_resolver(dossier, procedure, code, directory):
    """Send the dossier to agency `code` instead (checked): its department and
    assignees were the previous agency's."""
    if not code or code == dossier.agency:
        return
    references.next_resolver(directory, procedure, dossier, code)
    dossier.agency, dossier.department, dossier.assignees = code, None, []


def _clock(dossier, effects, calendar, moment):
    """Pause the clock for a supplement, or resume it adding the paused days."""
    if "resume_clock" in effects and dossier.paused_at is not None:
        days = domain.paused_working_days(calendar, dossier.paused_at, moment)
        dossier.paused_days += days
        pause = {"from": dossier.paused_at.isoformat(), "to": moment.isoformat()}
        dossier.pauses = list(dossier.pauses or []) + [dict(pause, days=days)]
        dossier.paused_at = None
    if "pause_clock" in effects:
        dossier.paused_at = moment


def note_is_public(caller, action, data):
    """Whether the move's note is addressed to the applicant (see PUBLIC_NOTES)."""
    if permissions.scope_of(caller) == "own":
        return True
    if data.get("note_public") is not None:
        return bool(data["note_public"])
    return action in domain.PUBLIC_NOTES


def record_move(session, caller, dossier, action, source, data, public, changes=None):
    """The move in the history (public); an internal note as its own entry."""
    text = data.get("reason") or data.get("note")
    store.record_history(
        session,
        dossier,
        caller,
        action,
        from_state=source,
        to_state=dossier.status,
        note=text if public else None,
        changes=changes,
    )
    if text and not public:
        store.record_history(session, dossier, caller, "note", note=text, public=False)


def transition(
    session, caller, dossier, action, data, directory, event=None, label=None
):
    """Check, apply, record and announce one move; return the event payload."""
    check_version(dossier, data.get("expected_version"))
    move = resolve(caller, dossier, action)
    gate.require_paid(dossier, action)
    if move.department_bound or action != "submit":
        require_texts(action, data)
    source, resolver = dossier.status, dossier.agency
    apply(session, caller, dossier, move, data, directory)
    public = note_is_public(caller, action, data)
    changed = resolver != dossier.agency
    changes = [{"field": "agency", "old": resolver, "new": dossier.agency}]
    record_move(
        session, caller, dossier, label or action, source, data, public,
        changes if changed else None,
    )  # fmt: skip
    payload = {
        "from": source,
        "to": move.target,
        "action": label or action,
        "actor": store.actor_of(caller),
        # events reach the applicant's mail: internal notes never travel in them
        "note": data.get("note") if public else None,
        "reason": data.get("reason") if public else None,
        "receipt_number": dossier.receipt_number,
        "appointment_date": store._iso(dossier.appointment_date),
        # the resolving agency the move took the dossier from (another one now)
        "previous_agency": resolver if changed else None,
    }
    if event == "dossier_submitted":
        payload["resubmission"] = source == domain.SUPPLEMENT
    return store.emit(session, dossier, event or "dossier_status_changed", payload)
