"""What every page shares: the form token, errors as pages, redirects, RPC calls,
and the one way a form page works (`FormPage`).

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


def procedure_once(page, req, code, *args):
    """The procedure `code` (as `get_procedure` answers it for `args`), read once
    per request however many of the page's steps need it."""
    memo = req.context.setdefault("procedures", {})
    key = (code, *args)
    if key not in memo:
        memo[key] = page.call(req, "dossiers", "get_procedure", code, *args)
    return memo[key]


class FormPage(Page):
    """One form on one page: GET shows it, POST sends it to the service and goes on
    to the page `send` names, or shows the form again with the service's field
    errors next to the fields (and in the summary), keeping what was typed except
    `secret` fields.

    A page says only what differs: its `template`, the values of a blank form
    (`initial`), what it reads from the post (`read`), the one call it makes
    (`send`), and its view model (`view`: everything the template shows besides
    `values` and `errors`, gathered in that one function for both GET and a refused
    POST; it may reshape `values`). Which refusals are shown at the fields is
    `refuses` (422 by default); any other error is a page of its own (`page`).
    """

    template = ""
    login = True
    secret = ()

    def initial(self, req, **params):
        return {}

    def read(self, req, form, **params):
        return form

    def send(self, req, resp, values, **params):
        """Make the call; return where to go next (None: `send` answered itself)."""
        raise NotImplementedError

    def view(self, req, values, errors, **params):
        """The view model: what the template shows besides `values` and `errors`."""
        return {}

    def refuses(self, exc):
        return exc.status == 422

    def errors_of(self, req, exc):
        return field_errors(exc, req.context.lang)

    @page()
    def on_get(self, req, resp, **params):
        self._signed_in(req)
        self.show(req, resp, self.initial(req, **params), {}, **params)

    @page()
    def on_post(self, req, resp, **params):
        self._signed_in(req)
        values = self.read(req, form_of(req), **params)
        try:
            target = self.send(req, resp, values, **params)
        except ServiceError as exc:
            if not self.refuses(exc):
                raise
            kept = {k: v for k, v in values.items() if k not in self.secret}
            errors = self.errors_of(req, exc)
            # a refused sign-in (401) is a form error: a 401 would need a challenge
            status = 422 if exc.status == 401 else exc.status
            return self.show(req, resp, kept, errors, status=status, **params)
        if target:
            redirect(resp, target)

    def show(self, req, resp, values, errors, status=None, **params):
        """The page with `values` in the inputs and `errors` at the fields; its
        status is the refusal's (422 unless said)."""
        context = {"values": values, "errors": errors}
        context.update(self.view(req, values, errors, **params))  # may reshape values
        status = status or (422 if errors else 200)
        self.render(req, resp, self.template, http_status=status, **context)

    def _signed_in(self, req):
        if self.login and not is_authenticated(req.context.caller):
            raise Unauthenticated("Authentication required")
