"""Small helpers every resource module shares: reading JSON bodies, calling services."""

import falcon

from gateway.errors import CodedHTTPError
from services.shared.errors import ValidationFailed


def json_object(req):
    """Return the request's JSON object: 400 MALFORMED_JSON, 422 when not an object."""
    try:
        body = req.get_media()
    except falcon.MediaMalformedError:
        raise CodedHTTPError(
            falcon.HTTP_400, "MALFORMED_JSON", "Malformed JSON"
        ) from None
    if not isinstance(body, dict):
        raise ValidationFailed("Invalid payload", {"_schema": ["Invalid input type."]})
    return body


def call(rpc, req, service, method, *args, **kwargs):
    """Call `service.method(caller, *args)` on behalf of the request's caller."""
    return rpc.call(
        service,
        method,
        req.context.caller,
        *args,
        request_id=req.context.request_id,
        **kwargs,
    )
