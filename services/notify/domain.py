"""Pure rules of the notify service: which e-mails an event produces, retries, lists.

No nameko, SQLAlchemy or configuration here; `service.py` feeds these functions and
stores what they return.
"""

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from services.shared import routes, visibility

from . import problems

STATUSES = (
    "draft",
    "queued",
    "sending",
    "sent",
    "temp_failed",
    "perm_failed",
    "cancelled",
)
PENDING = ("queued", "sending", "temp_failed")
LANGS = ("vi", "en")
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")
APOLOGY_ACTIONS = ("apologize", "extend", "reschedule", "extend_appointment")
# What the applicant hears of each move of the workflow (dossiers' actions), and
# the one place that says it: the template of the e-mail, or None for the agency's
# internal steps (an officer sending for approval, the leader approving or sending
# back: the dossier stays with the agency and the applicant has nothing to do).
# The mail used to be chosen by the state a move leads to, so a leader's send_back,
# which leads back to `processing`, read as a second reception.
# A move not named here is told as a status change (tests require every action
# of the workflow to be named).
ACTION_TEMPLATES = {
    "receive": "dossier_received",
    "register_paper": "dossier_received",
    "reject": "dossier_rejected",
    "request_supplement": "supplement_requested",
    "return_result": "dossier_completed",
    "cancel": "dossier_status_changed",
    "send_for_approval": None,
    "approve": None,
    "send_back": None,
    # received here, resolved there: the receipt when the desk receives it; the
    # steps between the two agencies are theirs
    "receive_for_transfer": "dossier_received",
    "transfer": None,
    "accept_transfer": None,
    # the result is back at the receiving desk: the applicant collects it there
    "return_to_desk": "dossier_returned",
    # the resolving agency declines it: between the two agencies
    "decline_transfer": None,
    **dict.fromkeys(APOLOGY_ACTIONS, "dossier_apology"),
}
DOCUMENTS = {"dossier_received": "receipt", "dossier_apology": "apology"}
# Mails that say where the applicant collects the result: on a dossier received at
# one agency's desk and resolved by another, they name both (`desks`).
DESK_KINDS = ("dossier_received", "dossier_returned")
# documents that print the move's reason (the apology letter says why it is late)
REASON_DOCUMENTS = (DOCUMENTS["dossier_apology"],)
RESULT_SLOT = "result"
MAX_ATTEMPTS = 8


@dataclass
class Planned:
    """One e-mail an event asks for, before rendering."""

    key: str
    recipient: str
    name: str | None
    lang: str
    context: dict
    document: str | None = None  # kind of generated document to attach
    scope: dict = field(default_factory=dict)
    once_per: float | None = None  # seconds: at most one such mail per dossier
    files: str | None = None  # slot of the dossier's files to attach ("result")
    # The portal URL `portal_link()` writes (built here, never a template variable).
    link: str | None = None
    # the user told in the portal too (an in-app entry next to the e-mail); several
    # recipients of one event and template each get their own message
    user_id: str | None = None

    def event_key(self, event_id):
        """The message's event id: the event's, or the event's per user."""
        if not (event_id and self.user_id):
            return event_id
        digest = hashlib.sha1(str(self.user_id).encode()).hexdigest()[:16]
        return f"{event_id[:40]}:{digest}"


def valid_email(address):
    return bool(address) and len(address) <= 320 and bool(EMAIL.match(address))


def lang_of(value):
    return value if value in LANGS else "vi"


def backoff_seconds(attempts, base=5.0, cap=3600.0):
    """Seconds to wait before the next try after `attempts` failed ones."""
    return min(base * (2 ** max(attempts - 1, 0)), cap)


def classify_smtp(code):
    """Return "temporary" for 4xx (and unknown), "permanent" for 5xx replies."""
    return "permanent" if code and 500 <= int(code) < 600 else "temporary"


def next_state_after_failure(attempts, kind, max_attempts=MAX_ATTEMPTS):
    """Return the status a message takes after a failed try."""
    if kind == "permanent" or attempts >= max_attempts:
        return "perm_failed"
    return "temp_failed"


def schedule(count, rate, start):
    """Return `count` send times spaced by 1/rate seconds (all `start` when rate 0)."""
    if not rate or rate <= 0:
        return [start] * count
    step = 1.0 / rate
    return [start + dt.timedelta(seconds=i * step) for i in range(count)]


def parse_recipients_csv(text):
    """Parse `email,full_name` rows; return (rows, bad rows with line numbers)."""
    rows, bad, seen = [], [], set()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for line, cells in enumerate(reader, start=1):
        if not cells or not "".join(cells).strip():
            continue
        email = cells[0].strip()
        if line == 1 and email.lower() in ("email", "e-mail"):
            continue
        name = cells[1].strip() if len(cells) > 1 else ""
        if not valid_email(email):
            bad.append({"line": line, "value": email, "error": "INVALID_EMAIL"})
        elif email.lower() in seen:
            bad.append({"line": line, "value": email, "error": "DUPLICATE"})
        else:
            seen.add(email.lower())
            rows.append({"email": email, "full_name": name})
    return rows, bad


def dedupe_people(people):
    """Keep valid, distinct addresses of [{email, full_name}] in order."""
    seen, out = set(), []
    for person in people:
        email = (person.get("email") or "").strip()
        if valid_email(email) and email.lower() not in seen:
            seen.add(email.lower())
            out.append({"email": email, "full_name": person.get("full_name") or ""})
    return out


def dossier_scope(dossier):
    return {
        "dossier_id": str(dossier.get("id")),
        "province": dossier.get("province"),
        "agency": dossier.get("agency"),
        "department": dossier.get("department"),
    }


def _applicant_mail(key, payload, public_url, extra=None, document=None):
    # payloads arrive loaded with their schema: the snapshot and applicant are there
    dossier = payload["dossier"]
    applicant = dossier["applicant"]
    if not applicant.get("email"):
        return []
    context = {
        "dossier": dossier,
        "name": applicant.get("full_name") or "",
        **(extra or {}),
    }
    return [
        Planned(
            key,
            applicant["email"],
            applicant.get("full_name"),
            lang_of(applicant.get("lang")),
            context,
            document,
            dossier_scope(dossier),
            link=dossier_link(public_url, dossier),
        )
    ]


def desk_codes(key, dossier):
    """(receiving, resolving) agency codes a mail of `key` names, or None."""
    desk, agency = dossier.get("receiving_agency"), dossier.get("agency")
    if key not in DESK_KINDS or not desk or desk == agency:
        return None
    return desk, agency


def dossier_link(public_url, dossier, page="citizen_dossier"):
    """The portal page of a dossier: the applicant's, or the staff workspace."""
    return routes.url(public_url, page, dossier_id=dossier.get("id"))


def plan_account(event_type, payload, public_url):
    """Plan the activation or password-reset e-mail of an accounts event."""
    if event_type == "account_registered":
        key, page = "account_activation", "activate"
        token = payload.get("activation_token")
    else:
        key, page = "password_reset", "reset_password"
        token = payload.get("reset_token")
    return [
        Planned(
            key,
            payload.get("email") or "",
            payload.get("full_name"),
            lang_of(payload.get("lang")),
            {"name": payload.get("full_name") or ""},
            link=routes.url(public_url, page, query={"token": token}),
        )
    ]


ACCOUNT_NOTICES = {
    "account_registration_attempted": "registration_attempted",
    "login_failures_detected": "login_failures",
}


def plan_account_notice(event_type, payload, public_url):
    """Plan the security notice to an account's owner (registration, sign-ins).

    No token travels in these mails: the link leads to the portal's own
    forgotten-password page, where the owner asks for a reset himself.
    """
    context = {
        "name": payload.get("full_name") or "",
        "failures": payload.get("failures") or 0,
        "ip": payload.get("ip") or "",
    }
    return [
        Planned(
            ACCOUNT_NOTICES[event_type],
            payload.get("email") or "",
            payload.get("full_name"),
            lang_of(payload.get("lang")),
            context,
            link=routes.url(public_url, "forgot_password"),
        )
    ]


def plan_status_change(payload, public_url):
    """Plan the citizen's e-mail for a dossier status change (`ACTION_TEMPLATES`)."""
    dossier = payload["dossier"]
    extra = {
        "reason": payload.get("reason") or "",
        "note": payload.get("note") or "",
        "receipt_number": payload.get("receipt_number")
        or dossier.get("receipt_number")
        or "",
        "appointment_date": payload.get("appointment_date")
        or dossier.get("appointment_date")
        or "",
        "status": payload.get("to") or "",
    }
    key = ACTION_TEMPLATES.get(payload.get("action"), "dossier_status_changed")
    if key is None:
        return []  # an internal step
    planned = _applicant_mail(key, payload, public_url, extra, DOCUMENTS.get(key))
    for item in planned:
        if key == "dossier_completed":
            item.files = RESULT_SLOT
    return planned


def plan_payment(payload, public_url):
    """The applicant's receipt (biên lai, attached) once the fee's payment is
    confirmed; other payment moves mail nobody (the dossier's page shows them)."""
    if payload.get("to") != "paid" or not payload.get("payment"):
        return []
    dossier = dict(payload["dossier"], payment=payload["payment"])
    extra = {
        "receipt_number": dossier.get("receipt_number") or "",
        "payment": payload["payment"],
    }
    return _applicant_mail(
        "payment_received", dict(payload, dossier=dossier), public_url, extra,
        "payment_receipt",
    )  # fmt: skip


def attachable(files, max_bytes):
    """True when the files (with `size`) fit in one e-mail of `max_bytes` in total."""
    return bool(files) and sum(int(f.get("size") or 0) for f in files) <= max_bytes


def plan_comment(payload, public_url):
    """Plan a mail to the applicant for a public comment written by someone else."""
    comment = payload["comment"]
    applicant = payload["dossier"]["applicant"]
    author = comment.get("author") or {}
    if comment.get("internal") or author.get("id") == applicant.get("id"):
        return []
    extra = {"comment": comment}
    return _applicant_mail("comment_added", payload, public_url, extra)


def plan_task(payload, public_url, assignee):
    """Plan a mail to the officer a task was assigned to (`assignee` resolved)."""
    if not assignee or not assignee.get("email"):
        return []
    dossier = payload["dossier"]
    context = {
        "task": payload["task"],
        "dossier": dossier,
        "name": assignee.get("full_name") or "",
    }
    return [
        Planned(
            "task_assigned",
            assignee["email"],
            assignee.get("full_name"),
            lang_of(assignee.get("lang")),
            context,
            None,
            dossier_scope(dossier),
            link=routes.url(
                public_url,
                "task",
                dossier_id=dossier.get("id"),
                task_id=payload["task"]["id"],
            ),
        )
    ]


def plan_submitted(payload, public_url):
    """Plan the acknowledgement of a (re)submitted dossier."""
    files = [{"name": f.get("name")} for f in payload.get("files") or () if f]
    return _applicant_mail("dossier_submitted", payload, public_url, {"files": files})


def plan_submission_refused(payload, public_url, interval_seconds):
    """Plan the list of what is missing or invalid in a refused submission."""
    dossier = payload.get("dossier") or {}
    lang = lang_of((dossier.get("applicant") or {}).get("lang"))
    extra = {
        "problems": problems.describe(
            payload.get("problems"), payload.get("labels"), lang
        )
    }
    planned = _applicant_mail("dossier_submission_refused", payload, public_url, extra)
    for item in planned:
        item.once_per = interval_seconds
    return planned


# What a member of staff is told of, and which record the visibility rule reads.
ACTIVITIES = {"comment": "comment", "task_assigned": "task", "task_updated": "task"}


def as_caller(user):
    """The caller a resolved user would be (the visibility rule reads it)."""
    return {
        "kind": user.get("kind"),
        "user_id": str(user.get("id")),
        "roles": list(user.get("roles") or ()),
        "province": user.get("province"),
        "agency": user.get("agency"),
        "department": user.get("department"),
    }


def activity_record(activity, payload):
    """The record of `activity` as the visibility rule reads it (scope + own)."""
    dossier = payload["dossier"]
    record = {
        "province": dossier.get("province"),
        "agency": dossier.get("agency"),
        "department": dossier.get("department"),
        "receiving_province": dossier.get("receiving_province"),
        "receiving_agency": dossier.get("receiving_agency"),
        "owner": dossier.get("owner"),
        "assignees": dossier.get("assignees") or [],
        "submitted_at": dossier.get("submitted_at"),
    }
    if ACTIVITIES[activity] == "comment":
        internal = payload["comment"].get("internal")
        record["audience"] = visibility.INTERNAL if internal else visibility.PUBLIC
    else:
        task = payload.get("task") or {}
        record.update(assignee=task.get("assignee"), created_by=task.get("created_by"))
    return record


def plan_involved(activity, payload, public_url, users, skip=()):
    """One e-mail (and in-app entry) per member of staff involved, except the one
    who acted and `skip`; each must see the record by the visibility rule, so an
    internal note never reaches the applicant nor anyone outside the scope."""
    dossier = payload["dossier"]
    actor = payload.get("actor") or (payload.get("comment") or {}).get("author") or {}
    record = activity_record(activity, payload)
    kind = ACTIVITIES[activity]
    planned = []
    for user in users:
        user_id = str(user.get("id") or "")
        if not user_id or user_id == str(actor.get("id")) or user_id in skip:
            continue
        if user.get("status", "active") != "active" or not valid_email(
            user.get("email")
        ):
            continue
        if not visibility.sees(as_caller(user), kind, record):
            continue
        context = {
            "name": user.get("full_name") or "",
            "dossier": dossier,
            "activity": activity,
            "actor": actor,
            "comment": payload.get("comment"),
            "task": payload.get("task"),
            "edits": payload.get("edits") or [],
        }
        planned.append(
            Planned(
                "work_activity",
                user["email"],
                user.get("full_name"),
                lang_of(user.get("lang")),
                context,
                None,
                dossier_scope(dossier),
                link=dossier_link(public_url, dossier, "staff_dossier"),
                user_id=user_id,
            )
        )
    return planned
