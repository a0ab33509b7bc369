"""A route marked deprecated in one table announces it (RFC 9745, RFC 8594)."""

import datetime as dt
from email.utils import parsedate_to_datetime

import falcon.inspect
import falcon.testing
import pytest

from gateway import settings
from gateway.app import create_app
from gateway.deprecation import DEPRECATED, MIN_NOTICE, Deprecated
from services.shared import config

SINCE = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
SUNSET = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)


def app(table=None):
    return create_app(None, config.load(settings.SETTINGS), deprecations=table)


def served(application):
    return {r.path for r in falcon.inspect.inspect_routes(application)}


def test_a_deprecated_route_sends_deprecation_sunset_and_its_successor():
    marked = {
        "/healthz": Deprecated(SINCE, SUNSET, "/api/v2/healthz", "/huong-dan/api")
    }
    client = falcon.testing.TestClient(app(marked))
    resp = client.simulate_get("/healthz")
    assert resp.status_code == 200
    assert resp.headers["Deprecation"] == f"@{int(SINCE.timestamp())}"
    assert parsedate_to_datetime(resp.headers["Sunset"]) == SUNSET
    assert resp.headers["Sunset"].endswith(" GMT")
    links = resp.headers["Link"]
    assert '</api/v2/healthz>; rel="successor-version"' in links
    assert '</huong-dan/api>; rel="deprecation"' in links


def test_routes_not_marked_send_no_deprecation():
    marked = {"/healthz": Deprecated(SINCE, SUNSET, "/api/v2/healthz")}
    resp = falcon.testing.TestClient(app(marked)).simulate_get("/api/v1/openapi.json")
    assert "Deprecation" not in resp.headers
    assert "Sunset" not in resp.headers


@pytest.mark.parametrize("template", sorted(DEPRECATED) or ["(none marked)"])
def test_each_marked_route_exists_and_gets_the_minimum_notice(template):
    if template not in DEPRECATED:
        pytest.skip("no route of /api/v1 is deprecated yet")
    entry, routes = DEPRECATED[template], served(app())
    assert template in routes
    assert entry.sunset - entry.since >= MIN_NOTICE
    assert entry.successor.split("?")[0] in routes or "://" in entry.successor
