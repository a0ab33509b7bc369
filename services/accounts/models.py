"""Tables of the accounts service's own database."""

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.shared.audit import AuditMixin
from services.shared.database import declarative_base
from services.shared.outbox import OutboxMixin, ProcessedEventMixin

Base = declarative_base()
Stamp = DateTime(timezone=True)


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


class Province(Base):
    """A tenant: a provincial-level unit with its official 2-digit code."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="province")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Agency(Base):
    """An agency, identified by its electronic identifier (used in receipt numbers).

    Effective-dated: a merged or renamed agency gets `valid_to` and `replaced_by`,
    so dossiers and receipt numbers issued under the old code keep their meaning.
    """

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(
        Date, server_default=func.current_date()
    )
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    replaced_by: Mapped[str | None] = mapped_column(String(40))


class Succession(Base):
    """Agencies replaced by (or merged into) one successor on a date.

    Closing the predecessors happens when it is recorded; moving their staff,
    departments and API clients (and announcing `agency_succeeded`, which moves the
    dossiers and procedures) happens once the date has come: `applied_at`.
    """

    __tablename__ = "successions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    successor: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    predecessors: Mapped[list] = mapped_column(JSON)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, server_default=func.now())
    created_by: Mapped[str | None] = mapped_column(String(64))
    applied_at: Mapped[dt.datetime | None] = mapped_column(Stamp)
    # what moved when applied: [{id, email, from_agency}], [{agency, code}], [id]
    staff_moved: Mapped[list] = mapped_column(JSON, default=list)
    departments_added: Mapped[list] = mapped_column(JSON, default=list)
    clients_moved: Mapped[list] = mapped_column(JSON, default=list)


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (
        UniqueConstraint("agency", "code", name="uq_departments_agency_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    agency: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))


class User(Base):
    """A citizen, business, staff member or national operator."""

    __tablename__ = "users"
    __table_args__ = (Index("uq_users_email_lower", func.lower("email"), unique=True),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    national_id: Mapped[str | None] = mapped_column(String(12))
    tax_code: Mapped[str | None] = mapped_column(String(14))
    business_name: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(500))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    province: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    status: Mapped[str] = mapped_column(String(24), default="pending_activation")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(24))
    agency: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), index=True)
    department: Mapped[str | None] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(2), default="vi")
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, server_default=func.now())
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(Stamp)


class Token(Base):
    """A single-use activation or reset token; only its SHA-256 is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(Stamp)
    used_at: Mapped[dt.datetime | None] = mapped_column(Stamp)


class AuthSession(Base):
    """A login session or an API client's access token; only its SHA-256 is stored."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # web | api | client
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id"))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(Stamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Stamp)
    # When the caller it carries changed (a signed token then goes back to accounts).
    changed_at: Mapped[dt.datetime | None] = mapped_column(Stamp)


class ApiClient(Base):
    """An agency system using the OAuth 2.0 client-credentials grant."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    province: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    agency: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, server_default=func.now())


class AuditEntry(AuditMixin, Base):
    """Who did what to which target, when and from where (hash-chained)."""

    __tablename__ = "audit_log"


class Attempt(Base):
    """One counted attempt (failed login, registration) in a rate-limit bucket.

    Kept in PostgreSQL so that limits hold across every gateway and service instance.
    """

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(300))
    at: Mapped[dt.datetime] = mapped_column(Stamp)
