"""Tables of the dossiers service's own database."""

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.shared.audit import AuditMixin
from services.shared.database import declarative_base
from services.shared.idempotency import IdempotentResultMixin
from services.shared.outbox import OutboxMixin, ProcessedEventMixin, utcnow

Base = declarative_base()

Timestamp = DateTime(timezone=True)


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


class AuditEntry(AuditMixin, Base):
    """Who did what to which target, when (hash-chained; see shared/audit.py)."""

    __tablename__ = "audit_log"


class IdempotentResult(IdempotentResultMixin, Base):
    """What an acting operation answered under a caller's Idempotency-Key."""

    __tablename__ = "idempotent_results"


class Procedure(Base):
    """A procedure of one province's catalogue; its content lives in versions."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("province", "code"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    province: Mapped[str] = mapped_column(String(8), index=True)
    code: Mapped[str] = mapped_column(String(64))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    # no longer offered (no new dossier; filed ones keep their version); a new
    # published version offers it again
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    # counts every change (publish, withdrawal): the order of its catalogue events
    revision: Mapped[int] = mapped_column(Integer, default=1)


class ProcedureVersion(Base):
    """One published, immutable version of a procedure."""

    __tablename__ = "procedure_versions"
    __table_args__ = (UniqueConstraint("procedure_id", "version"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    processing_days: Mapped[int] = mapped_column(Integer)
    after_15h_next_working_day: Mapped[bool] = mapped_column(Boolean, default=False)
    fee: Mapped[int | None] = mapped_column(BigInteger)
    agencies: Mapped[list] = mapped_column(JSON, default=list)
    legal_basis: Mapped[list] = mapped_column(JSON, default=list)
    steps: Mapped[list] = mapped_column(JSON, default=list)
    form: Mapped[dict] = mapped_column(JSON, default=dict)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    templates: Mapped[list] = mapped_column(JSON, default=list)
    # working days each workflow step may take: {reception, processing, approval}
    step_limits: Mapped[dict | None] = mapped_column(JSON, default=dict)
    # what is paid online and when (services/dossiers/payments/fees.py)
    fee_rule: Mapped[dict | None] = mapped_column(JSON)
    # a desk of another agency (any province) may receive it and transfer it here
    received_elsewhere: Mapped[bool] = mapped_column(Boolean, default=True)
    published_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class Holiday(Base):
    __tablename__ = "holidays"

    province: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class HolidayCalendar(Base):
    """Marks a province whose calendar was initialised from the national list."""

    __tablename__ = "holiday_calendars"

    province: Mapped[str] = mapped_column(String(8), primary_key=True)
    seeded_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    # moved by every change of the province's holidays (catalogue.calendar_at)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Dossier(Base):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), unique=True, default=uuid.uuid4
    )
    # the resolving (competent) agency, its province and department
    province: Mapped[str] = mapped_column(String(8), index=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    department: Mapped[str | None] = mapped_column(String(64))
    # the one-stop desk that receives it and hands the result back (the resolving
    # agency itself unless filed elsewhere) and its province
    receiving_agency: Mapped[str] = mapped_column(String(64), index=True)
    receiving_province: Mapped[str] = mapped_column(String(8), index=True)
    # sent on to the resolving agency; its result sent back to the receiving desk
    transferred_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    returned_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    procedure_code: Mapped[str] = mapped_column(String(64))
    procedure_version_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_versions.id")
    )
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    applicant: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(32), index=True)
    form: Mapped[dict] = mapped_column(JSON, default=dict)
    paper: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_number: Mapped[str | None] = mapped_column(String(96), unique=True)
    appointment_date: Mapped[dt.date | None] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    received_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    # who received it at the desk (the desk's own statistics count these)
    received_by: Mapped[str | None] = mapped_column(String(64), index=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    paused_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    pauses: Mapped[list] = mapped_column(JSON, default=list)
    assignees: Mapped[list] = mapped_column(JSON, default=list)
    # last announced deadline figures (the sweep emits when they move with time)
    deadline_state: Mapped[str | None] = mapped_column(String(24))
    days_late: Mapped[int | None] = mapped_column(Integer)
    # the current workflow step and its own time limit
    step: Mapped[str | None] = mapped_column(String(24))
    step_started_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    step_due_date: Mapped[dt.date | None] = mapped_column(Date)
    step_state: Mapped[str | None] = mapped_column(String(24))
    # a paper dossier's code on the receipt slip, until the applicant claims it
    access_code: Mapped[str | None] = mapped_column(String(16))
    # the signed result (files service) the leader's approval produced
    result_file_id: Mapped[str | None] = mapped_column(String(36))
    # a late dossier's new promised date (the appointment date stays the legal
    # deadline, so statistics still count it late) and every reschedule made
    rescheduled_date: Mapped[dt.date | None] = mapped_column(Date)
    reschedules: Mapped[list] = mapped_column(JSON, default=list)
    # the fee paid online (payments/states.py) and what it is; a dossier submitted
    # before its fee is paid waits in draft and is submitted by the confirmation
    payment_state: Mapped[str] = mapped_column(String(16), default="not_due")
    fee_amount: Mapped[int | None] = mapped_column(BigInteger)
    submit_when_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class ReceiptCounter(Base):
    """Last receipt sequence issued by an agency on a (Vietnamese) day."""

    __tablename__ = "receipt_counters"

    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class HistoryEntry(Base):
    __tablename__ = "history"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    # what the edit changed: [{field, old, new}] (form fields, task fields, a file)
    changes: Mapped[list | None] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    created_by: Mapped[str | None] = mapped_column(String(64))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_state: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    author: Mapped[dict] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    file_ids: Mapped[list] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class ClaimAttempt(Base):
    """A failed claim of a paper dossier (wrong attempts are limited per account)."""

    __tablename__ = "claim_attempts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    receipt_number: Mapped[str | None] = mapped_column(String(96))
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class Payment(Base):
    """One attempt to collect a dossier's fee at the provider (its own reference)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    # pending, paid, failed, refunded
    state: Mapped[str] = mapped_column(String(16), index=True)
    provider_txn: Mapped[str | None] = mapped_column(String(64))
    response_code: Mapped[str | None] = mapped_column(String(8))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    paid_at: Mapped[dt.datetime | None] = mapped_column(Timestamp, index=True)
    refunded_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    refunded_by: Mapped[str | None] = mapped_column(String(64))
    receipt_file_id: Mapped[str | None] = mapped_column(String(64))


class PaymentCallback(Base):
    """Every callback the provider (or anyone) sent, and what it was answered."""

    __tablename__ = "payment_callbacks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(64), index=True)
    params: Mapped[dict] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(24))
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class AgencySuccession(Base):
    """An `agency_succeeded` event of accounts, as this service carried it out."""

    __tablename__ = "agency_successions"

    succession_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    successor: Mapped[str] = mapped_column(String(64))
    successor_province: Mapped[str] = mapped_column(String(8))
    predecessors: Mapped[list] = mapped_column(JSON)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    received_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class SuccessionMove(Base):
    """One dossier or procedure moved by a succession (the report reads these)."""

    __tablename__ = "succession_moves"
    __table_args__ = (UniqueConstraint("succession_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    succession_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # dossier | procedure
    # a dossier's public id, a procedure's "province/code"
    ref: Mapped[str] = mapped_column(String(100))
    # the receipt number (or null) of a dossier, the new version of a procedure
    label: Mapped[str | None] = mapped_column(String(96))
    status: Mapped[str | None] = mapped_column(String(32))
    from_agency: Mapped[str] = mapped_column(String(300))
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
