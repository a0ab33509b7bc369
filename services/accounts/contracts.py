"""What other code may rely on: the events this service emits and their payloads."""

from marshmallow import fields

from services.shared.schemas import BaseSchema

ACCOUNT_REGISTERED = "account_registered"
PASSWORD_RESET_REQUESTED = "password_reset_requested"
EVENTS = (ACCOUNT_REGISTERED, PASSWORD_RESET_REQUESTED)


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
