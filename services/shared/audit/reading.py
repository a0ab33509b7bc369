"""Reading a chain: the entries an `audit.read` holder may see, newest first."""

from sqlalchemy import func, select

from ..errors import ValidationFailed
from ..permissions import require, scope_query

MAX_PAGE = 200
MAX_PAGE_NUMBER = 1_000_000  # beyond any real log; keeps OFFSET within bigint


def dump(row):
    """Return an entry as the API shows it (hashes included, to check by hand)."""
    return {
        "id": row.id,
        "at": row.at.isoformat() if row.at else None,
        "actor": row.actor,
        "actor_email": row.actor_email,
        "action": row.action,
        "target": row.target,
        "ip": row.ip,
        "province": row.province,
        "agency": row.agency,
        "details": row.details or {},
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def list_entries(session, model, caller, page=1, page_size=50):
    """Return {items, total} of `model`'s entries in the caller's scope."""
    require(caller, "audit.read")
    try:
        page, page_size = int(page or 1), int(page_size or 50)
    except (TypeError, ValueError):
        raise ValidationFailed("Invalid input", {"page": ["invalid_integer"]}) from None
    page = min(max(page, 1), MAX_PAGE_NUMBER)
    page_size = min(max(page_size, 1), MAX_PAGE)
    query = scope_query(select(model), caller, model)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(model.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return {"items": [dump(r) for r in rows], "total": total}
