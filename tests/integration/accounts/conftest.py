"""Fixtures of the accounts tests: event capture, the operator, account helpers."""

import time
import uuid

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from tests.conftest import Api

OPERATOR = ("operator@portal.test", "Operator-Test-2026!")
PASSWORD = "Mat-khau-2026"


class Events:
    """Every event of `accounts.events` published during the run, read on demand."""

    def __init__(self, amqp_uri):
        self.conn = Connection(amqp_uri)
        exchange = get_event_exchange("accounts", {})
        queue = Queue(
            f"test-accounts-events-{uuid.uuid4().hex[:8]}",
            exchange=exchange,
            routing_key="#",
            auto_delete=True,
        )
        self.queue = self.conn.SimpleQueue(queue)
        self.seen = []

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = self.queue.get(timeout=0.3)
            except self.queue.Empty:
                continue
            message.ack()
            self.seen.append((message.delivery_info["routing_key"], message.payload))

    def matching(self, event_type, **fields):
        return [
            payload
            for kind, payload in self.seen
            if kind == event_type
            and all(payload.get(k) == v for k, v in fields.items())
        ]

    def wait_for(self, event_type, timeout=20, count=1, **fields):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(event_type, **fields)
            if len(found) >= count:
                return found[-1]
            self.drain(0.5)
        raise AssertionError(f"no {event_type} {fields} within {timeout}s")

    def close(self):
        self.queue.close()
        self.conn.release()


@pytest.fixture(scope="session")
def events(stack):
    captured = Events(stack.env["PORTAL_AMQP_URI"])
    yield captured
    captured.close()


def unique_email(tag="citizen"):
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.vn"


def fake_ip():
    """A per-test client address (the gateway trusts X-Forwarded-For from loopback)."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def citizen_body(**overrides):
    body = {
        "kind": "citizen",
        "full_name": "Nguyễn Văn An",
        "email": unique_email(),
        "phone": "0912345678",
        "password": PASSWORD,
        "national_id": "001090012345",
        "province": "01",
    }
    body.update(overrides)
    return body


def business_body(**overrides):
    body = {
        "kind": "business",
        "full_name": "Trần Thị Bình",
        "email": unique_email("business"),
        "phone": "+84 24 3825 1234",
        "password": PASSWORD,
        "tax_code": "0100109106",
        "business_name": "Công ty TNHH Ví Dụ",
        "address": "1 Phố Huế, Hà Nội",
        "province": "01",
    }
    body.update(overrides)
    return body


def register(api, body=None, ip=None):
    body = body or citizen_body()
    return api.post(
        "/api/v1/accounts", json=body, headers={"X-Forwarded-For": ip or fake_ip()}
    )


def login(api, email, password=PASSWORD, ip=None):
    return api.post(
        "/api/v1/sessions",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": ip or fake_ip()},
    )


def token_of(api, email, password=PASSWORD):
    resp = login(api, email, password)
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


def active_citizen(api, events, **overrides):
    """Register and activate a citizen; return (body, token)."""
    body = citizen_body(**overrides)
    user_id = register(api, body).json()["id"]
    event = events.wait_for("account_registered", user_id=user_id)
    activated = api.post(
        "/api/v1/accounts/activate", json={"token": event["activation_token"]}
    )
    assert activated.status_code == 200, activated.text
    return body, token_of(api, body["email"])


@pytest.fixture(scope="session")
def operator(stack):
    return Api(stack.url, token_of(Api(stack.url), *OPERATOR))
