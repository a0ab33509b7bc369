"""What other code may rely on: the events this service emits and their payloads."""

from marshmallow import fields

from services.shared.schemas import BaseSchema

ACCOUNT_REGISTERED = "account_registered"
PASSWORD_RESET_REQUESTED = "password_reset_requested"
REGISTRATION_ATTEMPTED = "account_registration_attempted"
LOGIN_FAILURES_DETECTED = "login_failures_detected"
EVENTS = (
    ACCOUNT_REGISTERED,
    PASSWORD_RESET_REQUESTED,
    REGISTRATION_ATTEMPTED,
    LOGIN_FAILURES_DETECTED,
)


class _Envelope(BaseSchema):
    event_id = fields.String()
    occurred_at = fields.String()
    province = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)


class AccountRegistered(_Envelope):
    """Sent on registration and on each re-send (`resent`); carries the raw token."""

    user_id = fields.String(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    lang = fields.String(required=True)
    activation_token = fields.String(required=True)
    resent = fields.Boolean(required=True)


class PasswordResetRequested(_Envelope):
    user_id = fields.String(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    lang = fields.String(required=True)
    reset_token = fields.String(required=True)


class RegistrationAttempted(_Envelope):
    """Someone registered with an e-mail that already has an account: tell its owner."""

    user_id = fields.String(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    lang = fields.String(required=True)


class LoginFailuresDetected(_Envelope):
    """Sign-ins to this account failed repeatedly (at most one per window)."""

    user_id = fields.String(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    lang = fields.String(required=True)
    failures = fields.Integer(required=True)
    ip = fields.String(allow_none=True)
