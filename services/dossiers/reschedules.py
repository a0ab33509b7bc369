"""Late, honestly: a dossier that will miss its appointment gets a new date.

The officer (or leader, admin) of the dossier's department gives the new date and
the reason, which the applicant reads. The appointment date stays what the law
counts against (deadline state and statistics still say late); the new promise is
`rescheduled_date`, each reschedule kept in `reschedules`. The move is announced as
`dossier_status_changed` with action `reschedule` (from = to = the status): notify's
`ACTION_TEMPLATES` mails the applicant the apology letter (files' `apology` slip,
with the old and new dates), which the files service keeps with the dossier.
"""

from services.contracts import dossiers as contract
from services.shared import permissions
from services.shared.errors import Forbidden, detail
from services.shared.schemas import load

from . import domain, store, workflow
from .exceptions import InvalidTransition, RescheduleRefused

ACTION = "reschedule"


def reschedule(session, caller, dossier_id, data):
    permissions.require(caller, "dossier.reschedule")
    data = load(contract.RescheduleSchema, data)
    dossier = store.load(session, caller, dossier_id)
    workflow.check_version(dossier, data.get("expected_version"))
    if dossier.status not in domain.RESCHEDULE_STATES:
        raise InvalidTransition(
            "Only a dossier being processed can be given a new date",
            {"status": [dossier.status], "action": [ACTION]},
        )
    if not workflow._in_department(caller, dossier):
        raise Forbidden("Not permitted", {"department": [str(dossier.department)]})
    reason = data["reason"].strip()
    if not reason:
        raise RescheduleRefused(
            "Invalid input", {"reason": [detail("reason_required")]}
        )
    current = dossier.rescheduled_date or dossier.appointment_date
    new = data["new_date"]
    if current is None or new <= current or new < store.today():
        raise RescheduleRefused(
            "The new date must come after the promised one",
            {"new_date": [detail("after_appointment", date=str(current))]},
        )
    moment = store.now()
    dossier.rescheduled_date = new
    dossier.reschedules = list(dossier.reschedules or []) + [
        {
            "from": current.isoformat(),
            "to": new.isoformat(),
            "reason": reason,
            "at": moment.isoformat(),
            "by": caller.get("user_id"),
        }
    ]
    dossier.updated_at = moment
    store.record_history(
        session,
        dossier,
        caller,
        ACTION,
        from_state=dossier.status,
        to_state=dossier.status,
        note=reason,
    )
    store.emit(
        session,
        dossier,
        "dossier_status_changed",
        {
            "from": dossier.status,
            "to": dossier.status,
            "action": ACTION,
            "actor": store.actor_of(caller),
            "note": None,
            "reason": reason,
            "receipt_number": dossier.receipt_number,
            "appointment_date": new.isoformat(),
        },
    )
    return store.detail(session, caller, dossier)
