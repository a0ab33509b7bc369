"""Queries and writes shared by the accounts handlers (one SQLAlchemy session)."""

import datetime as dt
import uuid

from sqlalchemy import delete, func, select, update

from services.contracts import accounts as contract
from services.shared import audit as audit_log
from services.shared.clock import utcnow as now
from services.shared.errors import NotFound, detail
from services.shared.outbox import record_event

from . import domain, settings
from .models import (
    Agency,
    Attempt,
    AuditEntry,
    AuthSession,
    Outbox,
    Province,
    Token,
    User,
)


def user_by_email(session, email, lock=False):
    """The user of an e-mail (any case); `lock` holds his row until commit.

    Locking serialises concurrent mails to one account, so their hourly cap holds.
    """
    query = select(User).where(func.lower(User.email) == domain.normalize_email(email))
    return session.scalar(query.with_for_update() if lock else query)


def user_by_public_id(session, public_id):
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None  # a malformed id is simply unknown
    return session.scalar(select(User).where(User.public_id == key))


def province(session, code):
    found = session.get(Province, code) if code else None
    if found is None:
        raise NotFound("Province not found", {"province": [detail("unknown_province")]})
    return found


def agency(session, code):
    found = session.scalar(select(Agency).where(Agency.code == code)) if code else None
    if found is None:
        raise NotFound("Agency not found", {"agency": [detail("unknown_agency")]})
    return found


def audit(session, caller, action, target=None, ip=None, **details):
    """Chain who did what; `caller` is a caller dict (or None for anonymous)."""
    caller = caller or {}
    audit_log.append(
        session,
        AuditEntry,
        caller,
        action,
        target,
        ip=ip,
        province=details.pop("province", caller.get("province")),
        agency=details.pop("agency", caller.get("agency")),
        details=details,
    )


def issue_token(session, user, kind, ttl_seconds):
    """Create a single-use token for `user`, store its hash, return the raw token."""
    raw = domain.new_secret()
    session.add(
        Token(
            token_hash=domain.digest(raw),
            kind=kind,
            user_id=user.id,
            expires_at=now() + dt.timedelta(seconds=ttl_seconds),
        )
    )
    return raw


def tokens_issued_since(session, user, kind, ttl_seconds, seconds):
    """Count the tokens of `kind` issued to `user` in the last `seconds`.

    Tokens keep no issue time; with one TTL per kind, issued = expires_at - ttl.
    """
    threshold = now() + dt.timedelta(seconds=ttl_seconds - seconds)
    return session.scalar(
        select(func.count())
        .select_from(Token)
        .where(Token.user_id == user.id, Token.kind == kind)
        .where(Token.expires_at > threshold)
    )


def retire_tokens(session, user, kind):
    """Make every unused token of `kind` for `user` unusable (superseded)."""
    session.execute(
        update(Token)
        .where(Token.user_id == user.id, Token.kind == kind, Token.used_at.is_(None))
        .values(used_at=now())
    )


def revoke_sessions(session, user, reason):
    """End every live session of `user` and tell the gateways (`sessions_changed`)."""
    rows = _live_sessions(session, user)
    for row in rows:
        row.revoked_at = now()
    announce_sessions(session, user, rows, reason)


def sessions_changed(session, user):
    """The caller `user`'s sessions carry is out of date: tell the gateways."""
    rows = _live_sessions(session, user)
    for row in rows:
        row.changed_at = now()
    announce_sessions(session, user, rows, "profile_changed")


def _live_sessions(session, user):
    return session.scalars(
        select(AuthSession).where(
            AuthSession.user_id == user.id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now(),
        )
    ).all()


def announce_sessions(session, user, rows, reason):
    """Record the `sessions_changed` event of `rows` (in this transaction)."""
    if not rows:
        return
    record_event(
        session,
        Outbox,
        contract.SESSIONS_CHANGED,
        {
            "user_id": str(user.public_id) if user is not None else None,
            "reason": reason,
            "sessions": [changed_session(row) for row in rows],
        },
        province=user.province if user is not None else None,
    )


def changed_session(row):
    return {"token_hash": row.token_hash, "expires_at": row.expires_at.isoformat()}


def live_changed_sessions(session):
    return session.scalars(
        select(AuthSession).where(
            AuthSession.expires_at > now(),
            (AuthSession.revoked_at.is_not(None))
            | (AuthSession.changed_at.is_not(None)),
        )
    ).all()


def wait_seconds(session, bucket, limit, window_seconds):
    """Return how long `bucket` must wait (0 when under its limit)."""
    window = dt.timedelta(seconds=window_seconds)
    moment = now()
    times = session.scalars(
        select(Attempt.at).where(Attempt.bucket == bucket, Attempt.at > moment - window)
    ).all()
    return domain.retry_after(times, limit, window, moment)


def count_attempt(session, bucket):
    session.add(Attempt(bucket=bucket, at=now()))


def prune_attempts(session, cfg):
    """Delete attempts older than every window that counts them.

    Known (account, address) pairs are kept for PORTAL_LOGIN_KNOWN_TTL, every other
    attempt for the longest window that counts it (the hour of registrations and
    mails, or the sign-in window when longer).
    """
    moment = now()
    keep = max(cfg[settings.LOGIN_WINDOW.key], 3600)
    known = Attempt.bucket.contains(":known:")
    for rows, seconds in ((~known, keep), (known, cfg[settings.LOGIN_KNOWN_TTL.key])):
        cutoff = moment - dt.timedelta(seconds=seconds)
        session.execute(delete(Attempt).where(rows, Attempt.at < cutoff))
