"""The transactional outbox: a state change and its event commit together.

Entrypoints call `record_event(session, ...)` inside their transaction. `OutboxRelay`
publishes committed rows to the service's nameko event exchange after commit (woken
by the commit of a transaction that recorded events in its process, wakeups that came
together sharing one pass; polling every
`interval` otherwise: rows other processes wrote, a failed pass), marking them
published. A pass publishes its batch on one channel in confirm mode and waits once
for the broker's confirms of all of it; any error rolls the marks back, so the batch
is published again (at-least-once). Consumers de-duplicate by `event_id` with
`first_delivery`.

Every payload is checked against its schema in the emitting service's contract
(`services/contracts/<service>.py` EVENTS) when it is written: an invalid event fails
the transaction of the change. Consumers read payloads with `read_event`, the same
schema, and get every declared field (defaults filled in).
"""

import collections
import datetime as dt
import functools
import logging
import uuid
import weakref

import eventlet
from amqp.exceptions import MessageNacked
from eventlet.queue import Empty, LightQueue
from kombu import Connection, Producer
from marshmallow import ValidationError
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS, PERSISTENT
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    String,
    Text,
    cast,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from services import contracts

from .clock import utcnow  # noqa: F401 - re-exported for the services
from .config import database_url
from .database import make_engine
from .logs import request_id_var

log = logging.getLogger(__name__)


class OutboxMixin:
    """Columns of a service's `outbox` table."""

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ProcessedEventMixin:
    """Columns of a consumer's `processed_events` table (its de-duplication log)."""

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(80))
    processed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class InvalidEvent(Exception):
    """A payload that does not match its event's schema (a bug of its producer)."""


@functools.cache
def _schema(source, event_type):
    """One schema instance per event type and process: building a marshmallow
    schema copies its declared fields, a tenth of search's CPU per event when it
    was built for every event read or written."""
    try:
        return contracts.event_schema(source, event_type)()
    except KeyError:
        raise InvalidEvent(f"{source}.{event_type} is not in the contract") from None


def read_event(source, event_type, payload):
    """The payload loaded with its schema and dumped back: every declared field, in
    the producer's names; InvalidEvent when it does not match."""
    schema = _schema(source, event_type)
    try:
        return schema.dump(schema.load(payload if isinstance(payload, dict) else {}))
    except ValidationError as exc:
        raise InvalidEvent(f"{source}.{event_type}: {exc.messages}") from None


def record_event(session, model, event_type, payload, province=None):
    """Add an event to the outbox in the caller's transaction; return its payload.

    The emitting service is the one whose models module defines `model`.
    """
    body = dict(payload)
    body.update(
        event_id=str(uuid.uuid4()),
        occurred_at=utcnow().isoformat(),
        province=province if province is not None else payload.get("province"),
        request_id=request_id_var.get(),
    )
    source = model.__module__.split(".")[1]
    errors = _schema(source, event_type).validate(body)  # no dump: only checked
    if errors:
        raise InvalidEvent(f"{source}.{event_type}: {errors}")
    # Core: the relay reads rows, never objects, and the ORM's unit of work for
    # the row cost more than its insert
    session.execute(
        _inserting(model),
        {
            "event_id": body["event_id"],
            "event_type": event_type,
            "payload": body,
            "created_at": utcnow(),
        },
    )
    session.info.setdefault(_RECORDED, set()).add(model)
    return body


# the relays of this process by outbox model: the commit of a transaction that
# recorded events wakes them (a worker that recorded none wakes nothing)
_RELAYS = collections.defaultdict(weakref.WeakSet)
_RECORDED = "outbox_recorded"


@event.listens_for(Session, "after_commit")
def _wake_relays(session):
    for model in session.info.pop(_RECORDED, ()):
        for relay in list(_RELAYS.get(model, ())):
            relay.wake()


@event.listens_for(Session, "after_rollback")
def _forget_recorded(session):
    session.info.pop(_RECORDED, None)


@functools.cache
def _inserting(model):
    return insert(model.__table__)


def first_delivery(session, model, event):
    """Record `event` as processed; return False if it was processed before."""
    event_id = str(event.get("event_id") or "")
    if not event_id:
        return True
    values = {"id": event_id, "type": event.get("type", ""), "at": utcnow()}
    return session.execute(_recording(model), values).rowcount == 1


@functools.cache
def _recording(model):
    """The de-duplicating insert into `model`'s table, as text: SQLAlchemy never
    caches the compiled form of its PostgreSQL `insert` (`inherit_cache = False`),
    so built with it this statement was compiled again for every event consumed."""
    return text(
        f"INSERT INTO {model.__table__.fullname} (event_id, event_type, processed_at)"
        " VALUES (:id, :type, :at) ON CONFLICT DO NOTHING"
    )


class OutboxRelay(DependencyProvider):
    """Publish committed outbox rows of `model` to this service's event exchange."""

    batch = 200

    retry = 0.5  # seconds before the first retry of a failed pass, doubling to 10

    def __init__(self, model, interval=2.0):
        # `interval`: the idle poll, for rows no commit of this process woke the
        # relay for (another process's: the converter's, a test's)
        self.model = model
        self.interval = interval

    confirm_timeout = 30  # seconds to wait for the broker's confirms of a batch

    def setup(self):
        config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.amqp_uri = config["AMQP_URI"]
        self.channel = None  # (connection, channel, producer), opened on first use
        self.unconfirmed = set()  # delivery tags on that channel not yet confirmed
        self.sent = 0  # the last delivery tag used on it
        url = config.get("DB_URL") or database_url(self.container.service_name)
        # no pre-ping (a round trip per pass): a pass on a connection lost with a
        # database restart fails at its first statement, before publishing
        # anything, and the next pass (0.5 s later) runs on a new connection
        engine = make_engine(url, pool_size=2, pre_ping=False)
        self.sessions = sessionmaker(engine)
        self.wakeups = LightQueue()
        self.running = False

    def start(self):
        self.running = True
        _RELAYS[self.model].add(self)
        self.container.spawn_managed_thread(self._run, identifier="outbox_relay")

    def stop(self):
        self.running = False
        _RELAYS[self.model].discard(self)
        self.wakeups.put(None)

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self):
        self.wakeups.put(None)

    def _run(self):
        retry = self.retry
        while self.running:
            try:
                published = self.relay_once()
                retry, pause = self.retry, self.interval
            except Exception:  # noqa: BLE001 - keep relaying once things recover
                log.warning("outbox relay failed; retrying", exc_info=True)
                self._close()
                retry = min(retry * 2, 10)
                published, pause = 0, retry
            if published < self.batch:
                self._sleep(pause)

    # seconds a woken relay waits before its pass, so that the commits of the next
    # moment share it. 0: a wait of 50 ms (a seventh less of the dossiers service's
    # CPU per pass) published a dossier's submit and its reception in one batch,
    # which a consumer's workers then took at once and could store out of order
    # (the webhooks feed's order is its intake's); wakeups that came together
    # still share a pass
    gather = 0.0

    def _sleep(self, seconds):
        try:
            self.wakeups.get(timeout=seconds)
            eventlet.sleep(self.gather)
            while True:
                self.wakeups.get_nowait()
        except Empty:
            pass
        eventlet.sleep(0)

    def relay_once(self):
        """Publish one batch of unpublished events; return how many."""
        session: Session
        table = self.model.__table__  # Core: the rows are never used as objects
        due = (
            select(table.c.id)
            .where(table.c.published_at.is_(None))
            .order_by(table.c.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        )
        with self.sessions() as session, session.begin():
            # marked and read in one statement; the marks commit only once the
            # broker has confirmed the batch (any failure rolls them back)
            # the payload as the JSON text it was stored as: published as it is,
            # not decoded and encoded again
            rows = session.execute(
                update(table)
                .where(table.c.id.in_(due))
                .values(published_at=utcnow())
                .returning(table.c.id, cast(table.c.payload, Text), table.c.event_type)
            ).all()
            if rows:
                rows.sort(key=lambda row: row.id)  # RETURNING keeps no order
                self.publish([(row[1], row.event_type) for row in rows])
        return len(rows)

    def publish(self, messages):
        """Publish (JSON text, routing key) pairs, persistent, and return once the
        broker has confirmed every one; raise if it refuses one or does not answer
        (the caller's transaction then rolls back: the batch goes again)."""
        _, channel, producer = self._open()
        for body, routing_key in messages:
            producer.publish(
                body,
                routing_key=routing_key,
                delivery_mode=PERSISTENT,
                content_type="application/json",
                content_encoding="utf-8",
                retry=False,
            )
            self.sent += 1
            self.unconfirmed.add(self.sent)
        with eventlet.Timeout(self.confirm_timeout, TimeoutError):
            while self.unconfirmed:
                channel.connection.drain_events()

    def _open(self):
        if self.channel is None:
            options = dict(DEFAULT_TRANSPORT_OPTIONS)  # confirms waited for per batch
            connection = Connection(self.amqp_uri, transport_options=options)
            connection.ensure_connection(max_retries=3)
            channel = connection.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._acked)
            channel.events["basic_nack"].add(self._nacked)
            self.sent, self.unconfirmed = 0, set()
            # the producer declares the exchange (unless configured not to)
            self.channel = (connection, channel, Producer(channel, self.exchange))
        return self.channel

    def _acked(self, delivery_tag, multiple):
        if multiple:
            self.unconfirmed = {t for t in self.unconfirmed if t > delivery_tag}
        else:
            self.unconfirmed.discard(delivery_tag)

    def _nacked(self, delivery_tag, multiple):
        raise MessageNacked(f"the broker refused event {delivery_tag}")

    def _close(self):
        connection, self.channel = (self.channel or (None,))[0], None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # noqa: BLE001 - already broken: nothing to release
                log.debug("outbox relay connection close failed", exc_info=True)
