"""Account pages: register, activate, log in and out, forgotten password, reset.

Each form posts to its own page; the accounts service validates and its field
errors come back next to the fields and in the summary at the top.
"""

from services.shared.caller import ANONYMOUS
from services.shared.errors import ServiceError, ValidationFailed

from ..hooks import client_ip
from ..middleware import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from .base import Page, cookie, field_errors, form_of, page, redirect, safe_next
from .render import gettext

REGISTER_FIELDS = (
    "kind",
    "full_name",
    "email",
    "phone",
    "password",
    "national_id",
    "tax_code",
    "business_name",
    "address",
    "province",
)
LABELS = {
    "kind": "register.kind",
    "full_name": "field.full_name",
    "email": "field.email",
    "phone": "field.phone",
    "password": "field.password",
    "national_id": "field.national_id",
    "tax_code": "field.tax_code",
    "business_name": "field.business_name",
    "address": "field.address",
    "province": "field.province",
    "token": "field.token",
}


def labels(lang):
    return {name: gettext(key, lang) for name, key in LABELS.items()}


class AccountPage(Page):
    def form(self, req, resp, template, values=None, errors=None, **extra):
        lang = req.context.lang
        self.render(
            req, resp, template, values=values or {}, errors=errors or {},
            labels=labels(lang), **extra,
        )  # fmt: skip

    def done(self, req, resp, title, message, link="/dang-nhap", link_key="nav.login"):
        self.render(
            req, resp, "message.html", title_key=title, message_key=message,
            link=link, link_key=link_key,
        )  # fmt: skip


class Register(AccountPage):
    def provinces(self, req):
        items = self.call(req, "accounts", "list_provinces")
        return [(p["code"], p["name"]) for p in items]

    @page()
    def on_get(self, req, resp):
        values = {"kind": "citizen", "province": self.web.province}
        self.form(req, resp, "register.html", values, provinces=self.provinces(req))

    @page()
    def on_post(self, req, resp):
        form = form_of(req)
        values = {k: (form.get(k) or "").strip() for k in REGISTER_FIELDS}
        values["password"] = form.get("password") or ""
        data = {k: v for k, v in values.items() if v}
        data["lang"] = req.context.lang
        try:
            self.call(req, "accounts", "register", data, client_ip(req))
        except ValidationFailed as exc:
            values["password"] = ""
            errors = field_errors(exc, req.context.lang)
            return self.form(
                req, resp, "register.html", values, errors,
                provinces=self.provinces(req),
            )  # fmt: skip
        self.done(req, resp, "register.title", "register.done")


class Activate(AccountPage):
    @page()
    def on_get(self, req, resp):
        """The e-mailed link: activate at once when it carries a token."""
        token = (req.get_param("token") or "").strip()
        if not token:
            return self.form(req, resp, "activate.html")
        self._activate(req, resp, token)

    @page()
    def on_post(self, req, resp):
        self._activate(req, resp, (form_of(req).get("token") or "").strip())

    def _activate(self, req, resp, token):
        try:
            self.call(req, "accounts", "activate", token)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = {"token": field_errors(exc, req.context.lang).popitem()[1]}
            return self.form(req, resp, "activate.html", {"token": token}, errors)
        self.done(req, resp, "activate.title", "activate.done")


def start_session(req, resp, session):
    """Set the HttpOnly session cookie and its CSRF companion, as the API does."""
    for name, value, http_only in (
        (SESSION_COOKIE, session["token"], True),
        (CSRF_COOKIE, csrf_token_for(session["token"]), False),
    ):
        cookie(resp, name, value, session["expires_in"], http_only, req)


def landing(user):
    if (user or {}).get("kind") in ("staff", "operator"):
        return "/can-bo"
    return "/ho-so"


class Login(AccountPage):
    @page()
    def on_get(self, req, resp):
        nxt = safe_next(req.get_param("next")) or ""
        self.form(req, resp, "login.html", {"next": nxt})

    @page()
    def on_post(self, req, resp):
        form = form_of(req)
        email = (form.get("email") or "").strip()
        values = {"email": email, "next": safe_next(form.get("next")) or ""}
        try:
            session = self.web.rpc.call(
                "accounts", "login", dict(ANONYMOUS), email, form.get("password"),
                client_ip(req), "web", request_id=req.context.request_id,
            )  # fmt: skip
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = field_errors(exc, req.context.lang)
            if "_" in errors or "email" not in errors and "password" not in errors:
                errors = {"email": " ".join(errors.values())}
            return self.form(req, resp, "login.html", values, errors)
        start_session(req, resp, session)
        redirect(resp, values["next"] or landing(session.get("user")))


class Logout(Page):
    @page()
    def on_post(self, req, resp):
        if req.context.token:
            self.call(req, "accounts", "logout", req.context.token)
            req.context.sessions.forget(req.context.token)
        for name in (SESSION_COOKIE, CSRF_COOKIE):
            resp.unset_cookie(name, path="/")
        redirect(resp, "/?da_dang_xuat=1")


class Forgot(AccountPage):
    @page()
    def on_get(self, req, resp):
        self.form(req, resp, "forgot.html")

    @page()
    def on_post(self, req, resp):
        email = (form_of(req).get("email") or "").strip()
        try:
            self.call(req, "accounts", "request_password_reset", email)
        except ValidationFailed as exc:
            errors = field_errors(exc, req.context.lang)
            return self.form(req, resp, "forgot.html", {"email": email}, errors)
        self.done(req, resp, "forgot.title", "forgot.done")


class Reset(AccountPage):
    @page()
    def on_get(self, req, resp):
        token = (req.get_param("token") or "").strip()
        self.form(req, resp, "reset.html", {"token": token})

    @page()
    def on_post(self, req, resp):
        form = form_of(req)
        token = (form.get("token") or "").strip()
        try:
            self.call(req, "accounts", "reset_password", token, form.get("password"))
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = field_errors(exc, req.context.lang)
            if "new_password" in errors:
                errors["password"] = errors.pop("new_password")
            return self.form(req, resp, "reset.html", {"token": token}, errors)
        self.done(req, resp, "reset.title", "reset.done")
