"""Sessions: bearer tokens, the cookie with CSRF, logout, throttling, deactivation."""

import time

import requests

from .conftest import (
    PASSWORD,
    active_citizen,
    citizen_body,
    fake_ip,
    login,
    register,
    unique_email,
)


def test_wrong_password_and_unknown_email_answer_the_same_401(api, events):
    body, _ = active_citizen(api, events)
    wrong = login(api, body["email"], "Wrong-password-1")
    unknown = login(api, unique_email("ghost"), "Wrong-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert wrong.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_bearer_token_identifies_the_user_and_logout_ends_it(api, events):
    body, token = active_citizen(api, events)
    me = api.as_user(token).get("/api/v1/accounts/me")
    assert me.status_code == 200
    assert me.json()["email"] == body["email"]
    assert me.json()["national_id"] == body["national_id"]
    assert api.as_user(token).delete("/api/v1/sessions/current").status_code == 204
    # the other gateway workers hear of the logout by event (gateway/sessions.py)
    deadline = time.monotonic() + 10
    while api.as_user(token).get("/api/v1/accounts/me").status_code != 401:
        assert time.monotonic() < deadline, "the token still works 10 s later"
        time.sleep(0.2)


def test_profile_update_changes_allowed_fields_only(api, events):
    _, token = active_citizen(api, events)
    user = api.as_user(token)
    ok = user.patch("/api/v1/accounts/me", json={"phone": "+84 38 123 4567"})
    assert ok.status_code == 200 and ok.json()["phone"] == "0381234567"
    refused = user.patch("/api/v1/accounts/me", json={"role": "admin"})
    assert refused.status_code == 422


def test_anonymous_profile_request_answers_401(api):
    assert api.get("/api/v1/accounts/me").status_code == 401


def test_cookie_session_needs_the_csrf_header_for_unsafe_requests(stack, events, api):
    body, _ = active_citizen(api, events)
    browser = requests.Session()
    resp = browser.post(
        f"{stack.url}/api/v1/sessions",
        json={"email": body["email"], "password": PASSWORD},
        headers={"X-Forwarded-For": fake_ip()},
    )
    assert resp.status_code == 201
    cookie = resp.headers["Set-Cookie"]
    assert "portal_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    csrf = browser.cookies["portal_csrf"]
    assert browser.get(f"{stack.url}/api/v1/accounts/me").status_code == 200
    patch = f"{stack.url}/api/v1/accounts/me"
    forged = browser.patch(patch, json={"full_name": "Kẻ giả mạo"})
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "CSRF_TOKEN_INVALID"
    wrong = browser.patch(patch, json={"full_name": "X"}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    good = browser.patch(
        patch, json={"full_name": "Nguyễn Văn Bình"}, headers={"X-CSRF-Token": csrf}
    )
    assert good.status_code == 200
    out = browser.delete(
        f"{stack.url}/api/v1/sessions/current", headers={"X-CSRF-Token": csrf}
    )
    assert out.status_code == 204
    assert browser.get(f"{stack.url}/api/v1/accounts/me").status_code == 401


# Throttling of failed logins (delays per account and address, never a lock-out):
# see test_signin_throttle.py.


def test_registrations_from_one_address_are_limited(api):
    ip = fake_ip()
    statuses = [register(api, citizen_body(), ip=ip).status_code for _ in range(31)]
    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429


def test_deactivated_users_token_stops_working(api, events, operator):
    body, token = active_citizen(api, events)
    me = api.as_user(token).get("/api/v1/accounts/me").json()
    resp = operator.post(f"/api/v1/staff/{me['id']}/deactivate")
    assert resp.status_code == 200, resp.text
    # A signed token is read by each gateway worker itself: the deactivation
    # reaches it by event, so it stops within moments, not necessarily at once
    # (the bound is gateway/sessions.py's; test_session_tokens.py times it).
    deadline = time.monotonic() + 10
    while api.as_user(token).get("/api/v1/accounts/me").status_code != 401:
        assert time.monotonic() < deadline, "the token still works 10 s later"
        time.sleep(0.2)
    assert login(api, body["email"]).status_code == 401


def test_forged_bearer_token_is_anonymous(api):
    assert api.as_user("forged").get("/api/v1/accounts/me").status_code == 401
