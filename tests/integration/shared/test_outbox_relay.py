"""The relay's pass: its batch is published on one channel in confirm mode and
marked only once the broker has confirmed all of it; a connection lost mid-batch
leaves the batch unmarked, and the next pass publishes it again.

A relay of its own on a scratch outbox table of the accounts database, publishing
to an exchange no service consumes (`relaytest.events`), so the services' relays
and consumers never see these rows.
"""

import json
import time
from types import SimpleNamespace

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from services.shared.config import database_url
from services.shared.database import declarative_base, make_engine
from services.shared.outbox import OutboxMixin, OutboxRelay, record_event

PROBE = "login_failures_detected"  # a real accounts event: its contract is checked


@pytest.fixture
def scratch(stack):
    url = database_url("accounts", stack.env)
    engine = make_engine(url, pool_size=2)
    Base = declarative_base()

    class Scratch(OutboxMixin, Base):
        __tablename__ = "test_relay_outbox"

    Scratch.__module__ = "services.accounts.models"  # whose contract it follows
    Base.metadata.create_all(engine)
    relay = OutboxRelay(Scratch)
    relay.container = SimpleNamespace(
        service_name="relaytest",
        config={"AMQP_URI": stack.env["PORTAL_AMQP_URI"], "DB_URL": url},
    )
    relay.setup()
    yield Scratch, sessionmaker(engine), relay
    relay._close()
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def listener(stack):
    with Connection(stack.env["PORTAL_AMQP_URI"]) as conn:
        exchange = Exchange("relaytest.events", type="topic", durable=True)
        queue = Queue(
            "test-relay-listener", exchange, routing_key="#", auto_delete=True
        )
        with conn.SimpleQueue(queue) as simple:
            yield simple


def received(simple, count, seconds=20):
    """Event ids of the messages that arrive, until `count` or the time is up."""
    ids, deadline = [], time.monotonic() + seconds
    while len(ids) < count and time.monotonic() < deadline:
        try:
            message = simple.get(timeout=0.5)
        except simple.Empty:
            continue
        body = message.body
        ids.append(json.loads(body)["event_id"] if isinstance(body, (str, bytes))
                   else message.payload["event_id"])  # fmt: skip
        message.ack()
    return ids


def record(sessions, model, count):
    probe = {"user_id": "relay-probe", "email": "relay@e2e.test",
             "full_name": "Relay Probe", "lang": "vi", "ip": None}  # fmt: skip
    with sessions() as session, session.begin():
        return [
            record_event(session, model, PROBE, dict(probe, failures=n))["event_id"]
            for n in range(count)
        ]


def unpublished(sessions, model):
    with sessions() as session:
        return session.scalar(select(func.count()).where(model.published_at.is_(None)))


def test_a_batch_is_published_whole_and_marked(scratch, listener):
    model, sessions, relay = scratch
    ids = record(sessions, model, 120)
    assert relay.relay_once() == 120
    assert sorted(received(listener, 120)) == sorted(ids)
    assert unpublished(sessions, model) == 0
    assert not relay.unconfirmed  # every delivery tag confirmed before marking


def test_a_connection_lost_mid_batch_publishes_the_batch_again(
    scratch, listener, monkeypatch
):
    model, sessions, relay = scratch
    ids = record(sessions, model, 30)
    _, channel, _ = relay._open()

    def lost(*args, **kwargs):
        # py-amqp reads the connection at each publish (and for the confirms)
        raise ConnectionResetError("the broker went away mid-batch")

    monkeypatch.setattr(channel.connection, "drain_events", lost)
    with pytest.raises(ConnectionResetError):
        relay.relay_once()
    assert unpublished(sessions, model) == 30  # nothing marked: nothing lost
    relay._close()  # what the relay's loop does after a failed pass
    assert relay.relay_once() == 30
    # at least once: the first pass's messages may have arrived too
    assert set(received(listener, 60, seconds=8)) == set(ids)
    assert unpublished(sessions, model) == 0


def test_the_payload_is_published_as_the_json_it_was_recorded_as(scratch, listener):
    model, sessions, relay = scratch
    probe = {"user_id": "relay-probe", "email": "relay@e2e.test",
             "full_name": "Nguyễn Thị Hằng", "lang": "vi", "ip": None,
             "failures": 3}  # fmt: skip
    with sessions() as session, session.begin():
        body = record_event(session, model, PROBE, probe, province="01")
    assert relay.relay_once() == 1
    message = listener.get(timeout=10)
    message.ack()
    assert message.content_type == "application/json"
    assert json.loads(message.body) == body  # every field, the name's diacritics


def test_a_pass_on_a_lost_database_connection_publishes_nothing_then_recovers(
    scratch, listener
):
    model, sessions, relay = scratch
    assert relay.relay_once() == 0  # its connection is open, back in its pool
    engine = relay.sessions.kw["bind"]
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with sessions() as session, session.begin():
        session.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    ids = record(sessions, model, 3)
    # no ping before the pass: it fails at its first statement, before publishing
    with pytest.raises(DBAPIError):
        relay.relay_once()
    assert received(listener, 1, seconds=2) == []
    assert unpublished(sessions, model) == 3
    assert relay.relay_once() == 3  # on a new connection
    assert sorted(received(listener, 3)) == sorted(ids)
