"""Work inside the agency: history, comments, tasks; statistics; index feed."""

from collections import Counter

from sqlalchemy import select

from services.contracts import dossiers as contract
from services.shared import clock, permissions, visibility
from services.shared.caller import SYSTEM
from services.shared.errors import Forbidden, ValidationFailed, detail
from services.shared.outbox import first_delivery
from services.shared.schemas import load

from . import catalogue, changes, domain, references, store
from .exceptions import DossierNotFound, TaskNotFound
from .models import (
    Comment,
    Dossier,
    HistoryEntry,
    ProcedureVersion,
    ProcessedEvent,
    Task,
)
from .operations import scope_filter

UNKNOWN_FILE = detail("not_dossier_file")


def is_applicant(caller):
    return permissions.scope_of(caller) == "own"


def _iso(value):
    return value.isoformat() if value is not None else None


def _history_audience(op, audience):
    return HistoryEntry.public.is_(audience == visibility.PUBLIC)


def _comment_audience(op, audience):
    return Comment.internal.is_(audience != visibility.PUBLIC)


def history(session, caller, dossier_id):
    permissions.require(caller, "dossier.read")
    dossier = store.load(session, caller, dossier_id)
    query = select(HistoryEntry).join(Dossier, HistoryEntry.dossier_id == Dossier.id)
    query = store.scope_filter(caller, query, "history", audience=_history_audience)
    query = query.where(HistoryEntry.dossier_id == dossier.id)
    rows = session.scalars(query.order_by(HistoryEntry.id)).all()
    return [
        {
            "action": h.action,
            "from": h.from_state,
            "to": h.to_state,
            "actor": h.actor,
            "note": h.note,
            "public": h.public,
            "changes": h.changes or [],
            "at": _iso(h.at),
        }
        for h in rows
    ]


def dump_comment(c):
    return {
        "id": c.id,
        "body": c.body,
        "internal": c.internal,
        "author": c.author,
        "task_id": c.task_id,
        "file_ids": c.file_ids,
        "at": _iso(c.at),
    }


def check_file_refs(file_index, dossier, file_ids):
    """A comment may only reference files of its own dossier (fails closed)."""
    if not file_ids:
        return
    known = file_index.ids(str(dossier.public_id)) if file_index else None
    unknown = [f for f in file_ids if known is None or str(f) not in known]
    if unknown:
        raise ValidationFailed(
            "Invalid input", {"file_ids": [UNKNOWN_FILE] * len(unknown)}
        )


def add_comment(session, caller, dossier_id, data, file_index=None):
    permissions.require(caller, "comment.write")
    data = load(contract.CommentSchema, data)
    dossier = store.load(session, caller, dossier_id)
    if is_applicant(caller) and data["internal"]:
        raise Forbidden("Not permitted", {"internal": ["true"]})
    if data["internal"] is None:
        data["internal"] = not is_applicant(caller)
    check_file_refs(file_index, dossier, data["file_ids"])
    if data["task_id"] is not None:
        _task(session, dossier, data["task_id"])
    store.bump(session, dossier)
    comment = Comment(
        dossier_id=dossier.id,
        task_id=data["task_id"],
        author=store.actor_of(caller),
        body=data["body"],
        internal=data["internal"],
        file_ids=data["file_ids"],
        at=store.now(),
    )
    session.add(comment)
    session.flush()
    store.record_history(
        session, dossier, caller, "comment", public=not comment.internal
    )
    told = involved(session, dossier, comment.task_id)
    body = {"comment": dump_comment(comment), "involved": told}
    store.emit(session, dossier, "comment_added", body)
    return dump_comment(comment)


def involved(session, dossier, task_id=None):
    """User ids of the staff involved in the dossier's work (or one task's): the
    dossier's assignees, the tasks' assignees and creators, staff who commented.
    The applicant is told through their own e-mails, never as staff."""
    tasks = select(Task).where(Task.dossier_id == dossier.id)
    said = select(Comment.author).where(Comment.dossier_id == dossier.id)
    if task_id is not None:
        tasks, said = (
            tasks.where(Task.id == task_id),
            said.where(Comment.task_id == task_id),
        )
    people = set(dossier.assignees or [])
    for task in session.scalars(tasks):
        people |= {task.assignee, task.created_by}
    people |= {(author or {}).get("id") for author in session.scalars(said)}
    return sorted(p for p in people - {None, "", SYSTEM["user_id"], dossier.owner_id})


def list_comments(session, caller, dossier_id, task_id=None):
    permissions.require(caller, "dossier.read")
    dossier = store.load(session, caller, dossier_id)
    query = select(Comment).join(Dossier, Comment.dossier_id == Dossier.id)
    query = store.scope_filter(caller, query, "comment", audience=_comment_audience)
    query = query.where(Comment.dossier_id == dossier.id)
    if task_id is not None:
        query = query.where(Comment.task_id == int(task_id))
    return [dump_comment(c) for c in session.scalars(query.order_by(Comment.id))]


dump_task = store.dump_task


def _task(session, dossier, task_id):
    try:
        key = int(task_id)
    except (TypeError, ValueError):
        key = 0
    if not 1 <= key < 2**31:  # a PostgreSQL integer key: no other number names a row
        raise TaskNotFound("Task not found", {"task_id": [str(task_id)]})
    task = session.get(Task, key)
    if task is None or task.dossier_id != dossier.id:
        raise TaskNotFound("Task not found", {"task_id": [str(task_id)]})
    return task


def _due_state(session, dossier, task):
    calendar = catalogue.calendar_of(session, dossier.province)
    open_ = task.status == "open"
    task.due_state = open_ and domain.due_state(task.due_date, store.today(), calendar)
    task.due_state = task.due_state or None


def _touch(dossier, assignee=None):
    """Change the dossier row (its version moves on at flush)."""
    if assignee and assignee not in (dossier.assignees or []):
        dossier.assignees = list(dossier.assignees or []) + [assignee]
    dossier.updated_at = store.now()


def _announce_task(session, caller, dossier, task):
    _touch(dossier, task.assignee)
    store.record_history(
        session, dossier, caller, "task_assigned", note=task.title, public=False
    )
    body = {
        "task": dump_task(task),
        "actor": store.actor_of(caller),
        "involved": involved(session, dossier, task.id),
    }
    store.emit(session, dossier, "task_assigned", body)


def create_task(session, caller, dossier_id, data, directory):
    """Open a task; its assignee must be active staff of the dossier's department."""
    permissions.require(caller, "task.manage")
    data = load(contract.TaskSchema, data)
    dossier = store.load(session, caller, dossier_id)
    references.assignee(directory, dossier, data.get("assignee"))
    task = Task(dossier_id=dossier.id, created_by=caller.get("user_id"), **data)
    task.status, task.created_at, task.updated_at = "open", store.now(), store.now()
    _due_state(session, dossier, task)
    session.add(task)
    session.flush()
    _announce_task(session, caller, dossier, task)
    return dump_task(task)


TASK_COLUMNS = {"assignee": Task.assignee, "created_by": Task.created_by}


def list_tasks(session, caller, dossier_id):
    permissions.require(caller, "task.read")
    dossier = store.load(session, caller, dossier_id)
    query = select(Task).join(Dossier, Task.dossier_id == Dossier.id)
    query = store.scope_filter(caller, query, "task", **TASK_COLUMNS)
    query = query.where(Task.dossier_id == dossier.id)
    return [dump_task(t) for t in session.scalars(query.order_by(Task.id))]


def update_task(session, caller, dossier_id, task_id, data, directory):
    dossier = store.load(session, caller, dossier_id)
    task = _task(session, dossier, task_id)
    mine = {"assignee": task.assignee, "created_by": task.created_by}
    if not store.visible(caller, dossier, "task", **mine):
        raise TaskNotFound("Task not found", {"task_id": [str(task_id)]})
    if not permissions.can(caller, "task.manage"):
        raise Forbidden("Not permitted", {"action": ["task.manage"]})
    data = load(contract.TaskPatchSchema, data)
    reassigned = "assignee" in data and data["assignee"] != task.assignee
    if reassigned:
        references.assignee(directory, dossier, data["assignee"])
    before = dump_task(task)
    for name, value in data.items():
        setattr(task, name, value)
    task.updated_at = store.now()
    _due_state(session, dossier, task)
    edited = changes.diff(before, dump_task(task), changes.TASK_FIELDS)
    if edited:
        store.record_history(
            session, dossier, caller, "task_updated", note=task.title,
            public=False, changes=edited,
        )  # fmt: skip
    if reassigned and task.assignee:
        _announce_task(session, caller, dossier, task)
    else:
        _touch(dossier)
        body = {
            "changes": ["task"],
            "actor": store.actor_of(caller),
            "task": dump_task(task),
            "edits": edited,
            "involved": involved(session, dossier, task.id),
        }
        store.emit(session, dossier, "dossier_updated", body)
    return dump_task(task)


def list_for_index(session, caller, after=None, limit=500):
    if permissions.scope_of(caller) != "national":
        raise Forbidden("Not permitted", {"action": ["dossier.index"]})
    query = select(Dossier).order_by(Dossier.id).limit(min(int(limit), 1000))
    if after is not None:
        query = query.where(Dossier.id > int(after))
    items = []
    for dossier in session.scalars(query):
        found = store.snapshot(session, dossier)
        found["tasks"] = store.tasks_of(session, dossier)
        items.append(dict(found, internal_id=dossier.id))
    return items


def _group_key(group_by, snap, dossier):
    if group_by == "month":
        moment = dossier.submitted_at or dossier.created_at
        return moment.strftime("%Y-%m")
    if group_by == "procedure":
        return dossier.procedure_code
    return snap[group_by] or ""


def stats(session, caller, query):
    permissions.require(caller, "stats.read")
    data = load(contract.StatsQuery, query or {})
    sql = scope_filter(caller, select(Dossier))
    for name in ("province", "agency"):
        if data.get(name):
            sql = sql.where(getattr(Dossier, name) == data[name])
    if data.get("date_from"):
        sql = sql.where(Dossier.created_at >= data["date_from"])
    if data.get("date_to"):
        sql = sql.where(Dossier.created_at < data["date_to"])
    counts, done, on_time = Counter(), 0, 0
    cache = {}
    for dossier in session.scalars(sql):
        version = cache.get(dossier.procedure_version_id) or session.get(
            ProcedureVersion, dossier.procedure_version_id
        )
        cache[dossier.procedure_version_id] = version
        calendar = cache.get(dossier.province) or catalogue.calendar_of(
            session, dossier.province
        )
        cache[dossier.province] = calendar
        snap = store.snapshot(session, dossier, version, calendar)
        counts[_group_key(data["group_by"], snap, dossier)] += 1
        done += snap["deadline_state"].startswith("completed")
        on_time += snap["deadline_state"] == "completed_on_time"
    return {
        "group_by": data["group_by"],
        "items": [{"key": k, "count": n} for k, n in sorted(counts.items())],
        "total": sum(counts.values()),
        "completed": done,
        "on_time_rate": round(on_time / done, 4) if done else None,
    }


def record_file_added(session, event):
    """A file kept for a dossier (files `file_uploaded`) becomes a history line with
    the file's own audience; once per event, nothing for templates or unknown ids."""
    if not event.get("dossier_id"):
        return False
    if not first_delivery(session, ProcessedEvent, event):
        return False
    try:
        dossier = store.load(session, SYSTEM, event["dossier_id"])
    except DossierNotFound:
        return False
    actor = {"id": event.get("uploaded_by"), "full_name": None, "role": None}
    # dated when the file was kept (the event's time), not when the event is read
    store.record_history(
        session, dossier, SYSTEM, "file_added", note=event["name"], actor=actor,
        public=event.get("audience") != visibility.INTERNAL,
        changes=changes.file_added(event.get("slot"), event["name"]),
        at=clock.parse(event.get("occurred_at")),
    )  # fmt: skip
    return True
