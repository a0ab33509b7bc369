"""Effective-dated succession: agencies replaced by (or merged into) a successor.

Recording a succession closes the predecessors at once (`valid_to` = the day before
`effective_date`, `replaced_by` = the successor), so from that date they refuse new
dossiers naming their successor. Once the date has come (at once, or by the hourly
timer for a date to come) one transaction moves what accounts owns: the
predecessors' departments (a code the successor lacks is added to it, the same code
is the same department), their staff (agency and province; their sessions are told
their caller changed) and API clients, keeps what moved on the succession row, and
announces `agency_succeeded` through the outbox: the dossiers service moves the open
dossiers and the procedure lists from that event (at least once, idempotently).
"""

import datetime as dt
import uuid

from sqlalchemy import select

from services.contracts import accounts as contract
from services.shared.clock import VN_TZ, utcnow
from services.shared.errors import NotFound, ValidationFailed, detail
from services.shared.outbox import record_event
from services.shared.permissions import require, require_visible, sees
from services.shared.schemas import load

from . import store
from .models import Agency, ApiClient, Department, Outbox, Succession, User


def today():
    return utcnow().astimezone(VN_TZ).date()


def succeed_agencies(session, caller, data):
    """Record a succession (`agency.manage` over the successor and every
    predecessor) and apply it when its date has come."""
    require(caller, "agency.manage")
    data = load(contract.SuccessionSchema(), data)
    successor = store.agency(session, data["successor"])
    require_visible(caller, province=successor.province)
    if successor.replaced_by:
        raise ValidationFailed(
            "Invalid input",
            {
                "successor": [
                    detail("agency_already_replaced", successor=successor.replaced_by)
                ]
            },
        )
    effective = data.get("effective_date") or today()
    codes = list(dict.fromkeys(data["predecessors"]))
    if successor.code in codes:
        raise ValidationFailed(
            "Invalid input", {"predecessors": [detail("succession_of_itself")]}
        )
    olds = [_predecessor(session, caller, code) for code in codes]
    for old in olds:
        old.valid_to = effective - dt.timedelta(days=1)
        old.replaced_by = successor.code
    row = Succession(
        successor=successor.code,
        predecessors=codes,
        effective_date=effective,
        created_by=caller.get("user_id"),
        created_at=utcnow(),
        staff_moved=[],
        departments_added=[],
        clients_moved=[],
    )
    session.add(row)
    session.flush()
    store.audit(
        session,
        caller,
        "agency.succeed",
        successor.code,
        province=successor.province,
        agency=successor.code,
        predecessors=codes,
        effective_date=effective.isoformat(),
    )
    if effective <= today():
        apply(session, row)
    return view(session, row)


def _predecessor(session, caller, code):
    try:
        old = store.agency(session, code)
    except NotFound:
        raise ValidationFailed(
            "Invalid input", {"predecessors": [detail("unknown_agency")]}
        ) from None
    require_visible(caller, province=old.province)
    if old.replaced_by:
        raise ValidationFailed(
            "Invalid input",
            {
                "predecessors": [
                    detail("agency_already_replaced", successor=old.replaced_by)
                ]
            },
        )
    return old


def apply(session, row):
    """Move the predecessors' departments, staff and clients; announce it."""
    successor = store.agency(session, row.successor)
    row.departments_added = _departments(session, row.predecessors, successor)
    row.staff_moved = _staff(session, row.predecessors, successor)
    clients = session.scalars(
        select(ApiClient).where(ApiClient.agency.in_(row.predecessors))
    ).all()
    for client in clients:
        client.agency, client.province = successor.code, successor.province
    row.clients_moved = [c.client_id for c in clients]
    row.applied_at = utcnow()
    record_event(
        session,
        Outbox,
        contract.AGENCY_SUCCEEDED,
        {
            "succession_id": str(row.public_id),
            "successor": successor.code,
            "successor_province": successor.province,
            "predecessors": list(row.predecessors),
            "effective_date": row.effective_date.isoformat(),
        },
        province=successor.province,
    )


def _departments(session, predecessors, successor):
    """Give the successor each department code of its predecessors it lacks."""
    have = set(
        session.scalars(
            select(Department.code).where(Department.agency == successor.code)
        )
    )
    added = []
    query = select(Department).where(Department.agency.in_(predecessors))
    rank = {code: n for n, code in enumerate(predecessors)}
    found = session.scalars(query).all()
    # the first predecessor's name wins for a code several of them have
    for dept in sorted(found, key=lambda d: (rank[d.agency], d.code)):
        if dept.code not in have:
            have.add(dept.code)
            session.add(
                Department(agency=successor.code, code=dept.code, name=dept.name)
            )
            added.append({"agency": dept.agency, "code": dept.code, "name": dept.name})
    session.flush()
    return added


def _staff(session, predecessors, successor):
    """Move every user of the predecessors (departments keep their codes)."""
    users = session.scalars(
        select(User).where(User.agency.in_(predecessors)).order_by(User.id)
    ).all()
    moved = []
    for user in users:
        moved.append(
            {
                "id": str(user.public_id),
                "email": user.email,
                "full_name": user.full_name,
                "role": user.role,
                "from_agency": user.agency,
                "department": user.department,
            }
        )
        user.agency, user.province = successor.code, successor.province
        store.sessions_changed(session, user)
    return moved


def apply_due(session):
    """Apply the recorded successions whose date has come (the hourly timer)."""
    due = session.scalars(
        select(Succession)
        .where(Succession.applied_at.is_(None), Succession.effective_date <= today())
        .order_by(Succession.id)
        .with_for_update(skip_locked=True)
    ).all()
    for row in due:
        apply(session, row)
    return [view(session, row) for row in due]


def list_successions(session, caller):
    """Successions whose successor the caller's scope covers, newest first."""
    require(caller, "agency.read")
    rows = session.scalars(select(Succession).order_by(Succession.id.desc())).all()
    return [view(session, r) for r in rows if _visible(session, caller, r)]


def get_succession(session, caller, succession_id):
    require(caller, "agency.read")
    row = session.scalar(
        select(Succession).where(Succession.public_id == _uuid(succession_id))
    )
    if row is None or not _visible(session, caller, row):
        raise NotFound("Not found", {"succession": [detail("unknown_succession")]})
    return view(session, row)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _visible(session, caller, row):
    successor = session.scalar(select(Agency).where(Agency.code == row.successor))
    return sees(caller, province=successor.province, agency=successor.code)


def view(session, row):
    successor = session.scalar(select(Agency).where(Agency.code == row.successor))
    return {
        "id": str(row.public_id),
        "successor": row.successor,
        "successor_province": successor.province,
        "predecessors": list(row.predecessors or []),
        "effective_date": row.effective_date.isoformat(),
        "created_at": row.created_at.isoformat(),
        "applied_at": row.applied_at.isoformat() if row.applied_at else None,
        "staff_moved": list(row.staff_moved or []),
        "departments_added": list(row.departments_added or []),
        "clients_moved": list(row.clients_moved or []),
    }
