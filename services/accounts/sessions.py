"""Sessions: login, token authentication, logout, OAuth client credentials."""

import datetime as dt

from sqlalchemy import select

from services.contracts import accounts as contract
from services.shared.errors import detail
from services.shared.outbox import record_event
from services.shared.schemas import load
from services.shared.session_tokens import MAX_TOKEN, SESSION_KEY, issue, usable_key

from . import domain, security, settings, store, views
from .exceptions import (
    AccountNotActivated,
    InvalidClient,
    InvalidCredentials,
    InvalidScope,
    UnsupportedGrantType,
    too_many,
)
from .models import ApiClient, AuthSession, Outbox, User
from .throttle import Throttle


def login(session, cfg, email, password, ip=None, kind="web"):
    """Check the credentials; return (error, None) or (None, session body).

    Failures are returned rather than raised so that the caller commits the
    failed-attempt count and the audit entry before raising.
    """
    data = load(
        contract.LoginSchema(), {"email": email or "", "password": password or ""}
    )
    email = domain.normalize_email(data["email"])
    throttle = Throttle(session, cfg, "login", email, ip)
    wait = throttle.wait_seconds()
    if wait:
        store.audit(session, None, "login.throttled", data["email"], ip)
        return too_many(wait), None
    user = store.user_by_email(session, email)
    if user is None:
        security.burn_time(data["password"])
    if user is None or not security.verify_secret(user.password_hash, data["password"]):
        _failed(session, cfg, throttle, user, ip)
        store.audit(session, None, "login.failed", data["email"], ip)
        return InvalidCredentials("Wrong e-mail or password"), None
    if user.status == "pending_activation":
        return AccountNotActivated("Account not activated yet"), None
    if user.status != "active":
        return InvalidCredentials("Wrong e-mail or password"), None
    throttle.succeeded()
    return None, _open_session(session, cfg, user, ip, kind)


def _failed(session, cfg, throttle, user, ip):
    """Count a failure; tell the owner of a real account once per window."""
    failures = throttle.failed()
    if user is None or user.status == "deactivated":
        return
    if failures < cfg[settings.LOGIN_NOTICE_AFTER.key] or not throttle.may_notice():
        return
    record_event(
        session,
        Outbox,
        contract.LOGIN_FAILURES_DETECTED,
        {
            "user_id": str(user.public_id),
            "email": user.email,
            "full_name": user.full_name,
            "lang": user.lang,
            "failures": failures,
            "ip": ip,
        },
        province=user.province,
    )


def new_token(cfg, caller, expires):
    """A signed token carrying `caller` when a key is set, else an opaque one."""
    key = usable_key(cfg.get(SESSION_KEY.key))
    return issue(key, caller, expires) if key else domain.new_secret()


def _open_session(session, cfg, user, ip, kind):
    ttl = cfg[settings.SESSION_TTL.key]
    expires = store.now() + dt.timedelta(seconds=ttl)
    caller = views.caller_of_user(user)
    raw = new_token(cfg, caller, expires)
    session.add(
        AuthSession(
            token_hash=domain.digest(raw),
            kind=kind if kind in ("web", "api") else "web",
            user_id=user.id,
            scopes=[],
            expires_at=expires,
        )
    )
    store.audit(session, caller, "login", user.email, ip, kind=kind)
    return {
        "token": raw,
        "expires_at": expires.isoformat(),
        "expires_in": ttl,
        "user": {
            k: caller[k]
            for k in ("user_id", "kind", "roles", "province", "agency", "department")
        }
        | {"id": caller["user_id"], "full_name": user.full_name, "email": user.email},
    }


def authenticate(session, raw):
    """Return the caller dict of a live token, or None."""
    if not raw or len(raw) > MAX_TOKEN:
        return None
    row = session.scalar(
        select(AuthSession).where(AuthSession.token_hash == domain.digest(raw))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= store.now():
        return None
    if row.client_id is not None:
        client = session.get(ApiClient, row.client_id)
        return views.caller_of_client(client, row.scopes) if client.active else None
    user = session.get(User, row.user_id)
    if user is None or user.status != "active":
        return None
    return views.caller_of_user(user)


def logout(session, raw):
    row = session.scalar(
        select(AuthSession).where(AuthSession.token_hash == domain.digest(raw or ""))
    )
    if row is not None and row.revoked_at is None:
        row.revoked_at = store.now()
        user = session.get(User, row.user_id) if row.user_id else None
        store.announce_sessions(session, user, [row], "logout")
    return {"status": "logged_out"}


def changed_sessions(session):
    """The live sessions no gateway may read itself (revoked or caller changed)."""
    return [store.changed_session(row) for row in store.live_changed_sessions(session)]


def oauth_token(
    session, cfg, grant_type, client_id, client_secret, scope=None, ip=None
):
    """Client-credentials grant (RFC 6749 §4.4): return an access token.

    Throttled like logins, per (client id, address): a wrong secret never locks the
    client out, it only delays further guesses from the same address.
    """
    if grant_type != "client_credentials":
        raise UnsupportedGrantType(
            "Unsupported grant type",
            {"grant_type": [detail("not_one_of", choices="client_credentials")]},
        )
    client_id = client_id if isinstance(client_id, str) else ""
    client_secret = client_secret if isinstance(client_secret, str) else ""
    throttle = Throttle(session, cfg, "oauth", client_id[:64], ip)
    wait = throttle.wait_seconds()
    if wait:
        store.audit(session, None, "oauth.throttled", client_id[:64], ip)
        return too_many(wait), None
    client = session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    secret_ok = security.verify_secret(
        client.secret_hash if client else None, client_secret
    )
    if client is None or not client.active or not secret_ok:
        throttle.failed()
        store.audit(session, None, "oauth.failed", client_id[:64], ip)
        return InvalidClient("Invalid client credentials"), None
    throttle.succeeded()
    granted = list(client.scopes)
    if scope:
        asked = scope.split() if isinstance(scope, str) else [None]
        if not set(asked) <= set(granted):
            return InvalidScope(
                "Scope not allowed", {"scope": [detail("scope_not_allowed")]}
            ), None
        granted = asked
    ttl = cfg[settings.CLIENT_TOKEN_TTL.key]
    expires = store.now() + dt.timedelta(seconds=ttl)
    caller = views.caller_of_client(client, granted)
    raw = new_token(cfg, caller, expires)
    session.add(
        AuthSession(
            token_hash=domain.digest(raw),
            kind="client",
            client_id=client.id,
            scopes=granted,
            expires_at=expires,
        )
    )
    store.audit(
        session, caller, "oauth.token", client.client_id, scope=" ".join(granted)
    )
    body = {"access_token": raw, "token_type": "Bearer", "expires_in": ttl}
    return None, body | {"scope": " ".join(granted)}
