"""Both sides of every RPC read one contract: what a caller dumps, the server loads
to the same values; and every event payload a producer writes, consumers load."""

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from services import contracts
from services.shared.errors import ServiceError

from .strategies import arguments, payload

METHODS = [
    (service, name)
    for service in contracts.SERVICES
    for name in contracts.of(service).RPC
]
EVENTS = [
    (service, name)
    for service in contracts.SERVICES
    for name in contracts.of(service).EVENTS
]
FAST = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _refused(method, raw):
    try:
        method.load(raw)
    except ServiceError:
        return True
    return False


@pytest.mark.parametrize(("service", "name"), METHODS)
@FAST
@given(data=st.data())
def test_what_the_client_dumps_the_server_loads_the_same(service, name, data):
    method = contracts.method(service, name)
    raw = data.draw(arguments(method))
    assume(not _refused(method, raw))  # a cross-field rule the generator cannot see
    wire = json.loads(json.dumps(method.dump((), raw)))  # as it travels
    assert set(wire) <= set(method.params)
    assert method.load(wire) == method.load(raw)


@pytest.mark.parametrize(("service", "name"), METHODS)
def test_positional_and_keyword_arguments_are_the_same_call(service, name):
    method = contracts.method(service, name)
    args = tuple(f"a{i}" for i in range(len(method.params)))
    assert method.arguments(args, {}) == dict(zip(method.params, args, strict=True))


@pytest.mark.parametrize(("service", "event"), EVENTS)
@FAST
@given(data=st.data())
def test_every_event_payload_reads_back_as_written(service, event, data):
    from services.shared.outbox import read_event

    schema = contracts.event_schema(service, event)
    written = data.draw(payload(schema))
    read = read_event(service, event, written)
    assert read_event(service, event, read) == read  # reading is stable
    assert _kept(written, read)  # what the producer wrote arrives unchanged


def _kept(written, read):
    """Every value written is read back (defaults may fill what was left out)."""
    if isinstance(written, dict):
        return isinstance(read, dict) and all(
            k in read and _kept(v, read[k]) for k, v in written.items()
        )
    if isinstance(written, list):
        return len(written) == len(read) and all(map(_kept, written, read))
    return written == read
