"""Signed session tokens: issued by accounts, checked by the gateway without an RPC.

With `PORTAL_SESSION_KEY` set, a session or API access token is a JWT (HS256, PyJWT)
carrying the caller dict as of sign-in, a random id and its expiry. Accounts stores
only its SHA-256 (`digest`), as for any token, and stays the authority: a token it
stops trusting (logout, password reset, deactivation, a profile change that alters
the caller) is announced in a `sessions_changed` event, and every gateway instance
sends such a token back to accounts' `authenticate` instead of reading it itself
(gateway/revocations.py). Without a key, tokens are opaque random values and every
request asks accounts, as before.
"""

import hashlib
import secrets

import jwt

from .config import Setting

SESSION_KEY = Setting(
    "PORTAL_SESSION_KEY",
    "",
    "Secret (at least 32 characters) accounts signs session tokens with and every "
    "gateway checks them with; empty: opaque tokens, checked by accounts each time.",
)
ALGORITHM = "HS256"
MIN_KEY = 32
MAX_TOKEN = 4096  # a caller dict of long names, signed, is well under 1 KiB


def usable_key(key):
    """The key if it may sign (long enough), else None (opaque tokens then)."""
    if not key:
        return None
    if len(key) < MIN_KEY:
        raise ValueError(f"{SESSION_KEY.key} must be at least {MIN_KEY} characters")
    return key


def digest(token):
    """The SHA-256 hex digest under which accounts stores a token."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def issue(key, caller, expires_at):
    """A signed token for `caller` valid until `expires_at` (aware datetime)."""
    claims = {
        "jti": secrets.token_urlsafe(16),
        "exp": int(expires_at.timestamp()),
        "caller": caller,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def signed(token):
    """Tell whether a token has the shape of a signed one (three dotted parts)."""
    return isinstance(token, str) and token.count(".") == 2


def verify(key, token):
    """The caller a token carries, if its signature and expiry hold; else None."""
    if not key or not signed(token) or len(token) > MAX_TOKEN:
        return None
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "jti", "caller"]},
        )
    except jwt.PyJWTError:
        return None
    caller = claims["caller"]
    return dict(caller) if isinstance(caller, dict) else None
