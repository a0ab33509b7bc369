"""What every page shares: the form token, errors as pages, redirects, RPC calls.

Pages call the services by RPC exactly like the JSON resources (caller first); the
rules stay in the services. A page answers errors as HTML: not logged in → the login
page, 403/404/503 → an error page, field errors → the form again with a summary.
"""

import functools
import hmac
import logging
import secrets
from urllib.parse import quote

import falcon
from nameko.exceptions import RemoteError

from services.shared import provinces
from services.shared.caller import is_authenticated
from services.shared.errors import (
    Forbidden,
    NotFound,
    ServiceError,
    Unauthenticated,
    Unavailable,
)

from ..i18n import error_text, render_detail
from ..middleware import CSRF_FIELD, csrf_token_for
from ..resources.common import call
from ..text_guard import InvalidText, TooDeep
from .uploads import TokenRefused, check_multipart, is_multipart

log = logging.getLogger(__name__)
FORM_COOKIE = "portal_form"
LANG_COOKIE = "lang"
YEAR = 365 * 24 * 3600


class FormExpired(Exception):
    """The form's CSRF token is missing or wrong."""


PROVINCE_PARAM = "tinh"
NATIONAL = "toan-quoc"
PROVINCE_COOKIE_AGE = 365 * 24 * 3600


class Web:
    """The collaborators every page needs, built once per app."""

    def __init__(self, rpc, renderer, province):
        self.rpc, self.renderer, self.province = rpc, renderer, province

    def call(self, req, service, method, *args, **kwargs):
        return call(self.rpc, req, service, method, *args, **kwargs)

    def province_of(self, req):
        return req.context.caller.get("province") or self.province

    def chosen_province(self, req, resp=None, national=False):
        """The province a public or citizen page shows: `?tinh=` (kept in a cookie
        when `resp` is given), else the cookie, else the caller's, else the
        portal's. `NATIONAL` ("all provinces") only where `national` is offered."""
        allowed = set(provinces.in_force()) | ({NATIONAL} if national else set())
        asked = req.get_param(PROVINCE_PARAM)
        if asked in allowed:
            if resp is not None:
                cookie(resp, PROVINCE_PARAM, asked, PROVINCE_COOKIE_AGE, req=req)
            return asked
        kept = req.cookies.get(PROVINCE_PARAM)
        if kept in allowed:
            return kept
        return self.province_of(req)


def cookie(resp, name, value, max_age, http_only=True, req=None):
    resp.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=bool(req and req.forwarded_scheme == "https"),
        http_only=http_only,
        same_site="Lax",
    )


def prepare(req, resp):
    """Remember a chosen language and give the request its form token."""
    chosen = req.get_param("lang")
    if chosen in ("vi", "en"):
        cookie(resp, LANG_COOKIE, chosen, YEAR, req=req)
    if req.context.token:
        req.context.form_token = csrf_token_for(req.context.token)
        return
    token = req.cookies.get(FORM_COOKIE) or ""
    if len(token) < 32:
        token = secrets.token_urlsafe(32)
        cookie(resp, FORM_COOKIE, token, YEAR, req=req)
    req.context.form_token = token


def form_of(req):
    """The URL-encoded form as {name: str} (the last value of repeated names)."""
    try:
        media = req.get_media(default_when_empty={})
    except (falcon.MediaMalformedError, falcon.MediaNotFoundError):
        media = {}
    if not isinstance(media, dict):
        return {}
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in media.items()}


def form_list(req, name):
    """Every value of a repeated form field (checkboxes), as a list of strings."""
    try:
        media = req.get_media(default_when_empty={})
    except (falcon.MediaMalformedError, falcon.MediaNotFoundError):
        return []
    value = media.get(name) if isinstance(media, dict) else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def check_form(req, rpc=None):
    """Refuse a POST whose CSRF token does not match the session or the form cookie.

    A multipart form (an upload without the page's script) carries its token as a
    part, checked here before any file is read (`uploads.check_multipart`).
    """
    if rpc is not None and is_multipart(req):
        try:
            return check_multipart(rpc, req)
        except TokenRefused as exc:
            raise FormExpired() from exc
    if req.context.csrf_failed:
        raise FormExpired()
    if req.context.token:
        return  # the middleware checked the session-bound token already
    sent = form_of(req).get(CSRF_FIELD) or ""
    expected = req.cookies.get(FORM_COOKIE) or ""
    if not (expected and hmac.compare_digest(sent, expected)):
        raise FormExpired()


def redirect(resp, location):
    resp.status = falcon.HTTP_303
    resp.location = location
    resp.text = ""


def field_errors(exc, lang):
    """{field: message} of a ServiceError in `lang` (its first detail per field)."""
    out = {}
    for name, messages in (exc.details or {}).items():
        first = messages[0] if isinstance(messages, list) and messages else messages
        out[name] = render_detail(first, lang)
    if not out:
        out["_"] = error_text(exc, lang)
    return out


def safe_next(value):
    """A local path to go back to after logging in (never another site)."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return None


def _error_page(web, req, resp, status, key):
    web.renderer.respond(req, resp, "error.html", http_status=status, message_key=key)


def _handle(web, req, resp, exc):
    if isinstance(exc, FormExpired):
        return _error_page(web, req, resp, falcon.HTTP_403, "error.csrf")
    if isinstance(exc, Unauthenticated):
        return redirect(resp, "/dang-nhap?next=" + quote(req.relative_uri, safe=""))
    if isinstance(exc, NotFound):
        return _error_page(web, req, resp, falcon.HTTP_404, "error.not_found")
    if isinstance(exc, Forbidden):
        return _error_page(web, req, resp, falcon.HTTP_403, "error.forbidden")
    if isinstance(exc, Unavailable):
        return _error_page(web, req, resp, falcon.HTTP_503, "error.unavailable")
    if isinstance(exc, InvalidText | TooDeep):
        # Refused by the text guard while the page read its form: no field of the
        # form can show it, so the page says what happened.
        return _error_page(web, req, resp, falcon.HTTP_422, "error.invalid_text")
    raise exc


def page(login=False):
    """Decorate a responder: form token, CSRF on POST, login, errors as pages."""

    def decorate(fn):
        @functools.wraps(fn)
        def responder(self, req, resp, **params):
            prepare(req, resp)
            try:
                if req.method == "POST":
                    check_form(req, self.web.rpc)
                if login and not is_authenticated(req.context.caller):
                    raise Unauthenticated("Authentication required")
                fn(self, req, resp, **params)
            except (FormExpired, ServiceError) as exc:
                _handle(self.web, req, resp, exc)
            except RemoteError:
                log.exception("service failed while rendering %s", req.path)
                _error_page(self.web, req, resp, falcon.HTTP_500, "error.unavailable")

        return responder

    return decorate


def unread_count(web, req):
    """The header's count of unread notifications (None: anonymous, or notify
    does not answer; the page is shown all the same)."""
    if not (req.context.caller or {}).get("user_id"):
        return None
    try:
        return web.call(req, "notify", "unread_count")["unread"]
    except (ServiceError, RemoteError):
        return None


class Page:
    def __init__(self, web):
        self.web = web

    def render(self, req, resp, template, http_status=falcon.HTTP_200, **context):
        context.setdefault("unread", unread_count(self.web, req))
        self.web.renderer.respond(req, resp, template, http_status, **context)

    def call(self, req, service, method, *args, **kwargs):
        return self.web.call(req, service, method, *args, **kwargs)
