"""Password and secret hashing with argon2id (argon2-cffi's recommended profile)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
# Verified against when an e-mail is unknown, so both paths cost the same time.
_DUMMY = _HASHER.hash("dummy password 0")


def hash_secret(secret):
    return _HASHER.hash(secret)


def verify_secret(stored_hash, secret):
    """Return True when `secret` matches; never raises for a wrong secret."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY, secret or "")
    except (VerificationError, InvalidHashError):
        return False


def burn_time(secret):
    """Spend one verification's worth of time (unknown account)."""
    verify_secret(_DUMMY, secret + "x")
