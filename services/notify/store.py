"""Reads and writes of the delivery log and template overrides (SQLAlchemy)."""

import datetime as dt
import uuid

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert

from services.shared.clock import utcnow

from .models import Attachment, Message, ProcessedEvent, TemplateOverride


def mailed_recently(session, dossier_id, key, seconds):
    """True when `key` went to this dossier in the last `seconds` (locks the pair).

    The transaction-scoped advisory lock serialises concurrent handlers of the same
    dossier, so two refusals arriving together still produce one e-mail.
    """
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
        {"k": f"{key}:{dossier_id}"},
    )
    since = utcnow() - dt.timedelta(seconds=seconds)
    found = session.scalar(
        select(Message.id)
        .where(
            Message.dossier_id == str(dossier_id),
            Message.template_key == key,
            Message.created_at > since,
        )
        .limit(1)
    )
    return found is not None


def already_processed(session, event_id):
    return bool(event_id) and session.get(ProcessedEvent, str(event_id)) is not None


def save_attachment(session, item):
    """Store attachment bytes once; return the reference messages carry."""
    row = Attachment(
        name=item["name"][:255],
        content_type=item["content_type"][:120],
        data=item["data"],
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return {"id": row.id, "name": row.name, "size": len(item["data"])}


def message_values(recipient, name, rendered, **extra):
    now = utcnow()
    values = {
        "public_id": str(uuid.uuid4()),
        "recipient": recipient,
        "recipient_name": name,
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "attachments": [],
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    values.update(extra)
    return values


def queue(session, event_id, planned, rendered, attachments):
    """Insert a queued message unless this event already produced this template."""
    values = message_values(
        planned.recipient,
        planned.name,
        rendered,
        event_id=event_id,
        template_key=planned.key,
        attachments=attachments,
        **planned.scope,
    )
    stmt = insert(Message).values(**values).on_conflict_do_nothing()
    return session.execute(stmt).rowcount == 1


# Version of the template rules (sandbox, variables of the kind, safe html): an
# override checked under older rules is never used (migration 0004).
RULES = 1


def override_source(session, province, key, lang):
    """The province's override checked under the current rules, or None."""
    if not province:
        return None
    return session.scalar(
        select(TemplateOverride.source).where(
            TemplateOverride.province == province,
            TemplateOverride.key == key,
            TemplateOverride.lang == lang,
            TemplateOverride.rules == RULES,
        )
    )


def save_override(session, province, key, lang, source, user_id):
    stmt = insert(TemplateOverride).values(
        province=province,
        key=key,
        lang=lang,
        source=source,
        rules=RULES,
        updated_by=user_id,
        updated_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        constraint="uq_template_overrides_province",
        set_={
            "source": source,
            "rules": RULES,
            "updated_by": user_id,
            "updated_at": utcnow(),
        },
    )
    session.execute(stmt)


def deliveries(session, dossier_id):
    return session.scalars(
        select(Message)
        .where(Message.dossier_id == str(dossier_id))
        .order_by(Message.created_at, Message.id)
    ).all()


def status_counts(session, bulk_id):
    rows = session.execute(
        select(Message.status, func.count())
        .where(Message.bulk_id == bulk_id)
        .group_by(Message.status)
    ).all()
    return {status: count for status, count in rows}


def dump_message(row):
    return {
        "id": row.public_id,
        "template": row.template_key,
        "recipient": row.recipient,
        "recipient_name": row.recipient_name,
        "subject": row.subject,
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "attachments": [a.get("name") for a in row.attachments or ()],
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "next_attempt_at": row.next_attempt_at.isoformat()
        if row.status in ("queued", "temp_failed")
        else None,
    }
