"""Tables of the accounts service's own database."""

from services.shared.database import declarative_base
from services.shared.outbox import OutboxMixin, ProcessedEventMixin

Base = declarative_base()


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"
