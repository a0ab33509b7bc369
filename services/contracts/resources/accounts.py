"""Accounts, sessions, tokens, the tenancy (provinces, agencies, departments), audit."""

from marshmallow import fields, validate

from .common import Nullable, Resource, Sent, page_of
from .dossiers import SuccessionMoves

KINDS = ("citizen", "business", "staff", "operator", "client")
Code = fields.String
Date = fields.Date


class AccountState(Resource):
    """A registration or activation: the account and where it stands."""

    id = Sent(fields.UUID)
    status = Sent(
        fields.String,
        validate=validate.OneOf(["pending_activation", "active", "deactivated"]),
    )


class Identity(Resource):
    """The caller the gateway resolved from the token (user or API client)."""

    user_id = Sent(fields.String, metadata={"description": "A user's UUID or cl_…"})
    kind = Sent(fields.String, validate=validate.OneOf(KINDS))
    roles = Sent(fields.List, fields.String())
    province = Nullable(Code)
    agency = Nullable(Code)
    department = Nullable(Code)
    scopes = Sent(fields.List, fields.String())
    full_name = Nullable(fields.String)
    email = Nullable(fields.String)
    request_id = fields.String()


class SessionUser(Resource):
    id = Sent(fields.UUID)
    user_id = Sent(fields.UUID)
    kind = Sent(fields.String, validate=validate.OneOf(KINDS))
    roles = Sent(fields.List, fields.String())
    province = Nullable(Code)
    agency = Nullable(Code)
    department = Nullable(Code)
    full_name = Sent(fields.String)
    email = Sent(fields.String)


class IssuedSession(Resource):
    """What accounts' `login` answers; the gateway adds the form token."""

    token = Sent(fields.String)
    expires_at = Sent(fields.DateTime)
    expires_in = Sent(fields.Integer, metadata={"description": "Seconds."})
    user = Sent(fields.Nested, SessionUser)


class Session(IssuedSession):
    """A signed-in session: the bearer token (also set as an HttpOnly cookie)."""

    csrf_token = Sent(
        fields.String,
        metadata={"description": "Send as X-CSRF-Token with the cookie."},
    )


class OAuthToken(Resource):
    """RFC 6749 §5.1 access token answer."""

    access_token = Sent(fields.String)
    token_type = Sent(fields.String, validate=validate.OneOf(["Bearer"]))
    expires_in = Sent(fields.Integer)
    scope = Sent(fields.String, metadata={"description": "Space-separated scopes."})


class User(Resource):
    """A user's profile (their own, or staff seen by an admin)."""

    id = Sent(fields.UUID)
    kind = Sent(fields.String, validate=validate.OneOf(KINDS))
    email = Sent(fields.String)
    full_name = Sent(fields.String)
    role = Nullable(fields.String)
    roles = Sent(fields.List, fields.String())
    province = Nullable(Code)
    agency = Nullable(Code)
    department = Nullable(Code)
    status = Sent(fields.String)
    lang = Nullable(fields.String)
    business_name = Nullable(fields.String)
    phone = fields.String(allow_none=True)
    national_id = fields.String(allow_none=True)
    tax_code = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    created_at = fields.DateTime(allow_none=True)


class Staff(Resource):
    id = Sent(fields.UUID)
    email = Sent(fields.String)
    full_name = Sent(fields.String)
    role = Nullable(fields.String)
    agency = Nullable(Code)
    department = Nullable(Code)
    province = Nullable(Code)
    status = Sent(fields.String)


class Province(Resource):
    code = Sent(Code, metadata={"description": "Official two-digit code."})
    name = Sent(fields.String)
    name_en = Nullable(fields.String)
    kind = Sent(fields.String, validate=validate.OneOf(["province", "city"]))
    valid_from = Nullable(Date)
    valid_to = Nullable(Date)


class Department(Resource):
    code = Sent(Code)
    name = Sent(fields.String)
    agency = Sent(Code)


class Agency(Resource):
    code = Sent(Code, metadata={"description": "Electronic identifier (receipts)."})
    name = Sent(fields.String)
    province = Sent(Code)
    valid_from = Nullable(Date)
    valid_to = Nullable(Date)
    replaced_by = Nullable(Code)
    departments = fields.List(
        fields.Nested(Department), metadata={"description": "One agency only."}
    )


class MovedStaff(Resource):
    id = Sent(fields.UUID)
    email = Sent(fields.String)
    full_name = Sent(fields.String)
    role = Nullable(fields.String)
    from_agency = Sent(Code)
    department = Nullable(Code)


class MovedDepartment(Resource):
    agency = Sent(Code, metadata={"description": "The predecessor it came from."})
    code = Sent(Code)
    name = Sent(fields.String)


class Succession(Resource):
    """Agencies replaced by one successor on a date, and what accounts moved."""

    id = Sent(fields.UUID)
    successor = Sent(Code)
    successor_province = Sent(Code)
    predecessors = Sent(fields.List, Code())
    effective_date = Sent(Date)
    created_at = Sent(fields.DateTime)
    applied_at = Nullable(
        fields.DateTime,
        metadata={"description": "When staff moved (null: the date is to come)."},
    )
    staff_moved = Sent(fields.List, fields.Nested(MovedStaff))
    departments_added = Sent(fields.List, fields.Nested(MovedDepartment))
    clients_moved = Sent(fields.List, fields.String())


class SuccessionReport(Succession):
    moves = Nullable(
        fields.Nested,
        SuccessionMoves,
        metadata={"description": "Null until the dossiers service carried it out."},
    )


class ApiClient(Resource):
    client_id = Sent(fields.String)
    name = Sent(fields.String)
    scopes = Sent(fields.List, fields.String())
    province = Nullable(Code)
    agency = Nullable(Code)
    active = Sent(fields.Boolean)
    created_at = Nullable(fields.DateTime)


class ApiClientCreated(ApiClient):
    """The new client with its secret, shown this once (stored hashed)."""

    client_secret = Sent(fields.String)


class AuditEntry(Resource):
    id = Sent(fields.Integer)
    at = Sent(fields.DateTime)
    actor = Nullable(fields.String, metadata={"description": "User id or system."})
    actor_email = Nullable(fields.String)
    action = Sent(fields.String)
    target = Nullable(fields.String)
    ip = Nullable(fields.String)
    province = Nullable(Code)
    agency = Nullable(Code)
    details = Sent(fields.Dict)
    prev_hash = Nullable(fields.String)
    hash = Sent(fields.String)


ProvincePage = page_of(Province, "ProvincePage")
AgencyPage = page_of(Agency, "AgencyPage")
SuccessionPage = page_of(Succession, "SuccessionPage")
DepartmentPage = page_of(Department, "DepartmentPage")
StaffPage = page_of(Staff, "StaffPage")
ApiClientPage = page_of(ApiClient, "ApiClientPage")
AuditPage = page_of(AuditEntry, "AuditPage")

EXAMPLES = {
    "Session": {
        "token": "GSau4z9u2-Ygnm_AjtkBqpjUNR6OEIXfRCCrPNm5",
        "expires_at": "2026-12-01T23:32:56+07:00",
        "expires_in": 43200,
        "user": {
            "id": "c6e8d816-1417-406b-8552-8955e769ff34",
            "user_id": "c6e8d816-1417-406b-8552-8955e769ff34",
            "kind": "citizen",
            "roles": ["citizen"],
            "province": "01",
            "agency": None,
            "department": None,
            "full_name": "Nguyễn Thị Hằng",
            "email": "hang.nguyen@example.vn",
        },
        "csrf_token": "d12f094f0da50a96c3df33fc92a61b7d43bee19a",
    },
    "Agency": {
        "code": "000.00.01.H26",
        "name": "UBND phường Láng",
        "province": "01",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "replaced_by": None,
    },
}
