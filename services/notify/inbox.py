"""The in-app notification list: one entry per user and source, unread until read.

Entries are written in the transaction that queues the matching e-mail (a comment
or task change told to the staff involved, a reminder that fires), so the list and
the mail never disagree; (user, source) is unique, so a redelivered event or a
second timer adds nothing.
"""

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from services.shared.clock import utcnow

from .models import Notification


def add(session, user_id, source, kind, title, body=None, dossier_id=None, link=None):
    """Add an entry unless (user, source) has one; True when added."""
    stmt = insert(Notification).values(
        public_id=str(uuid.uuid4()),
        user_id=str(user_id),
        source=str(source)[:80],
        kind=kind,
        title=title,
        body=body,
        dossier_id=dossier_id,
        link=link,
        created_at=utcnow(),
    )
    return session.execute(stmt.on_conflict_do_nothing()).rowcount == 1


def unread(session, user_id):
    return session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == str(user_id), Notification.read_at.is_(None)
        )
    )


def dump(row):
    return {
        "id": row.public_id,
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "dossier_id": row.dossier_id,
        "link": row.link,
        "created_at": row.created_at.isoformat(),
        "read_at": row.read_at.isoformat() if row.read_at else None,
    }


def page(session, user_id, number, size, only_unread=False):
    """The user's entries, newest first: {items, total, unread}."""
    where = [Notification.user_id == str(user_id)]
    if only_unread:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count(Notification.id)).where(*where))
    rows = session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((number - 1) * size)
        .limit(size)
    )
    return {
        "items": [dump(r) for r in rows],
        "total": total,
        "unread": unread(session, user_id),
    }


def mark_read(session, user_id, ids=None):
    """Mark the user's entries `ids` (all when None) read; return the unread count."""
    stmt = update(Notification).where(
        Notification.user_id == str(user_id), Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.public_id.in_([str(i) for i in ids]))
    session.execute(stmt.values(read_at=utcnow()))
    return unread(session, user_id)
