"""Signed session tokens on the real stack: read by the gateway without asking
accounts, and every revocation honoured on every gateway instance within a bound.

Revocations travel as `sessions_changed` events, so each check polls (a few seconds
at most) until the gateway answers 401; several answers in a row must then agree, so
that both gunicorn workers of an instance have heard of it.
"""

import re
import time
import uuid

import jwt
import pytest
import requests

from tests.conftest import Api
from tests.e2e.conftest import PASSWORD

from .test_api_journey import login, register_citizen

BOUND = 10  # seconds a revocation may take to reach every gateway process
AUTHENTICATE = re.compile(
    r'^portal_rpc_duration_seconds_count\{[^}]*method="authenticate"[^}]*\} (\S+)$',
    re.M,
)


def authenticate_calls(stack):
    """How many `authenticate` RPCs accounts has answered so far."""
    body = requests.get(stack.metrics_url("accounts"), timeout=10).text
    return sum(float(v) for v in AUTHENTICATE.findall(body))


def current(url, token):
    return requests.get(
        f"{url}/api/v1/sessions/current",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def refused_everywhere(urls, token, bound=BOUND):
    """Poll until every gateway in `urls` refuses the token 5 times in a row."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        answers = [current(url, token).status_code for url in urls for _ in range(5)]
        if set(answers) == {401}:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def second_gateway(stack):
    url = stack.start_extra_gateway("gateway-sessions", {})
    yield url
    stack.stop_process("gateway-sessions")


@pytest.fixture
def citizen(api, mailbox):
    email = register_citizen(api, mailbox)
    return email, login(api, email).session.headers["Authorization"][7:]


def test_a_signed_token_is_read_without_asking_accounts(stack, citizen):
    email, token = citizen
    assert token.count(".") == 2  # a JWT, not an opaque value
    assert current(stack.url, token).status_code == 200  # the listener is up
    before = authenticate_calls(stack)
    for _ in range(10):
        answer = current(stack.url, token)
        assert answer.status_code == 200, answer.text
        assert answer.json()["email"] == email
    assert authenticate_calls(stack) == before


def test_forged_and_expired_tokens_are_refused(stack, citizen):
    _, token = citizen
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["caller"]["roles"] = ["operator"]
    forged = jwt.encode(claims, "x" * 40, algorithm="HS256")
    assert current(stack.url, forged).status_code == 401
    expired = jwt.encode(
        dict(claims, exp=int(time.time()) - 5),
        stack.env["PORTAL_SESSION_KEY"],
        algorithm="HS256",
    )
    assert current(stack.url, expired).status_code == 401


def test_logout_ends_the_token_on_every_gateway(stack, citizen, second_gateway):
    _, token = citizen
    assert current(second_gateway, token).status_code == 200
    out = requests.delete(
        f"{stack.url}/api/v1/sessions/current",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert out.status_code == 204, out.text
    assert refused_everywhere([stack.url, second_gateway], token)


def test_deactivation_ends_every_session_of_the_user(
    stack, api, agency, second_gateway
):
    tokens = [
        login(api, agency.staff["desk"]).session.headers["Authorization"][7:]
        for _ in range(2)
    ]
    for token in tokens:
        assert current(second_gateway, token).status_code == 200
    user_id = current(stack.url, tokens[0]).json()["user_id"]
    done = agency.operator.post(f"/api/v1/staff/{user_id}/deactivate")
    assert done.status_code == 200, done.text
    for token in tokens:
        assert refused_everywhere([stack.url, second_gateway], token)


def test_password_reset_ends_every_session(stack, api, mailbox, citizen):
    email, token = citizen
    asked = api.post("/api/v1/accounts/password-reset", json={"email": email})
    assert asked.status_code == 202, asked.text
    mail = mailbox.wait_for(email, subject_contains="mật khẩu", timeout=60)[-1]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    reset = re.search(r"reset-password\?token=([\w\-.~%]+)", body).group(1)
    done = api.post(
        "/api/v1/accounts/password-reset/confirm",
        json={"token": reset, "password": PASSWORD + "x"},
    )
    assert done.status_code == 200, done.text
    assert refused_everywhere([stack.url], token)


def test_a_profile_change_is_seen_by_the_live_session(stack, citizen, second_gateway):
    _, token = citizen
    name = f"Trần Văn {uuid.uuid4().hex[:6]}"
    me = Api(stack.url, token)
    changed = me.patch("/api/v1/accounts/me", json={"full_name": name})
    assert changed.status_code == 200, changed.text
    deadline = time.monotonic() + BOUND
    names = set()
    while time.monotonic() < deadline:
        names = {
            current(url, token).json()["full_name"]
            for url in (stack.url, second_gateway)
            for _ in range(5)
        }
        if names == {name}:
            break
        time.sleep(0.1)
    assert names == {name}
