"""Text that cannot be stored is refused by the gateway before any service sees it."""

import falcon.testing
import pytest

from gateway import settings
from gateway.app import create_app
from services.shared import config
from services.shared.errors import NotFound


class NoRpc:
    """The gateway must not reach any service for these requests."""

    def call(self, *args, **kwargs):
        raise AssertionError(f"unexpected RPC {args[:2]}")


@pytest.fixture
def client():
    return falcon.testing.TestClient(
        create_app(NoRpc(), config.load(settings.SETTINGS))
    )


def refusal(resp, status=422):
    assert resp.status_code == status, resp.text
    return resp.json["error"]["code"], resp.json["error"]["details"]


@pytest.mark.parametrize(
    "body, field",
    [
        ('{"form": {"child_name": "\\ud800"}}', "form.child_name"),
        ('{"procedure": "A\\u0000B"}', "procedure"),
        ('{"items": ["ok", "x\\udfff"]}', "items.1"),
        ('{"a\\u0000": 1}', "_schema"),
    ],
)
def test_json_strings_with_nul_or_lone_surrogate_are_refused_by_name(
    client, body, field
):
    resp = client.simulate_post(
        "/api/v1/dossiers", body=body, headers={"Content-Type": "application/json"}
    )
    code, details = refusal(resp)
    assert code == "INVALID_TEXT"
    assert list(details) == [field]


def test_json_that_is_not_utf8_is_refused(client):
    resp = client.simulate_post(
        "/api/v1/dossiers",
        body=b'{"procedure": "\xed\xa0\x80"}',
        headers={"Content-Type": "application/json"},
    )
    assert refusal(resp) == (
        "INVALID_TEXT",
        {"_body": [resp.json["error"]["details"]["_body"][0]]},
    )


@pytest.mark.parametrize("levels", [40, 100_000])
def test_deeply_nested_json_is_refused(client, levels):
    body = "[" * levels + "]" * levels
    resp = client.simulate_post(
        "/api/v1/sessions", body=body, headers={"Content-Type": "application/json"}
    )
    assert refusal(resp)[0] == "JSON_TOO_DEEP"


def test_a_long_form_value_is_refused(client):
    resp = client.simulate_post(
        "/api/v1/oauth/token",
        body="client_id=" + "a" * 100_001,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refusal(resp) == (
        "INVALID_TEXT",
        {"client_id": refusal(resp)[1]["client_id"]},
    )


@pytest.mark.parametrize(
    "query, field",
    [
        ("q=a%00b", "q"),
        ("q=%ED%A0%80", "q"),
        ("q=%FF", "q"),
        ("q=a%2500b", "q"),
        ("page=" + "9" * 3000, "page"),
    ],
)
def test_bad_query_parameters_are_refused_by_name(client, query, field):
    resp = client.simulate_get("/api/v1/procedures", query_string=query)
    code, details = refusal(resp)
    assert (code, list(details)) == ("INVALID_TEXT", [field])


def test_a_path_segment_with_nul_is_refused(client):
    resp = client.simulate_get("/api/v1/lookup/a%00b")
    assert refusal(resp)[0] == "INVALID_TEXT"


def test_a_form_value_with_nul_is_refused_by_name(client):
    resp = client.simulate_post(
        "/api/v1/oauth/token",
        body="client_id=a%00b&client_secret=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refusal(resp) == (
        "INVALID_TEXT",
        {"client_id": refusal(resp)[1]["client_id"]},
    )


def test_a_header_with_invalid_utf8_is_refused(client):
    resp = client.simulate_get(
        "/api/v1/procedures", headers={"Accept-Language": "\xff\xfe"}
    )
    assert refusal(resp) == (
        "INVALID_TEXT",
        {"Accept-Language": refusal(resp)[1]["Accept-Language"]},
    )


class Recorder(NoRpc):
    def __init__(self):
        self.calls = []

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        raise NotFound("Not found")


HOSTILE = "\u202eevil <script>alert(1)</script> 😀 Nguye\u0302\u0303n " + "x" * 10_000


def test_hostile_but_valid_text_reaches_the_service_intact():
    rpc = Recorder()
    app = create_app(rpc, config.load(settings.SETTINGS))
    resp = falcon.testing.TestClient(app).simulate_post(
        "/api/v1/dossiers",
        json={"procedure": "P", "agency": "A", "form": {"x": HOSTILE}},
    )
    assert resp.status_code == 404
    assert rpc.calls[-1][2][-1]["form"]["x"] == HOSTILE


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_numbers_that_json_does_not_have_are_refused(client, number):
    resp = client.simulate_post(
        "/api/v1/dossiers",
        body='{"form": {"copies": ' + number + "}}",
        headers={"Content-Type": "application/json"},
    )
    assert refusal(resp, 400)[0] == "MALFORMED_JSON"


def test_a_page_form_with_unstorable_text_answers_an_html_page(client):
    resp = client.simulate_post(
        "/quen-mat-khau",
        body="email=a%00b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 422
    assert resp.headers["Content-Type"].startswith("text/html")
