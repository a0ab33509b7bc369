"""Errors of the accounts service, each with a stable code and HTTP status."""

from services.shared.errors import (
    Conflict,
    Forbidden,
    ServiceError,
    Unauthenticated,
    ValidationFailed,
)


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class AlreadyExists(Conflict):
    code = "ALREADY_EXISTS"


class AccountNotActivated(Forbidden):
    code = "ACCOUNT_NOT_ACTIVATED"


class InvalidCredentials(Unauthenticated):
    code = "INVALID_CREDENTIALS"


class InvalidClient(Unauthenticated):
    code = "INVALID_CLIENT"


class TokenInvalid(ServiceError):
    code = "TOKEN_INVALID"
    status = 400


class TokenExpired(ServiceError):
    code = "TOKEN_EXPIRED"
    status = 410


class TooManyAttempts(ServiceError):
    code = "TOO_MANY_ATTEMPTS"
    status = 429


class InvalidScope(ValidationFailed):
    code = "INVALID_SCOPE"
    status = 400


class UnsupportedGrantType(ValidationFailed):
    code = "UNSUPPORTED_GRANT_TYPE"
    status = 400


def too_many(seconds):
    """Build the 429 error; the gateway turns details.retry_after into Retry-After."""
    return TooManyAttempts(
        "Too many attempts",
        {"retry_after": [str(seconds)]},
        params={"seconds": seconds},
    )
