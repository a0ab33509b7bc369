"""The outbox: an event committed with its change is published once, after commit."""

import json
import time

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.accounts.models import Outbox
from services.shared.config import database_url
from services.shared.database import make_engine
from services.shared.outbox import InvalidEvent, record_event


@pytest.fixture
def accounts_db(stack):
    url = database_url("accounts", stack.env)
    engine = make_engine(url, pool_size=2)
    yield sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def listener(stack):
    """A queue bound to the accounts event exchange on the run's vhost."""
    with Connection(stack.env["PORTAL_AMQP_URI"]) as conn:
        exchange = Exchange("accounts.events", type="topic", durable=True)
        queue = Queue(
            "test-outbox-listener",
            exchange,
            routing_key="login_failures_detected",
            auto_delete=True,
        )
        with conn.SimpleQueue(queue) as simple:
            yield simple


def drain(simple, seconds):
    bodies, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = simple.get(timeout=0.5)
        except simple.Empty:
            continue
        bodies.append(
            json.loads(message.body)
            if isinstance(message.body, (str, bytes))
            else message.payload
        )
        message.ack()
    return bodies


PROBE = "login_failures_detected"  # a real event: the outbox checks its contract


def probe(failures):
    return {
        "user_id": "outbox-probe",
        "email": "outbox-probe@e2e.test",
        "full_name": "Outbox Probe",
        "lang": "vi",
        "failures": failures,
        "ip": None,
    }


def test_committed_event_is_published_once_and_marked(accounts_db, listener):
    with accounts_db() as session, session.begin():
        body = record_event(session, Outbox, PROBE, probe(1), province="01")
    received = drain(listener, 5)
    assert [b["event_id"] for b in received] == [body["event_id"]]
    assert received[0]["province"] == "01" and received[0]["failures"] == 1
    with accounts_db() as session:
        row = session.scalars(
            select(Outbox).where(Outbox.event_id == body["event_id"])
        ).one()
        assert row.published_at is not None


def test_rolled_back_change_publishes_nothing(accounts_db, listener):
    with pytest.raises(RuntimeError), accounts_db() as session, session.begin():
        record_event(session, Outbox, PROBE, probe(2))
        raise RuntimeError("the change failed")
    assert drain(listener, 3) == []


def test_an_event_outside_its_contract_fails_the_change(accounts_db, listener):
    with pytest.raises(InvalidEvent), accounts_db() as session, session.begin():
        record_event(session, Outbox, PROBE, {"n": 3})
    assert drain(listener, 2) == []
