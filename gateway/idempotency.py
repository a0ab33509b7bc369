"""`Idempotency-Key`: a retried API request gets its first answer, never acts twice.

Any POST, PUT, PATCH or DELETE under /api/ may carry the header. The key belongs to
the caller (user, API client, or the address of an anonymous caller); its request is
fingerprinted by method, path with query and canonical JSON body. Then:

- the first request runs and its answer (status, body, the headers in KEPT_HEADERS)
  is kept for `PORTAL_IDEMPOTENCY_TTL` (24 h); a replay answers it again with
  `Idempotent-Replayed: true`;
- the same key with another fingerprint is 422 IDEMPOTENCY_KEY_REUSED;
- the same key while its first request runs is 409 IDEMPOTENCY_IN_PROGRESS with
  `Retry-After`;
- answers of 5xx (and 401, 408, 425, 429, which ask for a later try) are NOT kept:
  the key is released so the retry runs again. The outcome of a 503 may be unknown
  (the service may have committed after the gateway gave up), so the key also travels
  to the service in the RPC context data and the acting operations there keep their
  result under it in the transaction of the change: the retry gets the committed
  result back and nothing is done twice.

Resources whose answer carries a credential (sessions, OAuth tokens, API client
secrets) set `replays_answers = False`: the header is ignored there, so no secret is
ever stored.
"""

import hashlib
import json
import logging
import re

import falcon
from sqlalchemy.exc import SQLAlchemyError

from services.shared.errors import Unavailable

from .errors import CodedHTTPError
from .hooks import client_ip

HEADER = "Idempotency-Key"
KEY = re.compile(r"[A-Za-z0-9_.:-]{1,255}")
METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_HEADERS = ("Content-Type", "Location", "ETag", "Last-Modified", "Link")
NOT_KEPT = frozenset({401, 408, 425, 429})
PARSED_TYPES = ("application/json", "application/x-www-form-urlencoded")
RETRY_AFTER = "1"
SECRET_FIELD = re.compile(r"password|secret", re.IGNORECASE)
log = logging.getLogger(__name__)


def caller_scope(req):
    """Whose key it is: the signed-in user or API client, else the client address."""
    caller = req.context.caller
    if caller.get("user_id") and caller.get("kind") != "anonymous":
        return f"{caller['kind']}:{caller['user_id']}"[:120]
    return f"ip:{client_ip(req)}"[:120]


def fingerprint(req):
    """sha256 of method, path with query and the canonical body (None: unreadable).

    JSON and form bodies are canonical (sorted keys, no spaces), so a client that
    re-serialises the same object is not refused. A multipart upload is streamed to
    storage, not buffered, so it is fingerprinted by its length only. Passwords are
    left out (see `redacted`).
    """
    content_type = (req.content_type or "").split(";")[0].strip().lower()
    if content_type in PARSED_TYPES or not req.content_length:
        try:
            media = req.get_media(default_when_empty=None)
        except falcon.MediaMalformedError:
            return None
        body = json.dumps(redacted(media), sort_keys=True, separators=(",", ":"))
    else:
        body = f"{content_type}:{req.content_length}"
    text = f"{req.method}\n{req.relative_uri}\n{body}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def redacted(value):
    """The body with the values of password-like fields replaced by a marker.

    A fast unsalted hash of a body holding a password would let whoever reads the
    gateway database guess the password offline; without it, a retry that changes
    only the password counts as the same request.
    """
    if isinstance(value, dict):
        return {
            k: "<secret>" if SECRET_FIELD.search(str(k)) else redacted(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


def service_key(scope, key):
    """The key as services see it: bound to its caller, of fixed length."""
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


class Idempotency:
    """Keep and replay the first answer of each (caller, key)."""

    def __init__(self, store, ttl, lease):
        self.store, self.ttl, self.lease = store, ttl, lease

    def process_resource(self, req, resp, resource, params):
        req.context.idempotency = None
        req.context.idempotency_key = None
        key = req.get_header(HEADER)
        if key is None or req.method not in METHODS or resource is None:
            return
        if not req.path.startswith("/api/"):
            return
        if not getattr(resource, "replays_answers", True):
            return
        if not KEY.fullmatch(key):
            raise CodedHTTPError(
                falcon.HTTP_400,
                "IDEMPOTENCY_KEY_INVALID",
                "Idempotency-Key must be 1 to 255 letters, digits or . _ : -",
            )
        printed = fingerprint(req)
        if printed is None:
            return  # malformed body: the resource answers 400 and acts on nothing
        scope = caller_scope(req)
        self.store.maybe_cleanup()
        try:
            claim = self.store.claim(scope, key, printed, self.ttl, self.lease)
        except SQLAlchemyError as exc:
            # Without the store the key cannot be honoured: refuse rather than risk
            # acting twice (a request without the header still goes through).
            raise Unavailable(
                "Service unavailable", {"gateway_db": [type(exc).__name__]}
            ) from exc
        if claim.outcome == "mismatch":
            raise CodedHTTPError(
                falcon.HTTP_422,
                "IDEMPOTENCY_KEY_REUSED",
                "Idempotency-Key already used for another request",
            )
        if claim.outcome == "running":
            raise CodedHTTPError(
                falcon.HTTP_409,
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key is still being processed",
                headers={"Retry-After": RETRY_AFTER},
            )
        if claim.outcome == "done":
            replay(resp, claim)
            return
        req.context.idempotency = (scope, key)
        req.context.idempotency_key = service_key(scope, key)

    def process_response(self, req, resp, resource, req_succeeded):
        held = getattr(req.context, "idempotency", None)
        if held is None:
            return
        req.context.idempotency = None
        status = resp.status_code
        try:
            if status >= 500 or status in NOT_KEPT or resp.stream is not None:
                self.store.release(*held)
                return
            body = resp.render_body()  # sets Content-Type for media answers
            kept = {n: resp.get_header(n) for n in KEPT_HEADERS if resp.get_header(n)}
            self.store.finish(*held, status, kept, body)
        except SQLAlchemyError:
            # The claim stays "running" until its lease ends; a retry then runs
            # again and the services answer what they kept under the key.
            log.warning("idempotency key not recorded", exc_info=True)


def replay(resp, claim):
    resp.status = falcon.code_to_http_status(claim.status)
    for name, value in (claim.headers or {}).items():
        resp.set_header(name, value)
    resp.set_header("Idempotent-Replayed", "true")
    if claim.body is not None:
        resp.data = bytes(claim.body)
    resp.complete = True
