"""Sessions: login, token authentication, logout, OAuth client credentials."""

import datetime as dt

from sqlalchemy import select

from services.shared.schemas import load

from . import domain, schemas, security, settings, store, views
from .exceptions import (
    AccountNotActivated,
    InvalidClient,
    InvalidCredentials,
    InvalidScope,
    UnsupportedGrantType,
    too_many,
)
from .models import ApiClient, AuthSession, User


def login(session, cfg, email, password, ip=None, kind="web"):
    """Check the credentials; return (error, None) or (None, session body).

    Failures are returned rather than raised so that the caller commits the
    failed-attempt count and the audit entry before raising.
    """
    data = load(
        schemas.LoginSchema(), {"email": email or "", "password": password or ""}
    )
    account = f"login:account:{domain.normalize_email(data['email'])}"
    address = f"login:ip:{ip}"
    window = cfg[settings.LOGIN_WINDOW.key]
    limits = [(account, cfg[settings.LOGIN_FAILS_ACCOUNT.key])]
    if ip:
        limits.append((address, cfg[settings.LOGIN_FAILS_IP.key]))
    wait = max(store.wait_seconds(session, b, n, window) for b, n in limits)
    if wait:
        store.audit(session, None, "login.throttled", data["email"], ip)
        return too_many(wait), None
    user = store.user_by_email(session, data["email"])
    if user is None:
        security.burn_time(data["password"])
    if user is None or not security.verify_secret(user.password_hash, data["password"]):
        for bucket, _ in limits:
            store.count_attempt(session, bucket)
        store.audit(session, None, "login.failed", data["email"], ip)
        return InvalidCredentials("Wrong e-mail or password"), None
    if user.status == "pending_activation":
        return AccountNotActivated("Account not activated yet"), None
    if user.status != "active":
        return InvalidCredentials("Wrong e-mail or password"), None
    store.forget_attempts(session, account)
    return None, _open_session(session, cfg, user, ip, kind)


def _open_session(session, cfg, user, ip, kind):
    raw = domain.new_secret()
    ttl = cfg[settings.SESSION_TTL.key]
    expires = store.now() + dt.timedelta(seconds=ttl)
    session.add(
        AuthSession(
            token_hash=domain.digest(raw),
            kind=kind if kind in ("web", "api") else "web",
            user_id=user.id,
            scopes=[],
            expires_at=expires,
        )
    )
    caller = views.caller_of_user(user)
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
    if not raw or len(raw) > 200:
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
    return {"status": "logged_out"}


def oauth_token(session, cfg, grant_type, client_id, client_secret, scope=None):
    """Client-credentials grant (RFC 6749 §4.4): return an access token."""
    if grant_type != "client_credentials":
        raise UnsupportedGrantType(
            "Unsupported grant type", {"grant_type": ["Must be client_credentials."]}
        )
    client = session.scalar(
        select(ApiClient).where(ApiClient.client_id == str(client_id or ""))
    )
    secret_ok = security.verify_secret(
        client.secret_hash if client else None, client_secret or ""
    )
    if client is None or not client.active or not secret_ok:
        store.audit(session, None, "oauth.failed", str(client_id or "")[:64])
        return InvalidClient("Invalid client credentials"), None
    granted = list(client.scopes)
    if scope:
        asked = scope.split()
        if not set(asked) <= set(granted):
            return InvalidScope("Scope not allowed", {"scope": ["Not allowed."]}), None
        granted = asked
    raw = domain.new_secret()
    ttl = cfg[settings.CLIENT_TOKEN_TTL.key]
    session.add(
        AuthSession(
            token_hash=domain.digest(raw),
            kind="client",
            client_id=client.id,
            scopes=granted,
            expires_at=store.now() + dt.timedelta(seconds=ttl),
        )
    )
    caller = views.caller_of_client(client, granted)
    store.audit(
        session, caller, "oauth.token", client.client_id, scope=" ".join(granted)
    )
    body = {"access_token": raw, "token_type": "Bearer", "expires_in": ttl}
    return None, body | {"scope": " ".join(granted)}
