"""The accounts service's contract: its RPC methods, their arguments and results, and
the events it emits with their payloads (marshmallow, unknown fields refused)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.accounts import domain
from services.shared.errors import ValidationFailed, detail
from services.shared.permissions import CLIENT_SCOPES
from services.shared.schemas import BaseSchema

from .base import (
    Envelope,
    Health,
    Method,
    Status,
    body,
    caller,
    opt,
    table,
    text,
)
from .resources import accounts as res

LANGS = validate.OneOf(("vi", "en"))
CODE = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", error=detail("invalid_code")
)
PROVINCE = validate.Regexp(r"^\d{2}$", error=detail("invalid_province_code"))


def rule(check):
    """Turn a domain check (None or message) into a marshmallow validator."""

    def validator(value):
        message = check(value)
        if message:
            raise ValidationError(message)

    validator.check = check  # what generators of valid input look for
    return validator


def sized(maximum, required=True, **kw):
    return fields.String(required=required, validate=validate.Length(1, maximum), **kw)


class InvalidTokenRequest(ValidationFailed):
    """A token request missing its parameters: 400, as RFC 6749 §5.2 answers an
    invalid_request (a form an OAuth client sends, not a body of ours)."""

    code = "INVALID_TOKEN_REQUEST"
    status = 400


class RegisterSchema(BaseSchema):
    kind = fields.String(
        required=True, validate=validate.OneOf(("citizen", "business"))
    )
    full_name = sized(200)
    email = fields.String(required=True, validate=rule(domain.email_error))
    phone = fields.String(required=True, validate=rule(domain.phone_error))
    password = fields.String(required=True, validate=rule(domain.password_error))
    national_id = fields.String(validate=rule(domain.national_id_error))
    tax_code = fields.String(validate=rule(domain.tax_code_error))
    business_name = sized(255, required=False)
    address = sized(500, required=False)
    date_of_birth = fields.Date(validate=rule(domain.birth_date_error))
    province = fields.String(required=True, validate=PROVINCE)
    lang = fields.String(load_default="vi", validate=LANGS)

    @validates_schema
    def fields_of_kind(self, data, **kwargs):
        needed = {
            "citizen": ("national_id",),
            "business": ("tax_code", "business_name", "address"),
        }.get(data.get("kind"), ())
        missing = {n: ["required"] for n in needed}
        missing = {n: m for n, m in missing.items() if not data.get(n)}
        if missing:
            raise ValidationError(missing)


class ProfileSchema(BaseSchema):
    full_name = sized(200, required=False)
    phone = fields.String(validate=rule(domain.phone_error))
    address = sized(500, required=False)
    date_of_birth = fields.Date(allow_none=True, validate=rule(domain.birth_date_error))
    lang = fields.String(validate=LANGS)
    business_name = sized(255, required=False)


class EmailSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254))


class ResetSchema(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(1, 200))
    password = fields.String(required=True, validate=rule(domain.password_error))


class LoginSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class ProvinceSchema(BaseSchema):
    code = fields.String(required=True, validate=PROVINCE)
    name = sized(120)
    name_en = sized(120, required=False)
    kind = fields.String(
        load_default="province", validate=validate.OneOf(("province", "city"))
    )


class AgencySchema(BaseSchema):
    code = fields.String(required=True, validate=CODE)
    name = sized(255)
    province = fields.String(required=True, validate=PROVINCE)
    valid_from = fields.Date()
    replaces = fields.String(validate=CODE)


class SuccessionSchema(BaseSchema):
    """Agencies replaced by one successor (a rename: one predecessor; a merger: more)
    from `effective_date` (default today on the Vietnamese clock)."""

    successor = fields.String(required=True, validate=CODE)
    predecessors = fields.List(
        fields.String(validate=CODE), required=True, validate=validate.Length(1, 50)
    )
    effective_date = fields.Date()


class DepartmentSchema(BaseSchema):
    code = fields.String(required=True, validate=CODE)
    name = sized(255)
    agency = fields.String(required=True, validate=CODE)


class StaffSchema(BaseSchema):
    email = fields.String(required=True, validate=rule(domain.email_error))
    full_name = sized(200)
    password = fields.String(validate=rule(domain.password_error))
    role = fields.String(
        required=True, validate=validate.OneOf(domain.STAFF_ROLES + ("operator",))
    )
    agency = fields.String(validate=CODE)
    department = fields.String(validate=CODE)
    province = fields.String(validate=PROVINCE)
    phone = fields.String(validate=rule(domain.phone_error))
    lang = fields.String(load_default="vi", validate=LANGS)


class ApiClientSchema(BaseSchema):
    name = sized(200)
    scopes = fields.List(
        fields.String(validate=validate.OneOf(CLIENT_SCOPES)),
        required=True,
        validate=validate.Length(min=1),
    )
    province = fields.String(validate=PROVINCE)
    agency = fields.String(validate=CODE)


class PageSchema(BaseSchema):
    """A page of a list (BaseSchema bounds both numbers)."""

    page = fields.Integer(load_default=1)
    page_size = fields.Integer(load_default=50)


# --- events ------------------------------------------------------------------------
ACCOUNT_REGISTERED = "account_registered"
PASSWORD_RESET_REQUESTED = "password_reset_requested"
REGISTRATION_ATTEMPTED = "account_registration_attempted"
LOGIN_FAILURES_DETECTED = "login_failures_detected"
SESSIONS_CHANGED = "sessions_changed"
AGENCY_SUCCEEDED = "agency_succeeded"
SESSION_CHANGES = ("logout", "password_reset", "deactivated", "profile_changed")


class _Person(Envelope):
    user_id = fields.String(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    lang = fields.String(required=True, validate=LANGS)


class AccountRegistered(_Person):
    """Sent on registration and on each re-send (`resent`); carries the raw token."""

    activation_token = fields.String(required=True)
    resent = fields.Boolean(required=True)


class PasswordResetRequested(_Person):
    reset_token = fields.String(required=True)


class RegistrationAttempted(_Person):
    """Someone registered with an e-mail that already has an account: tell its owner."""


class LoginFailuresDetected(_Person):
    """Sign-ins to this account failed repeatedly (at most one per window)."""

    failures = fields.Integer(required=True)
    ip = fields.String(allow_none=True, load_default=None)


class ChangedSession(BaseSchema):
    """A session token the gateways must no longer read themselves (by its digest)."""

    token_hash = fields.String(required=True, validate=validate.Length(64, 64))
    expires_at = fields.DateTime(required=True)


class SessionsChanged(Envelope):
    """Sessions revoked (logout, password reset, deactivation) or whose caller changed
    (profile): every gateway sends them to `authenticate` from now on."""

    user_id = fields.String(allow_none=True, load_default=None)
    reason = fields.String(required=True, validate=validate.OneOf(SESSION_CHANGES))
    sessions = fields.List(fields.Nested(ChangedSession), required=True)


class AgencySucceeded(Envelope):
    """Agencies closed and their staff moved to a successor: the services that keep
    agency codes (dossiers: open dossiers, procedure lists) move theirs."""

    succession_id = fields.String(required=True, validate=validate.Length(1, 36))
    successor = fields.String(required=True)
    successor_province = fields.String(required=True)
    predecessors = fields.List(fields.String(), required=True)
    effective_date = fields.Date(required=True)


EVENTS = {
    AGENCY_SUCCEEDED: AgencySucceeded,
    ACCOUNT_REGISTERED: AccountRegistered,
    PASSWORD_RESET_REQUESTED: PasswordResetRequested,
    REGISTRATION_ATTEMPTED: RegistrationAttempted,
    LOGIN_FAILURES_DETECTED: LoginFailuresDetected,
    SESSIONS_CHANGED: SessionsChanged,
}

# --- RPC methods ---------------------------------------------------------------------


def _user_id():
    return text(validate=validate.Length(1, 64))


def _code():
    return text(validate=validate.Length(1, 64))


def _opt_code():
    return opt(fields.String(validate=validate.Length(1, 64)))


RPC = table(
    "accounts",
    health=Method(result=Health),
    authenticate=Method(token=fields.String(required=True, allow_none=True)),
    changed_sessions=Method(result=ChangedSession),
    register=Method(
        result=res.AccountState,
        caller=caller(),
        data=body(RegisterSchema),
        ip=opt(text()),
    ),
    activate=Method(result=res.AccountState, caller=caller(), token=text()),
    resend_activation=Method(
        result=Status,
        caller=caller(),
        email=fields.String(required=True, allow_none=True),
    ),
    request_password_reset=Method(
        result=Status,
        caller=caller(),
        email=fields.String(required=True, allow_none=True),
    ),
    reset_password=Method(
        result=res.AccountState,
        caller=caller(),
        token=text(),
        new_password=text(),
    ),
    update_profile=Method(
        result=res.User, caller=caller(), changes=body(ProfileSchema)
    ),
    get_user=Method(result=res.User, caller=caller(), user_id=_user_id()),
    login=Method(
        result=res.IssuedSession,
        caller=caller(),
        email=text(),
        password=text(),
        ip=opt(text()),
        kind=opt(fields.String(validate=validate.OneOf(("web", "api")))),
    ),
    logout=Method(result=Status, caller=caller(), token=text()),
    oauth_token=Method(
        refusal=InvalidTokenRequest,
        result=res.OAuthToken,
        caller=caller(),
        grant_type=text(),
        client_id=text(),
        client_secret=text(),
        scope=opt(fields.String()),
        ip=opt(text()),
    ),
    create_province=Method(
        result=res.Province, caller=caller(), data=body(ProvinceSchema)
    ),
    list_provinces=Method(result=res.Province, caller=caller()),
    get_province=Method(result=res.Province, caller=caller(), code=_code()),
    create_agency=Method(result=res.Agency, caller=caller(), data=body(AgencySchema)),
    list_agencies=Method(
        result=res.Agency,
        caller=caller(),
        province=_opt_code(),
        include_closed=opt(fields.Boolean()),
    ),
    get_agency=Method(result=res.Agency, caller=caller(), code=_code()),
    succeed_agencies=Method(
        result=res.Succession, caller=caller(), data=body(SuccessionSchema)
    ),
    list_successions=Method(result=res.Succession, caller=caller()),
    get_succession=Method(
        result=res.Succession, caller=caller(), succession_id=_user_id()
    ),
    apply_successions=Method(result=res.Succession, caller=caller()),
    create_department=Method(
        result=res.Department, caller=caller(), data=body(DepartmentSchema)
    ),
    list_departments=Method(result=res.Department, caller=caller(), agency=_opt_code()),
    create_staff=Method(result=res.Staff, caller=caller(), data=body(StaffSchema)),
    list_staff=Method(
        result=res.Staff,
        caller=caller(),
        agency=_opt_code(),
        department=_opt_code(),
        role=_opt_code(),
    ),
    deactivate_user=Method(result=res.Staff, caller=caller(), user_id=_user_id()),
    create_api_client=Method(
        result=res.ApiClientCreated, caller=caller(), data=body(ApiClientSchema)
    ),
    list_api_clients=Method(result=res.ApiClient, caller=caller()),
    list_audit=Method(
        result=res.AuditPage,
        caller=caller(),
        page=opt(fields.Integer()),
        page_size=opt(fields.Integer()),
    ),
)
