"""Citizens and businesses: registration, activation, password reset, profile."""

import uuid

from services.contracts import accounts as contract
from services.shared import visibility
from services.shared.errors import Forbidden, NotFound, ValidationFailed, detail
from services.shared.outbox import record_event
from services.shared.schemas import load

from . import domain, security, settings, store, views
from .exceptions import TokenExpired, TokenInvalid, too_many
from .models import Outbox, Province, Token, User

HOUR = 3600


def register(session, cfg, data, ip=None):
    """Create a pending account and announce it with its activation token.

    An e-mail that already has an account gets the same answer, after the same work
    (the password is hashed either way), and its owner is told instead: the answer
    never reveals who is registered.
    """
    data = load(contract.RegisterSchema(), data)
    bucket = f"register:ip:{ip}" if ip else None
    limit = cfg[settings.REGISTRATIONS_IP.key]
    wait = store.wait_seconds(session, bucket, limit, HOUR) if bucket else 0
    if wait:
        raise too_many(wait)
    if session.get(Province, data["province"]) is None:
        raise ValidationFailed(
            "Invalid input", {"province": [detail("unknown_province")]}
        )
    password_hash = security.hash_secret(data["password"])
    if bucket:
        store.count_attempt(session, bucket)
    existing = store.user_by_email(session, data["email"])
    if existing is not None:
        _tell_owner(session, cfg, existing, ip)
        return {"id": str(uuid.uuid4()), "status": "pending_activation"}
    user = _new_user(data, password_hash)
    session.add(user)
    session.flush()
    announce_activation(session, cfg, user, resent=False)
    store.audit(
        session, None, "account.register", user.email, ip, province=user.province
    )
    return {"id": str(user.public_id), "status": user.status}


def _new_user(data, password_hash):
    return User(
        kind=data["kind"],
        email=domain.normalize_email(data["email"]),
        full_name=data["full_name"],
        phone=domain.normalize_phone(data["phone"]),
        national_id=data.get("national_id"),
        tax_code=data.get("tax_code"),
        business_name=data.get("business_name"),
        address=data.get("address"),
        date_of_birth=data.get("date_of_birth"),
        province=data["province"],
        status="pending_activation",
        password_hash=password_hash,
        lang=data["lang"],
    )


def _tell_owner(session, cfg, user, ip):
    """Mail the owner of an address someone tried to register (capped per hour)."""
    store.audit(
        session, None, "account.register_existing", user.email, ip,
        province=user.province,
    )  # fmt: skip
    if user.status == "deactivated":
        return
    bucket = f"notice:register:{user.id}"
    if store.wait_seconds(session, bucket, cfg[settings.MAILS_PER_HOUR.key], HOUR):
        return
    store.count_attempt(session, bucket)
    record_event(
        session,
        Outbox,
        contract.REGISTRATION_ATTEMPTED,
        {
            "user_id": str(user.public_id),
            "email": user.email,
            "full_name": user.full_name,
            "lang": user.lang,
        },
        province=user.province,
    )


def announce_activation(session, cfg, user, resent):
    token = store.issue_token(
        session, user, "activation", cfg[settings.ACTIVATION_TTL.key]
    )
    record_event(
        session,
        Outbox,
        contract.ACCOUNT_REGISTERED,
        {
            "user_id": str(user.public_id),
            "email": user.email,
            "full_name": user.full_name,
            "lang": user.lang,
            "activation_token": token,
            "resent": resent,
        },
        province=user.province,
    )


def use_token(session, raw, kind):
    """Consume a single-use token or raise TOKEN_INVALID / TOKEN_EXPIRED."""
    if not isinstance(raw, str):
        raise TokenInvalid(
            "Invalid or already used link", {"token": [detail("token_invalid")]}
        )
    token = session.query(Token).filter_by(token_hash=domain.digest(raw)).one_or_none()
    if token is None or token.kind != kind or token.used_at is not None:
        raise TokenInvalid(
            "Invalid or already used link", {"token": [detail("token_invalid")]}
        )
    if token.expires_at <= store.now():
        raise TokenExpired(
            "This link has expired", {"token": [detail("token_expired")]}
        )
    token.used_at = store.now()
    return session.get(User, token.user_id)


def activate(session, raw_token):
    user = use_token(session, raw_token, "activation")
    if user.status == "pending_activation":
        user.status = "active"
        store.audit(session, views.caller_of_user(user), "account.activate", user.email)
    return {"id": str(user.public_id), "status": user.status}


def checked_email(email):
    """Return a well-formed e-mail address or raise 422 (before any lookup)."""
    return load(contract.EmailSchema(), {"email": email or ""})["email"]


def resend_activation(session, cfg, email):
    """Send a fresh activation token if the account is pending (after the reply)."""
    user = store.user_by_email(session, email, lock=True)
    ttl = cfg[settings.ACTIVATION_TTL.key]
    if (
        user is not None
        and user.status == "pending_activation"
        and _may_mail(session, cfg, user, "activation", ttl)
    ):
        store.retire_tokens(session, user, "activation")
        announce_activation(session, cfg, user, resent=True)
    return {"status": "sent"}


def _may_mail(session, cfg, user, kind, ttl):
    """Tell whether another token mail may go to this account this hour.

    Per account, so nobody can bomb one mailbox from many addresses; refused asks
    get the same answer, so the limit reveals nothing about the account either.
    """
    sent = store.tokens_issued_since(session, user, kind, ttl, 3600)
    return sent < cfg[settings.MAILS_PER_HOUR.key]


def request_password_reset(session, cfg, email):
    """Mail a reset token to a known account (after the reply, capped per hour)."""
    user = store.user_by_email(session, email, lock=True)
    ttl = cfg[settings.RESET_TTL.key]
    if (
        user is not None
        and user.status != "deactivated"
        and _may_mail(session, cfg, user, "reset", ttl)
    ):
        store.retire_tokens(session, user, "reset")
        token = store.issue_token(session, user, "reset", cfg[settings.RESET_TTL.key])
        payload = {
            "user_id": str(user.public_id),
            "email": user.email,
            "full_name": user.full_name,
            "lang": user.lang,
            "reset_token": token,
        }
        record_event(
            session,
            Outbox,
            contract.PASSWORD_RESET_REQUESTED,
            payload,
            province=user.province,
        )
    return {"status": "sent"}


def reset_password(session, token, password):
    data = load(
        contract.ResetSchema(), {"token": token or "", "password": password or ""}
    )
    user = use_token(session, data["token"], "reset")
    if user.status == "deactivated":
        raise TokenInvalid(
            "Invalid or already used link", {"token": [detail("token_invalid")]}
        )
    user.password_hash = security.hash_secret(data["password"])
    # The mail proved control of the address, so a pending account becomes active.
    if user.status == "pending_activation":
        user.status = "active"
    store.revoke_sessions(session, user, "password_reset")
    store.audit(
        session, views.caller_of_user(user), "account.password_reset", user.email
    )
    return {"id": str(user.public_id), "status": user.status}


def update_profile(session, caller, changes):
    user = _self(session, caller)
    data = load(contract.ProfileSchema(), changes)
    if "business_name" in data and user.kind != "business":
        raise ValidationFailed(
            "Invalid input", {"business_name": [detail("business_only")]}
        )
    if "phone" in data:
        data["phone"] = domain.normalize_phone(data["phone"])
    before = views.caller_of_user(user)
    for name, value in data.items():
        setattr(user, name, value)
    if views.caller_of_user(user) != before:
        store.sessions_changed(session, user)
    return views.user(user, private=True)


def _self(session, caller):
    user = store.user_by_public_id(session, caller.get("user_id"))
    if user is None or user.status != "active":
        raise Forbidden("Not permitted")
    return user


def get_user(session, caller, user_id):
    """Return a user: to himself in full; else only within the caller's scope.

    Staff and API clients see staff of their own scope. Citizens' and businesses'
    identities go only to the system caller, i.e. to another service acting on the
    portal's behalf (notify mailing an applicant, dossiers naming one); a person's
    identity never leaves accounts for a caller outside its scope (404).
    """
    user = store.user_by_public_id(session, user_id)
    if user is None:
        raise NotFound("Not found")
    if str(user.public_id) == caller.get("user_id"):
        return views.user(user, private=True)
    if not _visible_to(caller, user):
        raise NotFound("Not found")
    return views.user(user, private=caller.get("kind") == "operator")


def is_system(caller):
    """Tell whether the caller is a service acting for the portal (SYSTEM)."""
    return "system" in (caller.get("roles") or ()) and caller.get("kind") == "operator"


def _visible_to(caller, user):
    """The visibility rule of identities (`services/shared/visibility.py`)."""
    if is_system(caller):
        return True
    record = {
        "owner": str(user.public_id),
        "user_kind": "staff" if user.kind in ("staff", "operator") else "applicant",
        "province": user.province,
        "agency": user.agency,
        "department": user.department,
    }
    return visibility.sees(caller, "identity", record)
