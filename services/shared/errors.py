"""The error base every service raises: a stable code, an HTTP status, field details.

Every subclass registers itself with nameko's remote-error registry, so a caller that
imports the defining module gets the same type back from an RPC (the gateway does).
"""

from nameko.exceptions import registry


class ServiceError(Exception):
    """A failure the caller can act on, identified by a stable code."""

    code = "INTERNAL_ERROR"
    status = 500

    def __init__(self, message=None, details=None, code=None, status=None):
        self.code = code or type(self).code
        self.status = int(status or type(self).status)
        self.message = message or self.code
        self.details = details or {}
        super().__init__(self.message, self.details, self.code, self.status)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry[f"{cls.__module__}.{cls.__name__}"] = cls

    def __str__(self):
        return self.message

    def to_dict(self):
        """Return the public error body."""
        return {"code": self.code, "message": self.message, "details": self.details}


registry[f"{ServiceError.__module__}.ServiceError"] = ServiceError


class ValidationFailed(ServiceError):
    code = "VALIDATION_ERROR"
    status = 422


class NotFound(ServiceError):
    code = "NOT_FOUND"
    status = 404


class Forbidden(ServiceError):
    code = "FORBIDDEN"
    status = 403


class Unauthenticated(ServiceError):
    code = "UNAUTHENTICATED"
    status = 401


class Conflict(ServiceError):
    code = "CONFLICT"
    status = 409


class Unavailable(ServiceError):
    code = "SERVICE_UNAVAILABLE"
    status = 503


EXPECTED = (ServiceError,)
