"""No login CSRF: another site's page cannot sign a visitor in through the API.

Before, `/api/v1/sessions` took an HTML form's url-encoded body from anywhere and set
the session cookie, so a hostile page could sign its visitor in to the attacker's
account.
"""

import pytest
import requests

from tests.conftest import Api

from .conftest import PASSWORD, active_citizen, fake_ip


@pytest.fixture(scope="module")
def citizen(stack, events):
    body, _ = active_citizen(Api(stack.url), events)
    return body


def post_session(stack, headers=None, **body):
    browser = requests.Session()
    resp = browser.post(
        f"{stack.url}/api/v1/sessions",
        headers={"X-Forwarded-For": fake_ip()} | (headers or {}),
        timeout=30,
        **body,
    )
    return resp, browser


def test_form_encoded_sign_in_is_refused_and_sets_no_cookie(stack, citizen):
    resp, browser = post_session(
        stack, data={"email": citizen["email"], "password": PASSWORD}
    )
    assert resp.status_code == 415
    assert resp.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "portal_session" not in browser.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_cross_site_sign_in_is_refused_even_as_json(stack, citizen, headers):
    resp, browser = post_session(
        stack, headers, json={"email": citizen["email"], "password": PASSWORD}
    )
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "CSRF_TOKEN_INVALID"
    assert "portal_session" not in browser.cookies


def test_same_origin_json_sign_in_still_works(stack, citizen):
    host = stack.url.split("://", 1)[1]
    headers = {"Origin": stack.url, "Sec-Fetch-Site": "same-origin", "Host": host}
    resp, browser = post_session(
        stack, headers, json={"email": citizen["email"], "password": PASSWORD}
    )
    assert resp.status_code == 201, resp.text
    assert "portal_session" in browser.cookies


def test_oauth_token_refuses_browser_requests_from_another_site(stack, operator):
    created = operator.post(
        "/api/v1/api-clients", json={"name": "D", "scopes": ["dossiers:read"]}
    ).json()
    body = {
        "grant_type": "client_credentials",
        "client_id": created["client_id"],
        "client_secret": created["client_secret"],
    }
    url = f"{stack.url}/api/v1/oauth/token"
    forged = requests.post(
        url, data=body, headers={"Origin": "https://evil.example"}, timeout=30
    )
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "CSRF_TOKEN_INVALID"
    machine = requests.post(url, data=body, timeout=30)  # servers send no Origin
    assert machine.status_code == 200, machine.text
