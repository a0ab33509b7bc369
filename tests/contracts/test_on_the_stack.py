"""On the real stack: every RPC answers a generated valid call without a server
error, and every event kind, generated from its schema and published to the real
broker, is consumed without error.

A refusal (a ServiceError with a 4xx status: not found, forbidden, a rule of the
domain) is a fine answer; a RemoteError or a 5xx is a failure. Bounded: one call per
method, one event per kind (about a minute here).
"""

import json
import time
import uuid

import pytest
import requests
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from nameko.exceptions import RemoteError
from nameko.standalone.events import event_dispatcher

from services import contracts
from services.shared.errors import ServiceError

from .strategies import arguments, payload

# one generated example each, no shrinking: a call per method, an event per kind
ONCE = settings(
    max_examples=1,
    phases=[Phase.generate],
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# swaps the live index (tests/integration/search covers it)
SKIPPED = {("search", "rebuild_index")}
METHODS = [
    (service, name)
    for service in contracts.SERVICES
    for name in contracts.of(service).RPC
    if (service, name) not in SKIPPED
]


def _accepted(method, raw):
    try:
        method.load(raw)
    except ServiceError:
        return False
    return True


@pytest.mark.parametrize(("service", "name"), METHODS)
@ONCE
@given(data=st.data())
def test_every_rpc_answers_a_generated_call_without_a_server_error(
    stack, rpc, service, name, data
):
    method = contracts.method(service, name)
    raw = data.draw(arguments(method))
    assume(_accepted(method, raw))  # a cross-field rule the generator cannot see
    try:
        rpc.call(service, name, **raw, timeout=30)
    except ServiceError as exc:
        assert exc.status < 500, (exc.code, raw)
    except RemoteError as exc:
        raise AssertionError(f"{exc.exc_type}: {exc.value} {raw}") from None


def _queues(stack):
    response = requests.get(
        stack._vhost_url().replace("/vhosts/", "/queues/"), timeout=10
    )
    response.raise_for_status()
    return response.json()


def _acks(stack):
    """{event queue: messages acknowledged so far} (the broker's own counts)."""
    return {
        q["name"]: q.get("message_stats", {}).get("ack", 0)
        for q in _queues(stack)
        if q["name"].startswith("evt-")
    }


def _consumed(stack, expected, timeout=60):
    """Wait until each queue in `expected` {queue: acks} has acknowledged as many
    (a handler that fails puts its message back, so it never gets there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        acks = _acks(stack)
        if all(acks.get(q, 0) >= n for q, n in expected.items()):
            return
        time.sleep(0.5)
    raise AssertionError(f"not consumed: {expected} vs {_acks(stack)}")


def _log_tail(stack, sizes=None):
    texts = {}
    for path in sorted(stack.log_dir.glob("*.log")):
        data = path.read_bytes()
        texts[path.name] = data[(sizes or {}).get(path.name, 0) :]
    return texts


EVENTS = [
    (source, event)
    for source in contracts.SERVICES
    for event in contracts.of(source).EVENTS
]


def _failed(line):
    """A log line of a handler that failed (ERROR) or refused a payload (malformed);
    a peer's expected refusal (a 4xx) is a WARNING and fine."""
    try:
        entry = json.loads(line)
    except ValueError:
        return False
    return entry.get("level") == "ERROR" or "malformed" in entry.get("msg", "")


@ONCE
@given(bodies=st.tuples(*(payload(contracts.event_schema(*e)) for e in EVENTS)))
def test_every_event_kind_is_consumed_without_error(stack, bodies):
    dispatch = event_dispatcher(
        {"AMQP_URI": stack.env["PORTAL_AMQP_URI"], "serializer": "json"}
    )
    before = {name: len(data) for name, data in _log_tail(stack).items()}
    expected = _acks(stack)
    sent = []
    for (source, event), body in zip(EVENTS, bodies, strict=True):
        body = dict(body, event_id=str(uuid.uuid4()))
        dispatch(source, event, body)
        sent.append(body["event_id"])
        for queue in expected:
            if queue.startswith(f"evt-{source}-{event}--"):
                expected[queue] += 1
    assert len([q for q in expected if q.startswith("evt-")]) >= 15  # every handler
    _consumed(stack, expected)
    after = _log_tail(stack, before)
    problems = {
        name: line[:500]
        for name, data in after.items()
        for line in data.decode(errors="replace").splitlines()
        if _failed(line)
    }
    assert problems == {}, sent
