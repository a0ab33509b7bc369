"""Refuse, where it enters, text that cannot be stored or shown (422 INVALID_TEXT).

Every string of a request is checked once, by `services.shared.text`: the path and
its parameters, the query string, the headers the gateway reads, JSON bodies (every
string and key, at most MAX_DEPTH levels deep) and URL-encoded forms. Lengths: path,
query and header values MAX_PARAM, form values MAX_TEXT; JSON strings are bounded by
the body limit here and by each field's length in the services' schemas. Multipart
parts are streamed by the resources, which check their names and texts with
`check_part`. Percent-encoded bytes are decoded strictly (falcon itself would turn
invalid UTF-8 into U+FFFD), and the path and query are also checked once more
decoded, so a `%2500` meant to reach a second decoder is refused too.
"""

import json
import math
import re
from urllib.parse import unquote, unquote_to_bytes

import falcon
from falcon.media import JSONHandler, URLEncodedFormHandler

from services.shared.errors import ValidationFailed, detail
from services.shared.text import (
    MAX_DEPTH,
    MAX_TEXT,
    NOT_UNICODE,
    NUL,
    bytes_error,
    find_bad_text,
    text_error,
)

# The detail of a document nested deeper than MAX_DEPTH.
DEEP = detail("too_deep", max=MAX_DEPTH)

# Values of the query string, path segments and headers are short by nature.
MAX_PARAM = 2_000
PART_NAME = re.compile(rb'\bname="([A-Za-z0-9_.-]{1,64})"')
READ_HEADERS = (
    "Authorization",
    "Cookie",
    "X-CSRF-Token",
    "Accept-Language",
    "X-Request-ID",
    "X-Forwarded-For",
)


class InvalidText(ValidationFailed):
    """A string that is not valid Unicode, holds NUL or a lone surrogate, or is long."""

    code = "INVALID_TEXT"


class TooDeep(ValidationFailed):
    """A JSON document nested deeper than MAX_DEPTH levels."""

    code = "JSON_TOO_DEEP"


def refuse(problems):
    """Raise the right refusal for {field: [message]} problems, if any."""
    if not problems:
        return
    if any(DEEP in msgs for msgs in problems.values()):
        raise TooDeep("Invalid input", problems)
    raise InvalidText("Invalid text", problems)


def _raw(wsgi_text):
    """The bytes a server decoded into a WSGI (latin-1) string."""
    return wsgi_text.encode("latin-1", "replace")


def pairs_problems(encoded, limit):
    """Check each `name=value` of a query string or URL-encoded body strictly."""
    problems = {}
    for pair in encoded.split("&"):
        name, _, value = pair.replace("+", " ").partition("=")
        raw_name = unquote_to_bytes(name)
        field = raw_name.decode("utf-8", "replace").replace("\x00", "") or "_query"
        problem = bytes_error(raw_name, 200) or bytes_error(
            unquote_to_bytes(value), limit
        )
        if problem is None and "\x00" in unquote(unquote(value)):
            problem = NUL
        if problem:
            problems[field] = [problem]
    return problems


def path_problems(req):
    """Check the path's bytes (as the server decoded them) and decoded once more."""
    path = req.env.get("PATH_INFO") or ""
    problem = bytes_error(_raw(path), MAX_PARAM)
    if problem is None and "\x00" in unquote(path):
        problem = NUL
    return {"_path": [problem]} if problem else {}


def header_problems(req):
    problems = {}
    for name in READ_HEADERS:
        value = req.get_header(name)
        if value and (problem := bytes_error(_raw(value), MAX_PARAM * 4)):
            problems[name] = [problem]
    return problems


def check_part(name, text, limit=MAX_TEXT):
    """Refuse a multipart part's name, file name or text that may not enter."""
    if text is not None and (problem := text_error(text, limit)):
        raise InvalidText("Invalid text", {name or "_part": [problem]})


def checked_parts(parts):
    """Yield multipart parts whose name and file name are storable text.

    Falcon decodes part headers strictly, so undecodable bytes there would
    otherwise escape as a UnicodeDecodeError (a 500).
    """
    for part in parts:
        try:
            name, filename, _ = part.name, part.filename, part.content_type
        except UnicodeDecodeError:
            raise InvalidText(
                "Invalid text", {_raw_name(part): [NOT_UNICODE]}
            ) from None
        check_part("_part", name, 200)
        check_part(name, filename, 1000)
        yield part


def _raw_name(part):
    """Best effort: the name of a part whose headers are not UTF-8, for the answer."""
    raw = getattr(part, "_headers", {}).get(b"content-disposition", b"")
    found = PART_NAME.search(raw)
    return found.group(1).decode("ascii") if found else "_part"


def part_text(part, limit=MAX_TEXT):
    """Return a text part's value, refusing it (by name) unless storable."""
    try:
        text = part.get_text()
    except falcon.MediaMalformedError:
        raise InvalidText("Invalid text", {part.name: [NOT_UNICODE]}) from None
    check_part(part.name, text, limit)
    return text


class TextGuard:
    """Check the path, query string and read headers before anything uses them."""

    def process_request(self, req, resp):
        query = req.env.get("QUERY_STRING") or ""
        refuse(
            header_problems(req) | (pairs_problems(query, MAX_PARAM) if query else {})
        )
        # The path is refused once routed, so the answer can name its parameter.
        req.context.path_problems = path_problems(req)

    def process_resource(self, req, resp, resource, params):
        """Refuse a bad path, naming the path parameter that carries the fault."""
        if not getattr(req.context, "path_problems", None):
            return
        named = {
            name: req.context.path_problems["_path"]
            for name, value in (params or {}).items()
            if isinstance(value, str) and (text_error(value) or "\ufffd" in value)
        }
        refuse(named or req.context.path_problems)


def _no_number(name):
    """Refuse NaN and Infinity, which JSON does not have (Python accepts them)."""
    raise ValueError(f"{name} is not JSON")


def _finite(text):
    """Parse a JSON number, refusing one too large for a float (1e400)."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number


class StrictJSON(JSONHandler):
    """Parse JSON strictly: valid UTF-8, bounded depth, no unstorable strings."""

    def _deserialize(self, data):
        if not data:
            raise falcon.MediaNotFoundError("JSON")
        if problem := bytes_error(data, None):
            raise InvalidText("Invalid text", {"_body": [problem]})
        try:
            body = json.loads(
                data.decode(), parse_constant=_no_number, parse_float=_finite
            )
        except RecursionError:
            too_deep = {"_body": [DEEP]}
            raise TooDeep("Invalid input", too_deep) from None
        except ValueError as exc:
            raise falcon.MediaMalformedError("JSON") from exc
        refuse(find_bad_text(body, limit=None))
        return body


class StrictForm(URLEncodedFormHandler):
    """Parse URL-encoded forms after checking every name and value strictly."""

    def _deserialize(self, body):
        try:
            text = body.decode("ascii")
        except UnicodeDecodeError as exc:
            raise falcon.MediaMalformedError("URL-encoded") from exc
        refuse(pairs_problems(text, MAX_TEXT) if text else {})
        return super()._deserialize(body)


def install(app):
    """Use the strict body handlers for JSON and URL-encoded forms."""
    handlers = {
        falcon.MEDIA_JSON: StrictJSON(),
        falcon.MEDIA_URLENCODED: StrictForm(),
    }
    app.req_options.media_handlers.update(handlers)
