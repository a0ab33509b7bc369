"""Cross-cutting gateway behaviour, through the real app with a stand-in RPC pool."""

import falcon.testing
import pytest

from gateway import settings
from gateway.app import create_app
from services.shared import config


class NoRpc:
    """The gateway must not reach any service for these requests."""

    def call(self, *args, **kwargs):
        raise AssertionError(f"unexpected RPC {args[:2]}")


@pytest.fixture
def client():
    cfg = config.load(settings.SETTINGS, {"PORTAL_MAX_JSON_BODY": "1000"})
    return falcon.testing.TestClient(create_app(NoRpc(), cfg))


def test_oversized_json_is_refused_before_it_reaches_a_service(client):
    resp = client.simulate_post("/api/v1/accounts", body="x" * 2000)
    assert resp.status_code == 413
    assert resp.json["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_chunked_body_without_length_is_refused_where_nothing_counts_it(client):
    resp = client.simulate_post(
        "/api/v1/accounts",
        body="{}",
        headers={"Transfer-Encoding": "chunked", "Content-Length": None},
    )
    assert resp.status_code == 411
    assert resp.json["error"]["code"] == "LENGTH_REQUIRED"


def test_security_headers_are_on_every_answer(client):
    resp = client.simulate_get("/healthz")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_a_made_up_request_id_is_replaced(client):
    resp = client.simulate_get("/healthz", headers={"X-Request-ID": "bad id\r\nx"})
    assert resp.headers["X-Request-ID"] != "bad id\r\nx"
    assert len(resp.headers["X-Request-ID"]) == 32
