"""Account pages: register, activate, log in and out, forgotten password, reset.

Each form posts to its own page; the accounts service validates and its field
errors come back next to the fields and in the summary at the top.
"""

from services.shared.caller import ANONYMOUS
from services.shared.errors import ServiceError, ValidationFailed

from ..hooks import client_ip
from ..middleware import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from .base import (
    FormPage,
    Page,
    cookie,
    field_errors,
    form_of,
    page,
    redirect,
    safe_next,
)
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


class AccountPage(FormPage):
    """An account form, open to anyone; its labels are the account fields'."""

    login = False

    def view(self, req, values, errors, **params):
        return {"labels": labels(req.context.lang)}

    def refuses(self, exc):
        return exc.status < 500

    def form(self, req, resp, template, values=None, errors=None):
        self.render(
            req, resp, template, values=values or {}, errors=errors or {},
            labels=labels(req.context.lang),
        )  # fmt: skip

    def done(self, req, resp, title, message, link="/dang-nhap", link_key="nav.login"):
        self.render(
            req, resp, "message.html", title_key=title, message_key=message,
            link=link, link_key=link_key,
        )  # fmt: skip


class Register(AccountPage):
    template = "register.html"
    secret = ("password",)

    def initial(self, req):
        return {"kind": "citizen", "province": self.web.province}

    def read(self, req, form):
        values = {k: (form.get(k) or "").strip() for k in REGISTER_FIELDS}
        values["password"] = form.get("password") or ""
        return values

    def refuses(self, exc):
        return isinstance(exc, ValidationFailed)

    def send(self, req, resp, values):
        data = {k: v for k, v in values.items() if v}
        data["lang"] = req.context.lang
        self.call(req, "accounts", "register", data, client_ip(req))
        self.done(req, resp, "register.title", "register.done")

    def view(self, req, values, errors):
        items = self.call(req, "accounts", "list_provinces")
        provinces = [(p["code"], p["name"]) for p in items]
        return {"labels": labels(req.context.lang), "provinces": provinces}


class Activate(Page):
    @page()
    def on_get(self, req, resp):
        """The e-mailed link: activate at once when it carries a token."""
        token = (req.get_param("token") or "").strip()
        if not token:
            return AccountPage.form(self, req, resp, "activate.html")
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
            return AccountPage.form(
                self, req, resp, "activate.html", {"token": token}, errors
            )
        AccountPage.done(self, req, resp, "activate.title", "activate.done")


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
    template = "login.html"
    secret = ("password",)

    def initial(self, req):
        return {"next": safe_next(req.get_param("next")) or ""}

    def read(self, req, form):
        return {
            "email": (form.get("email") or "").strip(),
            "password": form.get("password"),
            "next": safe_next(form.get("next")) or "",
        }

    def send(self, req, resp, values):
        session = self.web.rpc.call(
            "accounts", "login", dict(ANONYMOUS), values["email"], values["password"],
            client_ip(req), "web", request_id=req.context.request_id,
        )  # fmt: skip
        start_session(req, resp, session)
        return values["next"] or landing(session.get("user"))

    def errors_of(self, req, exc):
        """A refused sign-in is said at the e-mail (never which part was wrong)."""
        errors = field_errors(exc, req.context.lang)
        if "_" in errors or "email" not in errors and "password" not in errors:
            errors = {"email": " ".join(errors.values())}
        return errors


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
    template = "forgot.html"

    def read(self, req, form):
        return {"email": (form.get("email") or "").strip()}

    def refuses(self, exc):
        return isinstance(exc, ValidationFailed)

    def send(self, req, resp, values):
        self.call(req, "accounts", "request_password_reset", values["email"])
        self.done(req, resp, "forgot.title", "forgot.done")


class Reset(AccountPage):
    template = "reset.html"
    secret = ("password",)

    def initial(self, req):
        return {"token": (req.get_param("token") or "").strip()}

    def read(self, req, form):
        return {
            "token": (form.get("token") or "").strip(),
            "password": form.get("password"),
        }

    def send(self, req, resp, values):
        self.call(
            req, "accounts", "reset_password", values["token"], values["password"]
        )
        self.done(req, resp, "reset.title", "reset.done")

    def errors_of(self, req, exc):
        errors = field_errors(exc, req.context.lang)
        if "new_password" in errors:
            errors["password"] = errors.pop("new_password")
        return errors
