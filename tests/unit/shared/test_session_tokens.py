"""Signed session tokens: what verifies and what does not (pure, no stack)."""

import datetime as dt

import pytest

from services.shared import session_tokens as tokens

KEY = "k" * 40
CALLER = {"user_id": "u1", "kind": "citizen", "roles": ["citizen"], "scopes": []}


def later(seconds=60):
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def test_a_token_carries_its_caller():
    token = tokens.issue(KEY, CALLER, later())
    assert tokens.signed(token)
    assert tokens.verify(KEY, token) == CALLER


def test_two_tokens_of_one_caller_differ():
    assert tokens.issue(KEY, CALLER, later()) != tokens.issue(KEY, CALLER, later())


@pytest.mark.parametrize(
    "token",
    [
        tokens.issue("o" * 40, CALLER, later()),  # another key
        tokens.issue(KEY, CALLER, later(-5)),  # expired
        "opaque-random-token",
        "a.b.c",
        "",
        None,
    ],
)
def test_anything_else_does_not_verify(token):
    assert tokens.verify(KEY, token) is None


def test_a_changed_claim_breaks_the_signature():
    head, body, sig = tokens.issue(KEY, CALLER, later()).split(".")
    assert tokens.verify(KEY, f"{head}.{body[:-2]}AA.{sig}") is None


def test_a_short_key_is_refused_and_none_means_opaque_tokens():
    with pytest.raises(ValueError):
        tokens.usable_key("short")
    assert tokens.usable_key("") is None
    assert tokens.verify(None, tokens.issue(KEY, CALLER, later())) is None
