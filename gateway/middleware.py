"""Cross-cutting request handling: request id, language, limits, headers, identity."""

import hashlib
import hmac
import re
import uuid
from urllib.parse import urlsplit

import falcon

from services.shared.caller import ANONYMOUS
from services.shared.logs import request_id_var

from .errors import CodedHTTPError
from .i18n import language

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SESSION_COOKIE = "portal_session"
CSRF_COOKIE = "portal_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 256 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Probes and the scrape never carry a user: a token there is not even looked up.
UNAUTHENTICATED_PATHS = frozenset({"/healthz", "/livez", "/readyz", "/metrics"})


def csrf_token_for(session_token):
    """Derive the CSRF token of a session (double-submit, bound to the session).

    Only someone who knows the HttpOnly session token can compute it, so a cookie
    planted by a sibling origin cannot be paired with a forged header.
    """
    return hashlib.sha256(f"csrf:{session_token}".encode()).hexdigest()[:43]


def csrf_ok(req, session_token):
    """Tell whether a cookie request may act as the session's user.

    Safe methods always may; unsafe ones must echo the session's CSRF token in the
    X-CSRF-Token header or, for the web portal's HTML forms, in a `csrf_token` field
    of a URL-encoded body (and the portal_csrf cookie must hold the same value).
    """
    if req.method in SAFE_METHODS:
        return True
    sent = req.get_header(CSRF_HEADER) or form_token(req)
    expected = csrf_token_for(session_token)
    cookie = req.cookies.get(CSRF_COOKIE) or ""
    return hmac.compare_digest(sent, expected) and hmac.compare_digest(cookie, expected)


def cross_site(req):
    """Tell whether a browser sent this request from another site.

    Browsers mark every request with Sec-Fetch-Site, and unsafe ones with Origin;
    servers and scripts send neither, so they are never refused by this check.
    """
    fetch_site = (req.get_header("Sec-Fetch-Site") or "").lower()
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = req.get_header("Origin")
    if origin is None:
        return False
    # A proxy may rewrite Host, so the public address counts as ours as well.
    public = getattr(req.context, "public_host", None)
    hosts = {req.get_header("Host"), req.get_header("X-Forwarded-Host"), public}
    return urlsplit(origin).netloc not in hosts - {None}


def form_token(req):
    """The `csrf_token` field of a small URL-encoded form body, or "".

    Only bodies with a declared length under MAX_FORM_BYTES are read here (before
    BodyLimit runs); falcon caches the parsed form, so the resource reads it again
    for free. Multipart bodies are never read here: they must use the header.
    """
    length = req.content_length
    if not (req.content_type or "").startswith(FORM_TYPE) or length is None:
        return ""
    if length > MAX_FORM_BYTES:
        return ""
    try:
        form = req.get_media()
    except (falcon.MediaMalformedError, falcon.MediaNotFoundError):
        return ""
    value = form.get(CSRF_FIELD) if isinstance(form, dict) else None
    return value if isinstance(value, str) else ""


class RequestContext:
    """Give each request an id (kept from X-Request-ID when sane) and a language."""

    def __init__(self, public_url=None):
        self.public_host = urlsplit(public_url).netloc if public_url else None

    def process_request(self, req, resp):
        req.context.public_host = self.public_host
        incoming = req.get_header("X-Request-ID") or ""
        req.context.request_id = (
            incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        request_id_var.set(req.context.request_id)
        lang = req.get_param("lang") or req.cookies.get("lang")
        if not lang and req.path.startswith("/api/"):
            # API clients choose with Accept-Language; the web pages are Vietnamese
            # until the visitor switches (most browsers here send en-US anyway).
            lang = req.get_header("Accept-Language")
        req.context.lang = language(lang)
        req.context.caller = dict(ANONYMOUS)
        req.context.token = None
        req.context.csrf_failed = False

    def process_response(self, req, resp, resource, req_succeeded):
        resp.set_header("X-Request-ID", getattr(req.context, "request_id", ""))
        resp.set_header("Content-Language", getattr(req.context, "lang", "vi"))


class SecurityHeaders:
    """Send the headers that keep browsers from being turned against our users.

    No page may be framed, except a resource marked `frameable = True` (the file
    views): the portal's own pages may frame it (the workspace's PDF view, the print
    view), no other site may.
    """

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; frame-src 'self'; object-src 'self'; "
        "frame-ancestors {ancestors}; base-uri 'self'; form-action 'self'"
    )
    HEADERS = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Content-Security-Policy": CSP.format(ancestors="'none'"),
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    FRAMEABLE = {
        **HEADERS,
        "X-Frame-Options": "SAMEORIGIN",
        "Content-Security-Policy": CSP.format(ancestors="'self'"),
    }

    def process_response(self, req, resp, resource, req_succeeded):
        frameable = getattr(resource, "frameable", False)
        for name, value in (self.FRAMEABLE if frameable else self.HEADERS).items():
            if resp.get_header(name) is None:
                resp.set_header(name, value)


class BodyLimit:
    """Refuse bodies over the limit (413) before reading them.

    A resource may raise its own limit with a `max_body` attribute (file uploads).
    """

    def __init__(self, max_body):
        self.max_body = max_body

    def process_resource(self, req, resp, resource, params):
        limit = getattr(resource, "max_body", self.max_body)
        if req.content_length is not None and req.content_length > limit:
            raise CodedHTTPError(
                falcon.HTTP_413, "PAYLOAD_TOO_LARGE", "Request body too large"
            )
        # A chunked body has no length to check up front; only resources that count
        # while they stream (those declaring `max_body`) may take one.
        chunked = "chunked" in (req.get_header("Transfer-Encoding") or "").lower()
        if chunked and req.content_length is None and not hasattr(resource, "max_body"):
            raise CodedHTTPError(
                falcon.HTTP_411, "LENGTH_REQUIRED", "Content-Length required"
            )


def resolve_caller(req, token):
    """Set the request's caller from `token` (gateway/sessions.py decides how)."""
    caller = req.context.sessions.caller(token, req.context.request_id)
    if caller:
        caller["request_id"] = req.context.request_id
        req.context.caller = caller


class Authentication:
    """Resolve the bearer token or session cookie to a caller (gateway/sessions.py:
    a signed token locally, any other through accounts)."""

    def __init__(self, sessions):
        self.sessions = sessions

    def process_request(self, req, resp):
        req.context.sessions = self.sessions
        token = None
        header = req.get_header("Authorization") or ""
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
            req.context.auth_kind = "bearer"
        elif req.cookies.get(SESSION_COOKIE):
            token = req.cookies[SESSION_COOKIE]
            req.context.auth_kind = "cookie"
        if not token or req.path in UNAUTHENTICATED_PATHS:
            return
        if req.context.auth_kind == "cookie" and not csrf_ok(req, token):
            # "Null session": a cookie without its CSRF token never authenticates an
            # unsafe request; it runs as anonymous (resources that need a user answer
            # 403 CSRF_TOKEN_INVALID). Bearer requests are exempt: browsers never
            # add that header by themselves.
            req.context.csrf_failed = True
            return
        req.context.token = token
        resolve_caller(req, token)
