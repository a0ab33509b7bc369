"""Small helpers every resource module shares: reading JSON bodies, calling services."""

import falcon

from gateway.errors import CodedHTTPError
from services.shared.errors import ValidationFailed, detail


def json_object(req):
    """Return the request's JSON object: 400 MALFORMED_JSON, 422 when not an object."""
    try:
        body = req.get_media()
    except falcon.MediaMalformedError:
        raise CodedHTTPError(
            falcon.HTTP_400, "MALFORMED_JSON", "Malformed JSON"
        ) from None
    if not isinstance(body, dict):
        raise ValidationFailed("Invalid payload", {"_schema": ["invalid_type"]})
    return body


def call(rpc, req, service, method, *args, **kwargs):
    """Call `service.method(caller, *args)` on behalf of the request's caller."""
    key = getattr(req.context, "idempotency_key", None)
    if key:
        kwargs["idempotency_key"] = key
    return rpc.call(
        service,
        method,
        req.context.caller,
        *args,
        request_id=req.context.request_id,
        **kwargs,
    )


def page_param(req, name, default, top):
    """Read `?page=` or `?page_size=` as an int in 1..top, or refuse with 422.

    A page number is multiplied into an SQL OFFSET, which PostgreSQL keeps in a
    bigint: an unbounded one is a database error, not an empty page.
    """
    raw = req.get_param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= top:
        raise ValidationFailed(
            "Invalid input", {name: [detail("between", min=1, max=top)]}
        )
    return value


def only(body, allowed):
    """Keep a body of string fields among `allowed`: 422 for others or non-strings.

    These bodies carry tokens, e-mails and passwords, which the services hash or
    compare as text; a list or an object there must not reach them.
    """
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ValidationFailed("Invalid input", {k: ["unknown_field"] for k in unknown})
    not_text = sorted(
        k for k, v in body.items() if v is not None and not isinstance(v, str)
    )
    if not_text:
        raise ValidationFailed(
            "Invalid input", {k: ["invalid_string"] for k in not_text}
        )
    return body
