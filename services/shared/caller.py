"""Who is calling: the identity and scope every RPC receives as its first argument.

The gateway builds it from a verified session or API token; services never trust
anything else. Services check it with `permissions.require` and the scope helpers.
"""

from services.contracts.base import Caller

from .errors import Unauthenticated
from .schemas import instance

KINDS = ("anonymous", "citizen", "business", "staff", "operator", "client")


# The schema lives in the contract package, shared by every RPC.
CallerSchema = Caller


ANONYMOUS = {"kind": "anonymous", "roles": []}
SYSTEM = {"kind": "operator", "roles": ["system"], "user_id": "system"}


def caller_from(data):
    """Load a caller dict, refusing anything malformed."""
    data = data or ANONYMOUS
    try:
        return instance(CallerSchema).load(data)
    except Exception:  # noqa: BLE001 - any malformed caller is unauthenticated
        raise Unauthenticated("Invalid caller") from None


def is_authenticated(caller):
    return caller.get("kind") not in (None, "anonymous")
