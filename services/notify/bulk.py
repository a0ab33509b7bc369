"""Bulk e-mail: compose, resolve recipients, preview, confirm, throttle, cancel.

Recipients become `draft` messages at compose time (one row each, so preview,
per-recipient state and cancel are plain queries); confirming schedules them
`queued` at 1/rate-second spacing, which throttles the send across every sender
thread and instance; cancelling turns what is not yet sent into `cancelled`.

Recipients come from the system's own lists (staff of a department, applicants of
a procedure: both scoped to the sender by accounts and dossiers) or from an
uploaded CSV, which a province admin other than its uploader must approve before
it is sent. Attachments are public documents only (procedure form templates): a
dossier's file never leaves in bulk mail.
"""

import html
import uuid

from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from sqlalchemy import insert, select, text, update

from services.shared.errors import NotFound, ServiceError
from services.shared.permissions import can, require_visible

from . import domain, store
from .exceptions import (
    AttachmentRefused,
    AttachmentUnavailable,
    BulkApprovalForbidden,
    BulkNotApproved,
    BulkNotFound,
    BulkSelfApproval,
    BulkStateConflict,
    CriteriaUnavailable,
    NoRecipients,
    template_error,
)
from .models import BulkMail, Message
from .sandbox import MailSandbox, compile_checked
from .sandbox import TemplateInvalid as Refused
from .templates import Rendered

VARIABLES = {"full_name", "email"}

SCHEDULE = text(
    """
    UPDATE messages m SET status = 'queued',
        next_attempt_at = now() + make_interval(secs => (s.rn - 1) * :spacing)
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
          FROM messages WHERE bulk_id = :bulk AND status = 'draft') s
    WHERE m.id = s.id
    """
)
HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
    '<body style="font-family:Arial,sans-serif">{}</body></html>'
)


def compile_parts(subject, body):
    """Compile subject and body in the mail sandbox; refuse what cannot render.

    The same checks as province templates: only `full_name` and `email`, no
    `_`-attributes or includes (422 with the code of `sandbox.TemplateInvalid`).
    """
    env = MailSandbox(undefined=StrictUndefined, autoescape=False)
    try:
        parts = tuple(
            compile_checked(env, env, source, VARIABLES)[0]
            for source in (subject, body)
        )
        for part in parts:
            part.render(full_name="Nguyễn Văn A", email="a@example.vn")
    except Refused as refused:
        raise template_error(refused) from None
    except (TemplateError, SecurityError) as exc:
        raise template_error(Refused.from_error(exc)) from None
    return parts


def render(parts, person):
    subject_t, body_t = parts
    text_body = body_t.render(**person)
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
        for p in text_body.split("\n\n")
    )
    subject = " ".join(subject_t.render(**person).split())
    return Rendered(subject, text_body, HTML.format(paragraphs))


# Files that may go to many people: the public form templates of procedures.
PUBLIC_KINDS = ("template",)


def attachment(peers, caller, file_id):
    """Read a file to attach; refuse any that is not a public document."""
    try:
        found = peers.read_file(caller, file_id)
    except ServiceError as exc:  # refused or unknown: cannot attach it
        if exc.status >= 500:
            raise  # files is down: 503, not a bad attachment
        found = None
    if not found:
        raise AttachmentUnavailable(
            "Attachment unavailable", {"attachments": [file_id]}
        )
    if found.get("dossier_id") or found.get("kind") not in PUBLIC_KINDS:
        raise AttachmentRefused(
            "Dossier files cannot be sent in bulk mail", {"attachments": [file_id]}
        )
    return found


def resolve_recipients(peers, caller, data):
    """Return (people, bad rows) from the uploaded CSV and/or the criteria."""
    people, bad = [], []
    if data.get("csv"):
        people, bad = domain.parse_recipients_csv(data["csv"])
    criteria = data.get("criteria")
    if criteria:
        found = _by_criteria(peers, caller, criteria)
        if found is None:
            raise CriteriaUnavailable(
                "Recipient criteria not available yet", {"criteria": [criteria["kind"]]}
            )
        people = people + found
    people = domain.dedupe_people(people)
    if not people:
        raise NoRecipients("No valid recipient", {"recipients": [str(len(bad))]})
    return people, bad


def _by_criteria(peers, caller, criteria):
    if criteria["kind"] == "department_staff":
        return peers.staff(
            caller,
            criteria.get("agency") or caller.get("agency"),
            criteria.get("department"),
            criteria.get("role"),
        )
    date_from, date_to = criteria.get("date_from"), criteria.get("date_to")
    return peers.applicants(
        caller,
        criteria.get("procedure"),
        date_from.isoformat() if date_from else None,
        date_to.isoformat() if date_to else None,
    )


def create(session, caller, data, people, bad, attachments, rate):
    """Store the bulk mail and its recipients as drafts; return its summary."""
    parts = compile_parts(data["subject"], data["body"])
    bulk = BulkMail(
        public_id=str(uuid.uuid4()),
        subject=data["subject"],
        body=data["body"],
        attachments=attachments,
        bad_rows=bad,
        rate=rate,
        status="draft",
        needs_approval=bool(data.get("csv")),
        province=caller.get("province"),
        agency=caller.get("agency"),
        department=caller.get("department"),
        created_by=caller.get("user_id"),
        created_at=store.utcnow(),
    )
    session.add(bulk)
    session.flush()
    rows = [
        store.message_values(
            person["email"],
            person["full_name"] or None,
            render(parts, person),
            template_key="bulk",
            bulk_id=bulk.id,
            attachments=attachments,
            status="draft",
            province=bulk.province,
            agency=bulk.agency,
            department=bulk.department,
        )
        for person in people
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(Message), rows[start : start + 1000])
    preview = rows[0]
    return summary(session, bulk) | {
        "preview": {
            "recipient": preview["recipient"],
            "subject": preview["subject"],
            "text": preview["body_text"],
            "html": preview["body_html"],
        }
    }


def load(session, caller, public_id, lock=False):
    query = select(BulkMail).where(BulkMail.public_id == str(public_id))
    bulk = session.scalar(query.with_for_update() if lock else query)
    if bulk is None:
        raise BulkNotFound("Bulk mail not found")
    try:
        require_visible(
            caller,
            province=bulk.province,
            agency=bulk.agency,
            department=bulk.department,
            owner=bulk.created_by,
        )
    except NotFound:
        raise BulkNotFound("Bulk mail not found") from None
    return bulk


def summary(session, bulk):
    counts = store.status_counts(session, bulk.id)
    pending = sum(counts.get(s, 0) for s in ("draft",) + domain.PENDING)
    status = bulk.status
    if status == "sending" and not pending:
        status = "done"
    return {
        "id": bulk.public_id,
        "status": status,
        "subject": bulk.subject,
        "rate": bulk.rate,
        "recipients": sum(counts.values()),
        "counts": counts,
        "bad_rows": bulk.bad_rows,
        "attachments": [a["name"] for a in bulk.attachments or ()],
        "created_at": bulk.created_at.isoformat(),
        "needs_approval": bool(bulk.needs_approval),
        "approved": bulk.approved_at is not None,
        "created_by": bulk.created_by,
    }


def approve(bulk, approver):
    """Approve an uploaded list: a province admin of its province, not the uploader."""
    if not can(approver, "bulk_mail.approve"):
        raise BulkApprovalForbidden("Only a province admin approves a recipient list")
    if approver.get("user_id") == bulk.created_by:
        raise BulkSelfApproval("The uploader cannot approve the list")
    if bulk.status != "draft" or not bulk.needs_approval or bulk.approved_at:
        raise BulkStateConflict("Bulk mail cannot do this in its state")
    bulk.approved_by, bulk.approved_at = approver.get("user_id"), store.utcnow()


def confirm(session, bulk):
    if bulk.status != "draft":
        raise BulkStateConflict("Bulk mail cannot do this in its state")
    if bulk.needs_approval and bulk.approved_at is None:
        raise BulkNotApproved(
            "The recipient list awaits a province admin's approval",
            {"approval": ["required"]},
        )
    spacing = 1.0 / bulk.rate if bulk.rate else 0.0
    session.execute(SCHEDULE, {"bulk": bulk.id, "spacing": spacing})
    bulk.status, bulk.confirmed_at = "sending", store.utcnow()


def cancel(session, bulk):
    if bulk.status not in ("draft", "sending"):
        raise BulkStateConflict("Bulk mail cannot do this in its state")
    session.execute(
        update(Message)
        .where(
            Message.bulk_id == bulk.id,
            Message.status.in_(("draft", "queued", "temp_failed")),
        )
        .values(status="cancelled")
    )
    bulk.status, bulk.cancelled_at = "cancelled", store.utcnow()


def recipients(session, bulk, page, page_size, status=None):
    query = select(Message).where(Message.bulk_id == bulk.id)
    if status:
        query = query.where(Message.status == status)
    rows = session.scalars(
        query.order_by(Message.id).offset((page - 1) * page_size).limit(page_size)
    ).all()
    counts = store.status_counts(session, bulk.id)
    total = counts.get(status, 0) if status else sum(counts.values())
    return {"items": [store.dump_message(r) for r in rows], "total": total}
