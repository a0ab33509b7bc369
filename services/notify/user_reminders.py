"""Reminders users set on a dossier or task ("hẹn giờ thông báo").

A reminder belongs to the user who set it; setting one needs the dossier (and the
task) visible to that user, which the dossiers service decides (`get_dossier`,
`list_tasks` as the user). The timer (`fire_due`) claims due pending rows with
FOR UPDATE SKIP LOCKED, and in the transaction that marks each `fired` it queues
the e-mail (event id `reminder:<id>`, unique with its template) and adds the in-app
entry: a reminder fires once, whatever the number of instances or restarts; one
whose time passed while notify was down fires at the next tick.
"""

import datetime as dt
import uuid

from sqlalchemy import select

from services.shared import routes
from services.shared.clock import VN_TZ, utcnow
from services.shared.errors import ValidationFailed, detail

from . import domain, inbox, links, store
from .exceptions import ReminderNotFound, ReminderState
from .models import Reminder

PENDING, FIRED, CANCELLED = "pending", "fired", "cancelled"
BATCH = 100
# a reminder may be set a little in the past (clock skew, a slow form): it fires now
GRACE = dt.timedelta(minutes=5)
DOSSIER_KEYS = ("id", "receipt_number", "procedure", "province", "agency")


def is_staff(caller):
    return caller.get("kind") not in ("citizen", "business")


def check_time(moment, now=None):
    """Refuse a reminder time already past (422 `remind_at`)."""
    if moment < (now or utcnow()) - GRACE:
        raise ValidationFailed("Invalid input", {"remind_at": [detail("in_past")]})


def dump(row):
    return {
        "id": row.public_id,
        "dossier_id": row.dossier_id,
        "task_id": row.task_id,
        "title": title_of(row),
        "note": row.note,
        "remind_at": row.remind_at.isoformat(),
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "fired_at": row.fired_at.isoformat() if row.fired_at else None,
    }


def title_of(row):
    dossier = row.dossier or {}
    name = dossier.get("receipt_number") or (dossier.get("procedure") or {}).get("name")
    return f"{row.task_title} — {name}" if row.task_title else str(name or "")


def create(session, caller, data, dossier, task=None):
    """Store a pending reminder of the caller's (dossier and task already checked)."""
    check_time(data["remind_at"])
    now = utcnow()
    row = Reminder(
        public_id=str(uuid.uuid4()),
        user_id=str(caller["user_id"]),
        recipient=caller.get("email"),
        recipient_name=caller.get("full_name"),
        lang=domain.lang_of(caller.get("lang")),
        staff=is_staff(caller),
        dossier_id=str(dossier["id"]),
        dossier={k: dossier.get(k) for k in DOSSIER_KEYS},
        task_id=task["id"] if task else None,
        task_title=task["title"] if task else None,
        note=data.get("note"),
        remind_at=data["remind_at"],
        status=PENDING,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return dump(row)


def load(session, caller, reminder_id, lock=False):
    """The caller's own reminder, else 404 (another's is never revealed)."""
    query = select(Reminder).where(
        Reminder.public_id == str(reminder_id),
        Reminder.user_id == str(caller.get("user_id")),
    )
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise ReminderNotFound("Reminder not found", {"id": [str(reminder_id)]})
    return row


def _pending(row):
    if row.status != PENDING:
        raise ReminderState("Reminder can no longer change", {"status": [row.status]})


def update(session, caller, reminder_id, data):
    row = load(session, caller, reminder_id, lock=True)
    _pending(row)
    if "remind_at" in data:
        check_time(data["remind_at"])
        row.remind_at = data["remind_at"]
    if "note" in data:
        row.note = data["note"]
    row.updated_at = utcnow()
    session.flush()
    return dump(row)


def cancel(session, caller, reminder_id):
    row = load(session, caller, reminder_id, lock=True)
    _pending(row)
    row.status, row.updated_at = CANCELLED, utcnow()
    session.flush()
    return dump(row)


def list_(session, caller, dossier_id=None, status=None):
    query = select(Reminder).where(Reminder.user_id == str(caller.get("user_id")))
    if dossier_id:
        query = query.where(Reminder.dossier_id == str(dossier_id))
    if status:
        query = query.where(Reminder.status == status)
    rows = session.scalars(query.order_by(Reminder.remind_at, Reminder.id)).all()
    return {"items": [dump(r) for r in rows], "total": len(rows)}


def link_of(row, public_url):
    """The staff workspace for staff (the task's page for a task), else the
    applicant's page."""
    if row.staff and row.task_id:
        return routes.url(
            public_url, "task", dossier_id=row.dossier_id, task_id=row.task_id
        )
    page = "staff_dossier" if row.staff else "citizen_dossier"
    return routes.url(public_url, page, dossier_id=row.dossier_id)


def local_time(moment):
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def planned(row, public_url):
    """The reminder's e-mail (before rendering)."""
    context = {
        "name": row.recipient_name or "",
        "dossier": row.dossier or {},
        "task": {"id": row.task_id, "title": row.task_title} if row.task_id else None,
        "note": row.note or "",
        "remind_at": local_time(row.remind_at),
    }
    scope = domain.dossier_scope(row.dossier or {})
    return domain.Planned(
        "reminder",
        row.recipient or "",
        row.recipient_name,
        row.lang,
        context,
        scope=scope,
        link=link_of(row, public_url),
    )


def fire_due(session, renderer, public_url, now=None):
    """Fire every pending reminder whose time came (one batch); return how many."""
    rows = session.scalars(
        select(Reminder)
        .where(Reminder.status == PENDING, Reminder.remind_at <= (now or utcnow()))
        .order_by(Reminder.remind_at, Reminder.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        item = planned(row, public_url)
        if domain.valid_email(item.recipient):
            rendered = renderer.render(
                item.key, item.lang, item.context, None, item.link
            )
            store.queue(session, f"reminder:{row.public_id}", item, rendered, [])
        path = links.path_of(item.link, public_url)
        inbox.add(
            session, row.user_id, f"reminder:{row.public_id}", "reminder",
            title_of(row), row.note, row.dossier_id, path,
        )  # fmt: skip
        row.status, row.fired_at, row.updated_at = FIRED, utcnow(), utcnow()
    session.flush()
    return len(rows)
