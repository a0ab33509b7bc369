"""Accounts, sessions, OAuth tokens and administration (API.md "Accounts")."""

import falcon
from marshmallow import fields, validate

from services.contracts.accounts import (
    CODE,
    PROVINCE,
    AgencySchema,
    ApiClientSchema,
    DepartmentSchema,
    EmailSchema,
    PageSchema,
    ProfileSchema,
    ProvinceSchema,
    RegisterSchema,
    ResetSchema,
    StaffSchema,
    SuccessionSchema,
)
from services.contracts.resources import accounts as res
from services.contracts.resources.common import StatusAnswer
from services.shared.caller import is_authenticated
from services.shared.errors import (
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from services.shared.schemas import MAX_PAGE, MAX_PAGE_SIZE

from ..apidoc import PUBLIC, Input, op
from ..errors import CodedHTTPError
from ..hooks import client_ip, json_only, not_cross_site
from ..middleware import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from .common import call, json_object, only, page_param
from .oauth import OAuthToken, OAuthTokenInput


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
    # Its answer is a session token: never kept for Idempotency-Key replays.
    replays_answers = False

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
        req.context.sessions.forget(req.context.token)
        for name in (SESSION_COOKIE, CSRF_COOKIE):
            resp.unset_cookie(name, path="/")
        resp.status = falcon.HTTP_204


class Collection:
    """POST creates through `create`; GET lists through `list_` with query filters."""

    def __init__(
        self, rpc, create, list_, filters=(), public=False, replays_answers=True
    ):
        self.rpc, self.create, self.list_ = rpc, create, list_
        self.filters, self.public = filters, public
        self.replays_answers = replays_answers

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


class SuccessionReport:
    """GET one succession: what accounts moved (staff, departments, clients) and
    what dossiers moved (open dossiers, procedure lists; `moves` null until the
    dossiers service has carried the event out)."""

    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, succession_id):
        signed_in(req)
        found = call(self.rpc, req, "accounts", "get_succession", succession_id)
        try:
            moves = call(self.rpc, req, "dossiers", "succession_report", succession_id)
        except NotFound:
            moves = None
        resp.media = dict(found, moves=moves)


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
            f"{base}/successions",
            Collection(rpc, "succeed_agencies", "list_successions"),
        ),
        (f"{base}/successions/{{succession_id}}", SuccessionReport(rpc)),
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
            # A new client's answer carries its secret: never kept for replays.
            Collection(
                rpc, "create_api_client", "list_api_clients", replays_answers=False
            ),
        ),
        (f"{base}/audit", Audit(rpc)),
    ]


class TokenInput(Input):
    token = fields.String(
        required=True, metadata={"description": "From the e-mailed link."}
    )


class LoginInput(Input):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(
        validate=validate.OneOf(("web", "api")),
        metadata={"description": "api: a session for a script (default web)."},
    )


def list_query(name, **filters):
    """A list's query: its filters and the page (both bounded, else 422)."""
    return PageSchema.from_dict(
        {
            key: fields.String(metadata={"description": text})
            for key, text in filters.items()
        },
        name=name,
    )


class AuditQuery(PageSchema):
    log = fields.String(load_default="accounts", validate=validate.OneOf(AUDIT_LOGS))


PAGE = list_query("PageQuery")
ACTS = (409,)
OPERATIONS = {
    "POST /api/v1/accounts": op(
        "Register a citizen or business (pending until activated by e-mail).",
        body=RegisterSchema,
        ok=res.AccountState,
        status=201,
        auth=PUBLIC,
        errors=(409, 429),
        description="409 EMAIL_TAKEN; 429 when one address registers too often.",
    ),
    "POST /api/v1/accounts/activate": op(
        "Activate an account with the e-mailed single-use token.",
        body=TokenInput,
        ok=res.AccountState,
        auth=PUBLIC,
        errors=(400, 410, 429),
        description="400 TOKEN_INVALID (unknown, forged or used); 410 TOKEN_EXPIRED.",
    ),
    "POST /api/v1/accounts/resend-activation": op(
        "Send a new activation e-mail (same answer whether the account exists).",
        body=EmailSchema,
        ok=StatusAnswer,
        status=202,
        auth=PUBLIC,
    ),
    "POST /api/v1/accounts/password-reset": op(
        "E-mail a password-reset link (same answer whether the account exists).",
        body=EmailSchema,
        ok=StatusAnswer,
        status=202,
        auth=PUBLIC,
    ),
    "POST /api/v1/accounts/password-reset/confirm": op(
        "Set a new password with the e-mailed token; every session of the user ends.",
        body=ResetSchema,
        ok=res.AccountState,
        auth=PUBLIC,
        errors=(400, 410, 429),
    ),
    "GET /api/v1/accounts/me": op("The signed-in user's profile.", ok=res.User),
    "PATCH /api/v1/accounts/me": op(
        "Change the profile (full_name, phone, address, lang, business_name).",
        body=ProfileSchema,
        description="business_name is for business accounts only (422 otherwise).",
        ok=res.User,
    ),
    "POST /api/v1/sessions": op(
        "Log in with e-mail and password.",
        body=LoginInput,
        ok=res.Session,
        status=201,
        auth=PUBLIC,
        errors=(401, 403, 429),
        acts=False,
        example="Session",
        description="JSON only (415 otherwise). Sets the HttpOnly portal_session "
        "and the portal_csrf cookies too. 401 INVALID_CREDENTIALS (also for an "
        "unknown e-mail); 403 ACCOUNT_NOT_ACTIVATED, or CSRF_TOKEN_INVALID when "
        "another site's page sends it; 429 TOO_MANY_ATTEMPTS with Retry-After.",
    ),
    "GET /api/v1/sessions/current": op(
        "The caller the gateway resolved (user or API client).", ok=res.Identity
    ),
    "DELETE /api/v1/sessions/current": op(
        "Log out: revoke the token and clear the cookies.",
        status=204,
        ok_description="Logged out.",
    ),
    "POST /api/v1/oauth/token": op(
        "OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for agency systems.",
        body=OAuthTokenInput,
        urlencoded=True,
        ok=res.OAuthToken,
        auth=PUBLIC,
        errors=(400, 401, 403, 429),
        acts=False,
        description="Form-encoded (or JSON) body; the client may instead send "
        "its id and secret with HTTP Basic. 400 UNSUPPORTED_GRANT_TYPE, "
        "INVALID_SCOPE or INVALID_TOKEN_REQUEST; 401 INVALID_CLIENT; "
        "429 TOO_MANY_ATTEMPTS.",
    ),
    "GET /api/v1/provinces": op(
        "The provinces (34 seeded, codes of Quyết định 19/2025/QĐ-TTg).",
        query=PAGE,
        ok=res.ProvincePage,
        auth=PUBLIC,
    ),
    "POST /api/v1/provinces": op(
        "Add a province (national operator).",
        body=ProvinceSchema,
        ok=res.Province,
        status=201,
        errors=ACTS,
    ),
    "GET /api/v1/provinces/{code}": op(
        "One province.",
        ok=res.Province,
        auth=PUBLIC,
        path=(("code", {"pattern": PROVINCE.regex.pattern}),),
    ),
    "GET /api/v1/agencies": op(
        "Agencies in force.",
        query=list_query("AgencyListQuery", province="Province code."),
        ok=res.AgencyPage,
        auth=PUBLIC,
    ),
    "POST /api/v1/agencies": op(
        "Create an agency (operator; a province admin in their province).",
        body=AgencySchema,
        ok=res.Agency,
        status=201,
        errors=(404, 409),
        example="Agency",
        description="404 when the province is outside the caller's scope.",
    ),
    "GET /api/v1/agencies/{code}": op(
        "One agency with its departments.",
        ok=res.Agency,
        auth=PUBLIC,
        path=(("code", {"pattern": CODE.regex.pattern}),),
    ),
    "GET /api/v1/successions": op(
        "Agency successions (replacements and mergers) in the caller's scope.",
        ok=res.SuccessionPage,
    ),
    "POST /api/v1/successions": op(
        "Replace agencies by a successor from a date (province admin, operator).",
        body=SuccessionSchema,
        ok=res.Succession,
        status=201,
        errors=(404,),
        description="Closes the predecessors the day before `effective_date`; "
        "from that date their staff, departments and API clients move to the "
        "successor, and the dossiers service moves their open dossiers and "
        "procedure lists (`agency_succeeded`). 404 when an agency is outside "
        "the caller's scope; 422 for an unknown or already replaced agency.",
    ),
    "GET /api/v1/successions/{succession_id}": op(
        "One succession and everything it moved (the report).",
        ok=res.SuccessionReport,
    ),
    "GET /api/v1/departments": op(
        "Departments.",
        query=list_query("DepartmentListQuery", agency="Agency code."),
        ok=res.DepartmentPage,
        auth=PUBLIC,
    ),
    "POST /api/v1/departments": op(
        "Create a department (its agency's admin, a province admin, the operator).",
        body=DepartmentSchema,
        ok=res.Department,
        status=201,
        errors=(404, 409),
    ),
    "GET /api/v1/staff": op(
        "Staff visible to the caller.",
        query=list_query(
            "StaffListQuery",
            agency="Agency code.",
            department="Department code.",
            role="desk, officer, leader, admin…",
        ),
        ok=res.StaffPage,
    ),
    "POST /api/v1/staff": op(
        "Create an active staff member (a role no wider than the caller's own).",
        body=StaffSchema,
        ok=res.Staff,
        status=201,
        errors=(404, 409),
        description="409 EMAIL_TAKEN; 404 when the agency is outside the scope.",
    ),
    "POST /api/v1/staff/{user_id}/deactivate": op(
        "Deactivate a user: their sessions stop at once, their history stays.",
        ok=res.Staff,
    ),
    "GET /api/v1/api-clients": op(
        "API clients (national operator); secrets are never listed.",
        query=PAGE,
        ok=res.ApiClientPage,
    ),
    "POST /api/v1/api-clients": op(
        "Create an API client; the answer carries client_secret, shown only once.",
        body=ApiClientSchema,
        ok=res.ApiClientCreated,
        status=201,
        errors=(404,),
    ),
    "GET /api/v1/audit": op(
        "One service's hash-chained audit log in the caller's scope.",
        query=AuditQuery,
        ok=res.AuditPage,
    ),
}


def _when(field, values, required):
    """JSON Schema: when `field` is one of `values`, `required` must be sent."""
    return {
        "if": {"properties": {field: {"enum": list(values)}}, "required": [field]},
        "then": {"required": list(required)},
    }


# What RegisterSchema and StaffSchema check across fields, for the document.
SCHEMA_RULES = {
    "RegisterInput": {
        "allOf": [
            _when("kind", ["citizen"], ["national_id"]),
            _when("kind", ["business"], ["tax_code", "business_name", "address"]),
        ]
    },
    "StaffInput": {
        "allOf": [
            _when("role", ["desk", "officer", "leader", "admin"], ["agency"]),
            _when("role", ["officer", "leader"], ["department"]),
        ]
    },
}
