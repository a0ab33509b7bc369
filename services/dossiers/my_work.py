"""The statistics of one person's own work (the seed: officers see their own figures).

Every staff member, whatever the role, sees what they did (history entries whose actor
is them, by action), the dossiers assigned to them that are still open, by deadline
state, and their own tasks, by state. Nobody sees another officer's figures here.
"""

import datetime as dt
from collections import Counter

from sqlalchemy import cast, func, select
from sqlalchemy.dialects.postgresql import JSONB

from services.contracts import dossiers as contract
from services.shared import permissions
from services.shared.schemas import load

from . import catalogue, domain, store
from .models import Dossier, HistoryEntry, Task


def _done(session, me, since):
    # an internal note is part of the move it annotates: not a step of its own
    actor = HistoryEntry.actor["id"].as_string()
    query = (
        select(HistoryEntry.action, func.count())
        .where(actor == me, HistoryEntry.at >= since, HistoryEntry.action != "note")
        .group_by(HistoryEntry.action)
    )
    return dict(session.execute(query).all())


def _assigned(session, caller, me):
    query = select(Dossier).where(
        cast(Dossier.assignees, JSONB).contains([me]),
        Dossier.status.in_(domain.OPEN_STATES),
    )
    query = store.scope_filter(caller, query)
    counts = Counter()
    for dossier in session.scalars(query):
        calendar = catalogue.calendar_of(session, dossier.province)
        state, _, _ = store.figures(
            dossier, store.version_of(session, dossier), calendar
        )
        counts[state or "none"] += 1
    return dict(counts)


def _tasks(session, me):
    query = (
        select(Task.status, Task.due_state, func.count())
        .where(Task.assignee == me)
        .group_by(Task.status, Task.due_state)
    )
    counts = Counter()
    for status, due_state, n in session.execute(query):
        counts[status] += n
        if status == "open" and due_state:
            counts[due_state] += n
    return dict(counts)


def my_stats(session, caller, query=None):
    """{since, done: {action: n}, assigned_open: {deadline state: n}, tasks: {...}}."""
    permissions.require(caller, "stats.own")  # 401 for anonymous callers
    data = load(contract.MyStatsQuery, query or {})
    since = data.get("date_from") or (store.today() - dt.timedelta(days=30))
    moment = dt.datetime.combine(since, dt.time(), tzinfo=domain.LOCAL_TZ)
    me = caller["user_id"]
    return {
        "since": since.isoformat(),
        "done": _done(session, me, moment),
        "assigned_open": _assigned(session, caller, me),
        "tasks": _tasks(session, me),
    }
