"""One place that turns every failure into the API's single error body.

`{"error": {code, message, params, details, detail_codes}}`: `message` and
`details` rendered in the caller's language from the catalogue (`gateway/i18n.py`),
`params` and `detail_codes` for programs.
"""

import logging

import falcon
from nameko.exceptions import RemoteError

from services.shared.errors import ServiceError

from .i18n import detail_codes, render, render_details

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    411: "LENGTH_REQUIRED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "TOO_MANY_REQUESTS",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(code, message, details, lang, params=None):
    """The body of an error; `message` (English) is used only for an unknown code."""
    return {
        "error": {
            "code": code,
            "message": render(code, params, lang, fallback=message),
            "params": params or {},
            "details": render_details(details, lang),
            "detail_codes": detail_codes(details),
        }
    }


def _lang(req):
    return getattr(req.context, "lang", "vi")


def answer_json(resp):
    """Make an error answer JSON, whatever the resource had begun to send.

    A download that fails after it set its stream and media type would otherwise
    send that media type with the error (or fail to serialise it: an empty 415).
    """
    if resp.stream is not None and hasattr(resp.stream, "close"):
        resp.stream.close()
    resp.stream = None
    resp.content_length = None
    resp.content_type = falcon.MEDIA_JSON
    resp.delete_header("Content-Disposition")


def handle_service_error(req, resp, exc, params):
    answer_json(resp)
    resp.status = falcon.code_to_http_status(exc.status)
    resp.media = error_body(exc.code, exc.message, exc.details, _lang(req), exc.params)
    if exc.status == 429 and exc.details.get("retry_after"):
        resp.set_header("Retry-After", str(exc.details["retry_after"][0]))


def handle_http_error(req, resp, exc, params):
    status = exc.status_code
    code = getattr(exc, "code", None) or HTTP_CODES.get(status, f"HTTP_{status}")
    answer_json(resp)
    resp.status = exc.status
    resp.media = error_body(code, exc.title or "Error", {}, _lang(req))
    for name, value in (exc.headers or {}).items():
        resp.set_header(name, value)


def handle_remote_error(req, resp, exc, params):
    log.error("unexpected service error: %s", exc)
    answer_json(resp)
    resp.status = falcon.HTTP_500
    resp.media = error_body("INTERNAL_ERROR", "Internal error", {}, _lang(req))


def handle_unexpected(req, resp, exc, params):
    if isinstance(exc, falcon.HTTPError):
        return handle_http_error(req, resp, exc, params)
    log.exception("unhandled error")
    answer_json(resp)
    resp.status = falcon.HTTP_500
    resp.media = error_body("INTERNAL_ERROR", "Internal error", {}, _lang(req))


def install(app):
    """Register the handlers (matched by the exception's MRO, most specific first)."""
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(RemoteError, handle_remote_error)
    app.add_error_handler(ServiceError, handle_service_error)


class CodedHTTPError(falcon.HTTPError):
    """A falcon error that carries our stable code."""

    def __init__(self, status, code, title, headers=None):
        super().__init__(status, title=title, headers=headers)
        self.code = code
