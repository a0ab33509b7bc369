"""Registration, activation, re-send and password reset through the gateway."""

import datetime as dt
import re

import pytest
from sqlalchemy import create_engine, text

from services.shared.config import database_url

from .conftest import (
    PASSWORD,
    business_body,
    citizen_body,
    login,
    register,
    unique_email,
)


def test_register_publishes_one_event_whose_token_activates_the_account(api, events):
    body = citizen_body()
    resp = register(api, body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["status"] == "pending_activation"
    user_id = resp.json()["id"]
    event = events.wait_for("account_registered", user_id=user_id)
    assert event["email"] == body["email"] and event["resent"] is False
    events.drain(2)
    assert len(events.matching("account_registered", user_id=user_id)) == 1

    activated = api.post(
        "/api/v1/accounts/activate", json={"token": event["activation_token"]}
    )
    assert activated.status_code == 200
    assert activated.json() == {"id": user_id, "status": "active"}
    session = login(api, body["email"])
    assert session.status_code == 201
    assert session.json()["user"]["id"] == user_id
    assert session.json()["user"]["roles"] == ["citizen"]


def test_business_registers_with_a_valid_tax_code(api):
    resp = register(api, business_body())
    assert resp.status_code == 201, resp.text


def test_login_before_activation_is_refused(api):
    body = citizen_body()
    register(api, body)
    resp = login(api, body["email"])
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "ACCOUNT_NOT_ACTIVATED"


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-email"),
        ("phone", "0112345678"),
        ("national_id", "00109001234"),
        ("national_id", "003090012345"),
        ("password", "short1"),
        ("password", "onlyletterspassword"),
        ("kind", "alien"),
        ("province", "1"),
    ],
)
def test_invalid_citizen_field_answers_422_naming_the_field(api, field, value):
    resp = register(api, citizen_body(**{field: value}))
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in resp.json()["error"]["details"]


@pytest.mark.parametrize("tax_code", ["0100109107", "010010910", "0100109106-000"])
def test_business_with_a_wrong_tax_code_answers_422(api, tax_code):
    resp = register(api, business_body(tax_code=tax_code))
    assert resp.status_code == 422
    assert "tax_code" in resp.json()["error"]["details"]


def test_citizen_without_national_id_answers_422(api):
    body = citizen_body()
    del body["national_id"]
    resp = register(api, body)
    assert resp.status_code == 422
    assert "national_id" in resp.json()["error"]["details"]


def test_unknown_province_answers_422(api):
    resp = register(api, citizen_body(province="03"))
    assert resp.status_code == 422
    assert "province" in resp.json()["error"]["details"]


def test_field_messages_are_vietnamese_by_default_and_english_on_request(api):
    body = citizen_body(phone="123")
    vi = register(api, body).json()["error"]["details"]["phone"][0]
    en = api.post(
        "/api/v1/accounts", json=body, headers={"Accept-Language": "en"}
    ).json()["error"]["details"]["phone"][0]
    assert vi != en
    assert any(ord(ch) > 127 for ch in vi)
    assert all(ord(ch) < 128 for ch in en)


def test_registered_email_answers_like_a_new_one_and_mails_its_owner(
    api, events, mailbox
):
    body = citizen_body()
    first = register(api, body)
    assert first.status_code == 201
    user_id = first.json()["id"]
    again = register(api, citizen_body(email=body["email"].upper()))
    fresh = register(api, citizen_body())
    # Same status, same keys, same kind of values: nothing tells the two apart.
    assert again.status_code == fresh.status_code == 201
    assert again.json().keys() == fresh.json().keys()
    assert again.json()["status"] == fresh.json()["status"] == "pending_activation"
    assert again.json()["id"] != user_id
    notice = events.wait_for("account_registration_attempted", user_id=user_id)
    assert "activation_token" not in notice and "password" not in notice
    mailbox.wait_for(body["email"], count=2)  # the activation mail, then the notice
    events.drain(1)
    assert len(events.matching("account_registered", user_id=user_id)) == 1


def test_password_reset_answers_the_same_for_known_and_unknown_emails(api):
    known = citizen_body()
    register(api, known)
    answers = [
        api.post("/api/v1/accounts/password-reset", json={"email": email})
        for email in (known["email"], unique_email("nobody"))
    ]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json() == {"status": "sent"}


def test_unknown_field_is_refused(api):
    resp = register(api, citizen_body(is_admin=True))
    assert resp.status_code == 422
    assert "is_admin" in resp.json()["error"]["details"]


def test_malformed_json_answers_400(api):
    resp = api.post(
        "/api/v1/accounts",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "MALFORMED_JSON"


def test_non_object_body_answers_422(api):
    resp = api.post("/api/v1/accounts", json=["a"])
    assert resp.status_code == 422


def test_oversized_body_answers_413(api):
    body = citizen_body(address="x" * 2_000_000)
    resp = api.post("/api/v1/accounts", json=body)
    assert resp.status_code == 413


def test_activation_token_cannot_be_used_twice(api, events):
    user_id = register(api).json()["id"]
    token = events.wait_for("account_registered", user_id=user_id)["activation_token"]
    assert api.post("/api/v1/accounts/activate", json={"token": token}).ok
    again = api.post("/api/v1/accounts/activate", json={"token": token})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "TOKEN_INVALID"


@pytest.mark.parametrize("token", ["forged-token", "", "x" * 150])
def test_forged_activation_token_answers_400(api, token):
    resp = api.post("/api/v1/accounts/activate", json={"token": token})
    assert resp.status_code in (400, 422)
    assert resp.json()["error"]["code"] in ("TOKEN_INVALID", "VALIDATION_ERROR")


def test_resend_issues_a_new_token_and_retires_the_old_one(api, events):
    body = citizen_body()
    user_id = register(api, body).json()["id"]
    first = events.wait_for("account_registered", user_id=user_id, resent=False)
    resp = api.post("/api/v1/accounts/resend-activation", json={"email": body["email"]})
    assert resp.status_code == 202
    second = events.wait_for("account_registered", user_id=user_id, resent=True)
    old = api.post(
        "/api/v1/accounts/activate", json={"token": first["activation_token"]}
    )
    assert old.json()["error"]["code"] == "TOKEN_INVALID"
    new = api.post(
        "/api/v1/accounts/activate", json={"token": second["activation_token"]}
    )
    assert new.status_code == 200


def test_resend_for_an_unknown_email_answers_like_a_known_one(api):
    resp = api.post(
        "/api/v1/accounts/resend-activation", json={"email": unique_email("nobody")}
    )
    assert resp.status_code == 202
    assert resp.json() == {"status": "sent"}


def _accounts_db(stack):
    return create_engine(database_url("accounts", stack.env))


def test_password_reset_changes_the_password_and_expired_tokens_answer_410(
    api, events, stack
):
    body = citizen_body()
    user_id = register(api, body).json()["id"]
    activation = events.wait_for("account_registered", user_id=user_id)
    api.post(
        "/api/v1/accounts/activate", json={"token": activation["activation_token"]}
    )
    asked = api.post("/api/v1/accounts/password-reset", json={"email": body["email"]})
    assert asked.status_code == 202
    token = events.wait_for("password_reset_requested", user_id=user_id)["reset_token"]
    new_password = "Mat-khau-moi-2027"
    done = api.post(
        "/api/v1/accounts/password-reset/confirm",
        json={"token": token, "password": new_password},
    )
    assert done.status_code == 200, done.text
    assert login(api, body["email"], PASSWORD).status_code == 401
    assert login(api, body["email"], new_password).status_code == 201

    api.post("/api/v1/accounts/password-reset", json={"email": body["email"]})
    late = events.wait_for("password_reset_requested", count=2, user_id=user_id)
    engine = _accounts_db(stack)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE tokens SET expires_at = :t"
                " WHERE kind = 'reset' AND used_at IS NULL"
            ),
            {"t": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)},
        )
    engine.dispose()
    expired = api.post(
        "/api/v1/accounts/password-reset/confirm",
        json={"token": late["reset_token"], "password": "Another-pass-2028"},
    )
    assert expired.status_code == 410
    assert expired.json()["error"]["code"] == "TOKEN_EXPIRED"


def test_weak_new_password_is_refused_on_reset(api):
    resp = api.post(
        "/api/v1/accounts/password-reset/confirm",
        json={"token": "whatever", "password": "weak"},
    )
    assert resp.status_code == 422
    assert "password" in resp.json()["error"]["details"]


def _link_token(message, path):
    body = message.get_body(preferencelist=("plain", "html")).get_content()
    match = re.search(rf"/{path}\?token=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def test_register_mail_activate_login_through_the_real_mail(api, mailbox):
    body = citizen_body()
    assert register(api, body).status_code == 201
    message = mailbox.wait_for(body["email"], timeout=60)[0]
    token = _link_token(message, "activate")
    assert api.post("/api/v1/accounts/activate", json={"token": token}).ok
    assert login(api, body["email"]).status_code == 201


def test_activation_mails_per_account_are_capped_per_hour(api, events):
    body = citizen_body()
    user_id = register(api, body).json()["id"]
    for _ in range(6):
        resp = api.post(
            "/api/v1/accounts/resend-activation", json={"email": body["email"]}
        )
        assert resp.status_code == 202  # the same answer, capped or not
    events.wait_for("account_registered", user_id=user_id, count=5)
    events.drain(3)
    # The registration's mail plus four re-sends: five an hour (the default).
    assert len(events.matching("account_registered", user_id=user_id)) == 5


def test_reset_mails_per_account_are_capped_per_hour(api, events):
    body = citizen_body()
    user_id = register(api, body).json()["id"]
    for _ in range(7):
        resp = api.post(
            "/api/v1/accounts/password-reset", json={"email": body["email"]}
        )
        assert resp.status_code == 202
    events.wait_for("password_reset_requested", user_id=user_id, count=5)
    events.drain(3)
    assert len(events.matching("password_reset_requested", user_id=user_id)) == 5
