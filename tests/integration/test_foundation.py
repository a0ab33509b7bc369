"""The foundation: every service answers over the real broker; readiness is honest."""

import pytest
import requests

SERVICES = ("accounts", "dossiers", "files", "notify", "search")


def test_healthz_answers(stack):
    assert requests.get(f"{stack.url}/healthz", timeout=5).json() == {"status": "ok"}


def test_readyz_reports_every_service_and_component(stack):
    body = requests.get(f"{stack.url}/readyz", timeout=10).json()
    expected = set(SERVICES) | {"broker", "postgres", "opensearch", "minio", "smtp"}
    expected.add("gateway_db")
    assert set(body["checks"]) >= expected
    assert all(v == "ok" for v in body["checks"].values()), body


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_answers_health_over_rabbitmq(rpc, service):
    report = rpc.call(service, "health")
    assert report[service] == "ok"
    assert report["postgres"] == "ok"


def test_unknown_route_has_the_error_body(stack):
    resp = requests.get(f"{stack.url}/api/v1/nope", timeout=5)
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "NOT_FOUND"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_request_id_is_echoed(stack):
    resp = requests.get(
        f"{stack.url}/healthz", headers={"X-Request-ID": "abc123def456"}, timeout=5
    )
    assert resp.headers["X-Request-ID"] == "abc123def456"


def test_readyz_turns_503_when_a_service_is_down(stack):
    stack.stop_process("notify")
    try:
        resp = requests.get(f"{stack.url}/readyz", timeout=15)
        assert resp.status_code == 503
        assert resp.json()["checks"]["notify"].startswith("error")
        assert resp.json()["checks"]["accounts"] == "ok"
    finally:
        stack.start_service("notify")
        stack.wait_ready()
