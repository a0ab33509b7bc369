"""The gateway's request metrics: route templates, statuses, /livez, /metrics."""

import falcon.testing
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway import settings
from gateway.app import create_app
from services.shared import config

from .test_middleware import NoRpc

SERIES = "portal_http_request_duration_seconds_count"


@pytest.fixture
def client(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    cfg = config.load(settings.SETTINGS, {})
    return falcon.testing.TestClient(create_app(NoRpc(), cfg))


def count(client, **labels):
    text = client.simulate_get("/metrics").text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == SERIES and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_livez_answers_without_asking_any_service(client):
    resp = client.simulate_get("/livez", headers={"Authorization": "Bearer x"})
    assert resp.status_code == 200 and resp.json == {"status": "ok"}


def test_each_request_counts_under_its_route_template_and_status(client):
    route = {"route": "/api/v1/files/{file_id}", "method": "GET", "status": "422"}
    before = count(client, **route)
    # A NUL in the path parameter is refused by the text guard after routing.
    for _ in range(3):
        assert client.simulate_get("/api/v1/files/a%00b").status_code == 422
    assert count(client, **route) == before + 3
    assert count(client, route="/api/v1/files/a\x00b") == 0


def test_unrouted_requests_share_one_label(client):
    before = count(client, route="unrouted", status="404")
    assert client.simulate_get("/no/such/page-1").status_code == 404
    assert client.simulate_get("/no/such/page-2").status_code == 404
    assert count(client, route="unrouted", status="404") == before + 2


def test_metrics_is_prometheus_text(client):
    resp = client.simulate_get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
