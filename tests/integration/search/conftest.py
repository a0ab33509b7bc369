"""Helpers of the search integration tests: dossier snapshots, events, waiting."""

import time
import uuid

import pytest
from nameko.standalone.events import event_dispatcher

from services.search.engine import Engine
from tests.contracts.events import complete


def snapshot(**overrides):
    """A dossier index snapshot as the dossiers service sends it."""
    dossier_id = overrides.pop("id", None) or str(uuid.uuid4())
    doc = {
        "id": dossier_id,
        "receipt_number": f"AG-250101-{uuid.uuid4().int % 10000:04d}",
        "province": "01",
        "agency": "AG",
        "department": "D1",
        "procedure": {"code": "KS", "name": "Đăng ký khai sinh", "version": 1},
        "applicant": {
            "id": str(uuid.uuid4()),
            "kind": "citizen",
            "full_name": "Trần Văn An",
            "email": "an@example.test",
        },
        "status": "processing",
        "deadline_state": "on_time",
        "days_late": 0,
        "appointment_date": "2025-03-10",
        "submitted_at": "2025-03-01T08:00:00+07:00",
        "received_at": "2025-03-01T09:00:00+07:00",
        "completed_at": None,
        "updated_at": "2025-03-01T09:00:00+07:00",
        "assignees": [],
        "fee": 50000,
        "form_text": "",
        "paper": False,
        "version": 1,
    }
    doc.update(overrides)
    doc.setdefault("owner", doc["applicant"]["id"])  # as the dossiers service sends it
    return doc


def unique_province():
    return "P" + uuid.uuid4().hex[:6]


OPERATOR = {"user_id": "op", "kind": "operator", "roles": ["operator"]}


@pytest.fixture
def publish(stack):
    """Publish a dossiers event on the run's vhost: publish(type, snapshot, version)."""
    dispatch = event_dispatcher(
        {"AMQP_URI": stack.env["PORTAL_AMQP_URI"], "serializer": "json"}
    )

    def send(event_type, dossier, version=None):
        version = dossier["version"] if version is None else version
        body = {"dossier": dict(dossier, version=version), "version": version}
        body.update(event_id=str(uuid.uuid4()), dossier_id=dossier["id"])
        dispatch("dossiers", event_type, complete("dossiers", event_type, body))

    return send


def wait_until(check, timeout=20, interval=0.2):
    """Call check() until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@pytest.fixture
def ids_visible(rpc):
    """ids_visible(caller, **filters) -> set of dossier ids in the first 100 hits."""

    def visible(caller, **filters):
        page = rpc.call("search", "query", caller, filters, None, 1, 100)
        return {item["id"] for item in page["items"]}

    return visible


@pytest.fixture
def engine(stack):
    """An engine client on indexes of its own (a prefix within the run's)."""
    prefix = f"{stack.env['PORTAL_INDEX_PREFIX']}rb{uuid.uuid4().hex[:4]}-"
    engine = Engine(
        stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201"),
        prefix,
        rebuild_poll=0.5,  # as the test stack's instances (tests/stack.py)
    )
    yield engine
    engine.client.indices.delete(index=f"{prefix}*", expand_wildcards="all")
    engine.close()
