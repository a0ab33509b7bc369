"""Tables of the files service's own database."""

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.shared.audit import AuditMixin
from services.shared.database import declarative_base
from services.shared.idempotency import IdempotentResultMixin
from services.shared.outbox import OutboxMixin, ProcessedEventMixin

Base = declarative_base()


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


class AuditEntry(AuditMixin, Base):
    """Who did what to which target, when (hash-chained; see shared/audit.py)."""

    __tablename__ = "audit_log"


class IdempotentResult(IdempotentResultMixin, Base):
    """What an upload step answered under a caller's Idempotency-Key."""

    __tablename__ = "idempotent_results"


class StoredFile(Base):
    """One uploaded (or generated) file: where its bytes are and what they are."""

    __tablename__ = "files"
    __table_args__ = (Index("ix_files_dossier_slot", "dossier_id", "slot"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    # uploading → stored; a refused upload's row is deleted, so are a draft's files
    state: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="upload")
    dossier_id: Mapped[str | None] = mapped_column(String(64))
    task_id: Mapped[str | None] = mapped_column(String(64))
    comment_id: Mapped[str | None] = mapped_column(String(64))
    slot: Mapped[str | None] = mapped_column(String(80))
    uploaded_by: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(64))
    # public: the applicant sees it; internal: the agency only (visibility.RULES)
    audience: Mapped[str] = mapped_column(String(16), default="public")
    province: Mapped[str | None] = mapped_column(String(8))
    agency: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(64))
    policy: Mapped[dict] = mapped_column(JSON, default=dict)
    name: Mapped[str] = mapped_column(String(255))
    declared_type: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(255))
    conversion: Mapped[str] = mapped_column(String(16), default="pending")
    conversion_reason: Mapped[str | None] = mapped_column(Text)
    pdf_key: Mapped[str | None] = mapped_column(String(255))
    pdf_size: Mapped[int | None] = mapped_column(BigInteger)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # generated slips: which one, and dossier:kind:version (one file per key)
    document: Mapped[str | None] = mapped_column(String(32))
    generated_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    # per-procedure form templates
    procedure_code: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Result(Base):
    """A dossier's result: its draft, then the signed PDF and who signed it when.

    `code` is what the QR code on the signed PDF leads to (the public verification
    page); it names the result without revealing the dossier's id.
    """

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # draft → signed
    state: Mapped[str] = mapped_column(String(16))
    draft_file_id: Mapped[str] = mapped_column(String(36))
    signed_file_id: Mapped[str | None] = mapped_column(String(36))
    sha256: Mapped[str | None] = mapped_column(String(64))
    signer_id: Mapped[str | None] = mapped_column(String(64))
    signer_name: Mapped[str | None] = mapped_column(String(255))
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    province: Mapped[str | None] = mapped_column(String(8))
    agency: Mapped[str | None] = mapped_column(String(64))
    agency_name: Mapped[str | None] = mapped_column(String(255))
    receipt_number: Mapped[str | None] = mapped_column(String(64))
    procedure_name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
