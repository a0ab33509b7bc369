"""A refused submission is announced (`dossier_submission_refused`), nothing else.

MISSION.md: "On save the system validates the dossier; missing or invalid parts are
reported on the page and by e-mail." The submit answers 422 `DOSSIER_INVALID` and its
transaction rolls back; the service then records this event in its own short
transaction, so notify can mail the applicant what is missing, with the procedure's
own labels. The dossier itself (row, version, history) is left untouched.
"""

from services.shared.outbox import record_event

from . import catalogue, store
from .models import Outbox

EVENT = "dossier_submission_refused"


def labels(procedure):
    """Return {"form.<name>" | "documents.<slot>": {vi, en}} of a procedure version."""
    found = {}
    for item in (procedure.form or {}).get("fields", []):
        label = item.get("label") or item["name"]
        found[f"form.{item['name']}"] = {"vi": label, "en": item.get("label_en")}
    for item in procedure.documents or []:
        name = item.get("name") or item["slot"]
        found[f"documents.{item['slot']}"] = {"vi": name, "en": item.get("name_en")}
    return found


def record(session, caller, dossier_id, problems):
    """Record the refusal of `dossier_id` with its problems (field → messages)."""
    dossier = store.load(session, caller, dossier_id)
    procedure = store.version_of(session, dossier)
    calendar = catalogue.calendar_of(session, dossier.province)
    known = labels(procedure)
    body = {
        "dossier_id": str(dossier.public_id),
        "dossier": store.snapshot(session, dossier, procedure, calendar),
        "version": dossier.version,
        "problems": problems or {},
        "labels": {key: known[key] for key in problems or {} if key in known},
        "actor": store.actor_of(caller),
    }
    return record_event(session, Outbox, EVENT, body, province=dossier.province)
