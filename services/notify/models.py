"""Tables of the notify service's own database.

`messages` is the delivery log: one row per e-mail, unique per (event id, template
key) so a redelivered event never mails twice. Bulk sends are rows of `bulk_mails`
whose recipients are messages carrying its id. Attachment bytes are stored once in
`attachments` and referenced by id from any number of messages.
"""

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.shared.database import declarative_base
from services.shared.outbox import OutboxMixin, ProcessedEventMixin

Base = declarative_base()


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("event_id", "template_key"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_id: Mapped[str | None] = mapped_column(String(64))
    template_key: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    dossier_id: Mapped[str | None] = mapped_column(String(64), index=True)
    province: Mapped[str | None] = mapped_column(String(8))
    agency: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(40))
    bulk_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The sender instance holding the row while `sending` (migration 0005).
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    # The first try: the message's Date, the same on a re-send.
    first_attempt_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True)
    )


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TemplateOverride(Base):
    __tablename__ = "template_overrides"
    __table_args__ = (UniqueConstraint("province", "key", "lang"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    province: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(60))
    lang: Mapped[str] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(Text)
    # Rules version the source was checked against (0: before the sandbox rules).
    rules: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class BulkMail(Base):
    __tablename__ = "bulk_mails"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    bad_rows: Mapped[list] = mapped_column(JSON, default=list)
    rate: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    province: Mapped[str | None] = mapped_column(String(8))
    agency: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # An uploaded list is sent only once a province admin (not the uploader) approves.
    needs_approval: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false"
    )
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderRun(Base):
    __tablename__ = "reminder_runs"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Reminder(Base):
    """A reminder a user set on a dossier (or one of its tasks) for a moment.

    `status` goes pending → fired (or cancelled) once: the timer claims due rows
    with FOR UPDATE SKIP LOCKED and fires each in the transaction that marks it.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    recipient: Mapped[str | None] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(5), default="vi")
    staff: Mapped[bool] = mapped_column(Boolean, default=False)
    dossier_id: Mapped[str] = mapped_column(String(64), index=True)
    # what the mail and the list show of the dossier (snapshot when set)
    dossier: Mapped[dict] = mapped_column(JSON, default=dict)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    task_title: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    remind_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    fired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Notification(Base):
    """One entry of a user's in-app notification list (unread until read)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "source"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    # what produced it (event id, reminder id): one entry per user and source
    source: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    dossier_id: Mapped[str | None] = mapped_column(String(64))
    link: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
