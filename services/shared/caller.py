"""Who is calling: the identity and scope every RPC receives as its first argument.

The gateway builds it from a verified session or API token; services never trust
anything else. Services check it with `permissions.require` and the scope helpers.
"""

from marshmallow import fields

from .errors import Unauthenticated
from .schemas import BaseSchema

KINDS = ("anonymous", "citizen", "business", "staff", "operator", "client")


class CallerSchema(BaseSchema):
    user_id = fields.String(load_default=None, allow_none=True)
    kind = fields.String(load_default="anonymous")
    roles = fields.List(fields.String(), load_default=list)
    province = fields.String(load_default=None, allow_none=True)
    agency = fields.String(load_default=None, allow_none=True)
    department = fields.String(load_default=None, allow_none=True)
    scopes = fields.List(fields.String(), load_default=list)
    full_name = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)
    request_id = fields.String(load_default=None, allow_none=True)


ANONYMOUS = {"kind": "anonymous", "roles": []}
SYSTEM = {"kind": "operator", "roles": ["system"], "user_id": "system"}


def caller_from(data):
    """Load a caller dict, refusing anything malformed."""
    data = data or ANONYMOUS
    try:
        return CallerSchema().load(data)
    except Exception:  # noqa: BLE001 - any malformed caller is unauthenticated
        raise Unauthenticated("Invalid caller") from None


def is_authenticated(caller):
    return caller.get("kind") not in (None, "anonymous")
