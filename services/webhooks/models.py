"""Tables of the webhooks service's own database.

`events` is the log of every public event, once per event id, numbered (`seq`) and
stamped with the id of the transaction that stored it (`txid`): (txid, seq) is the
feed's order and cursor (services/webhooks/store.py). `subscriptions` are the API
clients' endpoints; `deliveries` one row per (subscription, event), its id the
`webhook-id` every try of it carries.
"""

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.shared.database import declarative_base

Base = declarative_base()


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("events_feed", "txid", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    txid: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    # the visibility record (services/shared/visibility.py) of the event
    kind: Mapped[str] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(64))
    # the desk that received the dossier (its resolving agency unless filed elsewhere)
    receiving_province: Mapped[str | None] = mapped_column(String(64))
    receiving_agency: Mapped[str | None] = mapped_column(String(64))
    procedure: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(64))
    assignees: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[str | None] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(20))
    data_version: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict] = mapped_column(JSON)


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    # the client as it subscribed: its province, agency and scopes bound every event
    client: Mapped[dict] = mapped_column(JSON)
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    event_types: Mapped[list] = mapped_column(JSON)
    provinces: Mapped[list] = mapped_column(JSON, default=list)
    agencies: Mapped[list] = mapped_column(JSON, default=list)
    procedures: Mapped[list] = mapped_column(JSON, default=list)
    # Fernet tokens of the signing secrets (services/webhooks/vault.py), never the
    # secrets themselves
    secret: Mapped[str] = mapped_column(Text)
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # one sender at a time per endpoint (services/webhooks/sender.py)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_seq"),
        Index("deliveries_due", "subscription_id", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq"))
    status: Mapped[str] = mapped_column(String(20))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
