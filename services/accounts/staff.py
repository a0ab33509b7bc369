"""Staff and operators, deactivation, API clients and the audit log."""

import secrets

from sqlalchemy import select

from services.contracts import accounts as contract
from services.shared import audit
from services.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    detail,
)
from services.shared.permissions import require, require_visible, scope_of, scope_query
from services.shared.schemas import load

from . import domain, security, store, views
from .exceptions import EmailTaken
from .models import ApiClient, AuditEntry, Department, User


def create_staff(session, caller, data):
    """Create an active staff member (or operator) inside the caller's scope."""
    require(caller, "staff.manage")
    data = load(contract.StaffSchema(), data)
    if not domain.may_grant(caller.get("roles") or [], data["role"]):
        raise Forbidden("Not permitted", {"role": [detail("role_not_grantable")]})
    province, agency = _placement(session, caller, data)
    if store.user_by_email(session, data["email"]):
        raise EmailTaken(
            "E-mail already registered", {"email": [detail("email_registered")]}
        )
    operator = data["role"] == "operator"
    user = User(
        kind="operator" if operator else "staff",
        email=domain.normalize_email(data["email"]),
        full_name=data["full_name"],
        phone=domain.normalize_phone(data.get("phone")) or None,
        province=province,
        agency=agency,
        department=data.get("department"),
        role=data["role"],
        status="active",
        password_hash=security.hash_secret(data.get("password") or domain.new_secret()),
        lang=data["lang"],
    )
    session.add(user)
    session.flush()
    store.audit(
        session,
        caller,
        "staff.create",
        user.email,
        role=data["role"],
        province=province,
        agency=agency,
    )
    return views.staff(user)


def _placement(session, caller, data):
    """Check agency, department and province of a new staff member."""
    errors = domain.staff_placement_error(
        data["role"], data.get("agency"), data.get("department")
    )
    if errors:
        raise ValidationFailed("Invalid input", {k: [v] for k, v in errors.items()})
    if data["role"] == "operator":
        return None, None
    if not data.get("agency"):
        store.province(session, data.get("province"))
        require_visible(caller, province=data.get("province"))
        return data["province"], None
    agency = store.agency(session, data["agency"])
    require_visible(caller, province=agency.province, agency=agency.code)
    department = data.get("department")
    if department and not session.scalar(
        select(Department).where(
            Department.agency == agency.code, Department.code == department
        )
    ):
        raise ValidationFailed(
            "Invalid input", {"department": [detail("unknown_department")]}
        )
    return agency.province, agency.code


def list_staff(session, caller, agency=None, department=None, role=None):
    if caller.get("kind") not in ("staff", "operator", "client"):
        raise Forbidden("Not permitted")
    require(caller, "staff.read")
    query = scope_query(
        select(User).where(User.kind.in_(("staff", "operator"))), caller, User
    )
    if scope_of(caller) == "department":
        query = query.where(User.department == caller.get("department"))
    for column, value in (
        (User.agency, agency),
        (User.department, department),
        (User.role, role),
    ):
        if value:
            query = query.where(column == value)
    rows = session.scalars(query.order_by(User.full_name, User.id))
    return [views.staff(r) for r in rows]


def deactivate_user(session, caller, user_id):
    """Deactivate a user in scope; his sessions stop at once, history stays."""
    require(caller, "staff.manage")
    user = store.user_by_public_id(session, user_id)
    if user is None:
        raise NotFound("Not found")
    require_visible(
        caller, province=user.province, agency=user.agency, department=user.department
    )
    if str(user.public_id) == caller.get("user_id"):
        raise Conflict("You cannot deactivate yourself")
    if user.role and not domain.may_grant(caller.get("roles") or [], user.role):
        raise Forbidden("Not permitted")
    user.status = "deactivated"
    user.deactivated_at = store.now()
    store.revoke_sessions(session, user, "deactivated")
    store.audit(
        session,
        caller,
        "user.deactivate",
        user.email,
        role=user.role,
        province=user.province,
        agency=user.agency,
    )
    return views.staff(user)


def create_api_client(session, caller, data):
    """Create an API client; its secret is returned once and stored hashed."""
    require(caller, "api_client.manage")
    data = load(contract.ApiClientSchema(), data)
    if data.get("agency"):
        agency = store.agency(session, data["agency"])
        data["province"] = agency.province
    elif data.get("province"):
        store.province(session, data["province"])
    secret = domain.new_secret()
    row = ApiClient(
        client_id=f"cl_{secrets.token_hex(8)}",
        secret_hash=security.hash_secret(secret),
        name=data["name"],
        scopes=sorted(set(data["scopes"])),
        province=data.get("province"),
        agency=data.get("agency"),
        active=True,
    )
    session.add(row)
    store.audit(
        session,
        caller,
        "api_client.create",
        row.client_id,
        scopes=row.scopes,
        province=row.province,
        agency=row.agency,
    )
    return views.api_client(row) | {"client_secret": secret}


def list_api_clients(session, caller):
    require(caller, "api_client.manage")
    rows = session.scalars(select(ApiClient).order_by(ApiClient.id))
    return [views.api_client(r) for r in rows]


def list_audit(session, caller, page=1, page_size=50):
    return audit.list_entries(session, AuditEntry, caller, page, page_size)
