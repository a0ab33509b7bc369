"""Accounts, sessions, OAuth tokens and administration (API.md "Accounts")."""

import falcon

from services.accounts import exceptions  # noqa: F401 - remote errors as local types
from services.accounts.messages import VI
from services.shared.caller import is_authenticated
from services.shared.errors import Forbidden, Unauthenticated, ValidationFailed
from services.shared.schemas import MAX_PAGE, MAX_PAGE_SIZE

from ..errors import CodedHTTPError
from ..hooks import client_ip, json_only, not_cross_site
from ..i18n import register
from ..middleware import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from .common import call, json_object, only, page_param
from .oauth import OAuthToken

register(VI)


def signed_in(req):
    """Raise 401 (403 when a cookie came without its CSRF token) unless signed in."""
    if getattr(req.context, "csrf_failed", False):
        raise CodedHTTPError(
            falcon.HTTP_403, "CSRF_TOKEN_INVALID", "CSRF token missing or invalid"
        )
    if not is_authenticated(req.context.caller):
        raise Unauthenticated("Authentication required")
    return req.context.caller


def own_account(req):
    """The signed-in person; an API client has no account of its own (403)."""
    caller = signed_in(req)
    if caller.get("kind") == "client":
        raise Forbidden("Not permitted", {"action": ["profile"]})
    return caller


def paged(req, items):
    """Answer a list as {items, total}, cut to ?page=&page_size=."""
    page = page_param(req, "page", 1, MAX_PAGE)
    size = page_param(req, "page_size", 100, MAX_PAGE_SIZE)
    return {"items": items[(page - 1) * size : page * size], "total": len(items)}


class Action:
    """POST a JSON body's fields to one RPC (public account flows)."""

    def __init__(self, rpc, method, fields, status=falcon.HTTP_200):
        self.rpc, self.method, self.fields, self.status = rpc, method, fields, status

    def on_post(self, req, resp):
        body = only(json_object(req), self.fields)
        args = [body.get(name) for name in self.fields]
        resp.media = call(self.rpc, req, "accounts", self.method, *args)
        resp.status = self.status


class Register:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp):
        """Register a citizen or business (201, pending activation)."""
        body = json_object(req)
        resp.media = call(self.rpc, req, "accounts", "register", body, client_ip(req))
        resp.status = falcon.HTTP_201


class Me:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        caller = own_account(req)
        resp.media = call(self.rpc, req, "accounts", "get_user", caller["user_id"])

    def on_patch(self, req, resp):
        own_account(req)
        resp.media = call(self.rpc, req, "accounts", "update_profile", json_object(req))


class Sessions:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp):
        """Log in: a bearer token in the body plus the web session cookies.

        JSON only and never from another site: the web pages sign in through their
        own form (with its form token), the API's clients send JSON.
        """
        not_cross_site(req)
        json_only(req)
        body = only(json_object(req), ("email", "password", "kind"))
        kind = body.get("kind") or "web"
        session = call(
            self.rpc,
            req,
            "accounts",
            "login",
            body.get("email"),
            body.get("password"),
            client_ip(req),
            kind,
        )
        secure = req.forwarded_scheme == "https"
        for name, value, http_only in (
            (SESSION_COOKIE, session["token"], True),
            (CSRF_COOKIE, csrf_token_for(session["token"]), False),
        ):
            resp.set_cookie(
                name,
                value,
                max_age=session["expires_in"],
                path="/",
                secure=secure,
                http_only=http_only,
                same_site="Lax",
            )
        session["csrf_token"] = csrf_token_for(session["token"])
        resp.media = session
        resp.status = falcon.HTTP_201


class CurrentSession:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        resp.media = signed_in(req)

    def on_delete(self, req, resp):
        """Log out: revoke the token and clear the cookies."""
        signed_in(req)
        call(self.rpc, req, "accounts", "logout", req.context.token)
        for name in (SESSION_COOKIE, CSRF_COOKIE):
            resp.unset_cookie(name, path="/")
        resp.status = falcon.HTTP_204


class Collection:
    """POST creates through `create`; GET lists through `list_` with query filters."""

    def __init__(self, rpc, create, list_, filters=(), public=False):
        self.rpc, self.create, self.list_ = rpc, create, list_
        self.filters, self.public = filters, public

    def on_post(self, req, resp):
        signed_in(req)
        resp.media = call(self.rpc, req, "accounts", self.create, json_object(req))
        resp.status = falcon.HTTP_201

    def on_get(self, req, resp):
        if not self.public:
            signed_in(req)
        kwargs = {name: req.get_param(name) for name in self.filters}
        items = call(self.rpc, req, "accounts", self.list_, **kwargs)
        resp.media = paged(req, items)


class Item:
    def __init__(self, rpc, method):
        self.rpc, self.method = rpc, method

    def on_get(self, req, resp, code):
        resp.media = call(self.rpc, req, "accounts", self.method, code)


class Deactivate:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp, user_id):
        signed_in(req)
        resp.media = call(self.rpc, req, "accounts", "deactivate_user", user_id)


AUDIT_LOGS = ("accounts", "dossiers", "files")


class Audit:
    """GET lists one service's audit chain (`log`, default accounts) in scope."""

    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        signed_in(req)
        log = req.get_param("log", default="accounts")
        if log not in AUDIT_LOGS:
            raise ValidationFailed("Invalid input", {"log": list(AUDIT_LOGS)})
        resp.media = call(
            self.rpc,
            req,
            log,
            "list_audit",
            page_param(req, "page", 1, MAX_PAGE),
            page_param(req, "page_size", 50, MAX_PAGE_SIZE),
        )


def routes(rpc):
    base = "/api/v1"
    return [
        (f"{base}/accounts", Register(rpc)),
        (f"{base}/accounts/activate", Action(rpc, "activate", ("token",))),
        (
            f"{base}/accounts/resend-activation",
            Action(rpc, "resend_activation", ("email",), falcon.HTTP_202),
        ),
        (
            f"{base}/accounts/password-reset",
            Action(rpc, "request_password_reset", ("email",), falcon.HTTP_202),
        ),
        (
            f"{base}/accounts/password-reset/confirm",
            Action(rpc, "reset_password", ("token", "password")),
        ),
        (f"{base}/accounts/me", Me(rpc)),
        (f"{base}/sessions", Sessions(rpc)),
        (f"{base}/sessions/current", CurrentSession(rpc)),
        (f"{base}/oauth/token", OAuthToken(rpc)),
        (
            f"{base}/provinces",
            Collection(rpc, "create_province", "list_provinces", public=True),
        ),
        (f"{base}/provinces/{{code}}", Item(rpc, "get_province")),
        (
            f"{base}/agencies",
            Collection(
                rpc, "create_agency", "list_agencies", ("province",), public=True
            ),
        ),
        (f"{base}/agencies/{{code}}", Item(rpc, "get_agency")),
        (
            f"{base}/departments",
            Collection(
                rpc, "create_department", "list_departments", ("agency",), public=True
            ),
        ),
        (
            f"{base}/staff",
            Collection(
                rpc, "create_staff", "list_staff", ("agency", "department", "role")
            ),
        ),
        (f"{base}/staff/{{user_id}}/deactivate", Deactivate(rpc)),
        (
            f"{base}/api-clients",
            Collection(rpc, "create_api_client", "list_api_clients"),
        ),
        (f"{base}/audit", Audit(rpc)),
    ]
