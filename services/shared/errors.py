"""The error base every service raises: a stable code, an HTTP status, field details.

An error's `code` (and, when its text has variables, its `params`) is what callers
act on; `message` is English text for developers and logs. People read the gateway's
rendering of the code from its catalogue (`gateway/locale/`). A field detail is a
detail code (`"required"`), a code with params (`detail("too_long", max=200)`) or,
for a few fields, a value (the action refused, the seconds to wait).

Every subclass registers itself with nameko's remote-error registry, so a caller that
imports the defining module gets the same type back from an RPC. A caller that does
not (the gateway) gets the shared class of the error's status with the same code,
message, details and params (`_rebuild`), so it needs no service's internals.
"""

import functools

import nameko.exceptions
from nameko.exceptions import RemoteError

from .codes import detail  # noqa: F401 - raise sites build details with it


class _Registry(dict):
    """nameko's registry, also answering for error types of modules not imported."""

    def __contains__(self, path):
        return super().__contains__(path) or str(path).startswith("services.")

    def __missing__(self, path):
        if not str(path).startswith("services."):
            raise KeyError(path)
        return functools.partial(_rebuild, path)


registry = nameko.exceptions.registry = _Registry(nameko.exceptions.registry)


class ServiceError(Exception):
    """A failure the caller can act on, identified by a stable code."""

    code = "INTERNAL_ERROR"
    status = 500

    def __init__(self, message=None, details=None, code=None, status=None, params=None):
        self.code = code or type(self).code
        self.status = int(status or type(self).status)
        self.message = message or self.code
        self.details = details or {}
        self.params = params or {}
        super().__init__(
            self.message, self.details, self.code, self.status, self.params
        )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry[f"{cls.__module__}.{cls.__name__}"] = cls

    def __str__(self):
        return self.message

    def to_dict(self):
        """Return the public error body (English; the gateway renders it)."""
        return {
            "code": self.code,
            "message": self.message,
            "params": self.params,
            "details": self.details,
        }


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

# The shared class a rebuilt error takes, by status (pages catch these).
BY_STATUS = {
    cls.status: cls
    for cls in (ValidationFailed, NotFound, Forbidden, Unauthenticated, Conflict)
}
BY_STATUS[503] = Unavailable


def _rebuild(path, *args):
    """A ServiceError from the arguments of one whose type this process lacks."""
    message, details, code, status, *rest = [*args, None, None, None, None][:5]
    if not (isinstance(code, str) and str(status).isdigit()):
        return RemoteError(path.rsplit(".", 1)[-1], message)
    cls = BY_STATUS.get(int(status), ServiceError)
    return cls(message, details, code, status, *rest)
