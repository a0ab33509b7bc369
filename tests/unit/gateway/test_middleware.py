"""Cross-cutting gateway behaviour, through the real app with a stand-in RPC pool."""

import falcon.testing
import pytest

from gateway import settings
from gateway.app import create_app
from gateway.middleware import cross_site
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


@pytest.mark.parametrize(
    "headers, refused",
    [
        ({}, False),  # servers and scripts send neither header
        ({"Sec-Fetch-Site": "same-origin"}, False),
        ({"Sec-Fetch-Site": "none"}, False),  # typed into the address bar
        ({"Sec-Fetch-Site": "cross-site"}, True),
        ({"Sec-Fetch-Site": "same-site"}, True),  # a sibling subdomain
        ({"Origin": "http://portal.test"}, False),
        ({"Origin": "https://dichvucong.example.vn"}, False),  # public, behind a proxy
        ({"Origin": "https://evil.example"}, True),
        ({"Origin": "null"}, True),
    ],
)
def test_cross_site_tells_other_sites_browser_requests(headers, refused):
    req = falcon.testing.create_req(method="POST", host="portal.test", headers=headers)
    req.context.public_host = "dichvucong.example.vn"
    assert cross_site(req) is refused


def test_form_encoded_sign_in_answers_415_before_any_service(client):
    resp = client.simulate_post(
        "/api/v1/sessions",
        body="email=a%40b.vn&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 415
    assert resp.json["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_only_file_views_may_be_framed_and_only_by_the_portal(client):
    page = client.simulate_get("/healthz")
    view = client.simulate_get("/api/v1/files/x/content", params={"download": "x"})
    assert page.headers["X-Frame-Options"] == "DENY"
    assert view.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in view.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
