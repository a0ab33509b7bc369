"""Which tokens the gateway reads itself and which go to accounts (no stack)."""

import datetime as dt

from gateway.sessions import ChangedSessions, Sessions
from services.shared import session_tokens as tokens

KEY = "k" * 40
CALLER = {"user_id": "u1", "kind": "citizen", "roles": ["citizen"], "scopes": []}


class Rpc:
    def __init__(self):
        self.calls = []

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        return {"user_id": "from-accounts"}


class Listener:
    def __init__(self, current=True):
        self.changed, self._current = ChangedSessions(), current

    def current(self):
        return self._current


def token():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    return tokens.issue(KEY, CALLER, later)


def test_a_trusted_signed_token_is_read_here():
    rpc = Rpc()
    assert Sessions(rpc, KEY, Listener()).caller(token()) == CALLER
    assert rpc.calls == []


def test_a_changed_token_goes_to_accounts():
    rpc, listener, raw = Rpc(), Listener(), token()
    far = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    listener.changed.add([{"token_hash": tokens.digest(raw), "expires_at": far}])
    assert Sessions(rpc, KEY, listener).caller(raw) == {"user_id": "from-accounts"}
    assert rpc.calls == [("accounts", "authenticate", (raw,))]


def test_without_a_current_list_every_token_goes_to_accounts():
    rpc = Rpc()
    Sessions(rpc, KEY, Listener(current=False)).caller(token())
    Sessions(rpc, None, None).caller(token())
    Sessions(rpc, KEY, Listener()).caller("opaque-token")
    assert len(rpc.calls) == 3


def test_a_forgotten_token_goes_to_accounts():
    rpc, raw = Rpc(), token()
    sessions = Sessions(rpc, KEY, Listener())
    sessions.forget(raw)
    sessions.caller(raw)
    assert len(rpc.calls) == 1


def test_a_bad_signature_is_refused_without_asking():
    rpc = Rpc()
    forged = tokens.issue("o" * 40, CALLER, dt.datetime.now(dt.UTC))
    assert Sessions(rpc, KEY, Listener()).caller(forged) is None
    assert rpc.calls == []


def test_expired_entries_are_pruned():
    changed = ChangedSessions()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    changed.add([{"token_hash": "a" * 64, "expires_at": past.isoformat()}])
    assert "a" * 64 in changed
    changed.prune()
    assert "a" * 64 not in changed
