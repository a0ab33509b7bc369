"""The deadline sweep: states that move with time, announced without any new action.

A dossier becomes due_soon / overdue (and its days late grow, its current step runs
over its own limit) just because days pass. `sweep(db)` walks the open dossiers and
the open tasks with a due date in small batches, each batch one transaction that
locks its rows with `FOR UPDATE SKIP LOCKED`, so several instances (and officers
acting meanwhile) never wait on each other; whatever changed is stored, the version
moves on and `dossier_updated` goes out through the outbox with the new snapshot.
Comparing with the stored figures makes a second pass (or a second instance) a no-op.
"""

import logging

from sqlalchemy import func, select

from services.shared import metrics

from . import catalogue, domain, store
from .models import Dossier, Task

log = logging.getLogger(__name__)

SWEPT = (domain.WAITING, domain.PROCESSING, domain.SUPPLEMENT, domain.PENDING)
SWEPT += (domain.APPROVED,)
SYSTEM_ACTOR = {"id": None, "full_name": "Hệ thống", "role": "system"}


class Lookups:
    """Procedure versions and calendars met during one sweep, loaded once."""

    def __init__(self, session):
        self.session, self.versions, self.calendars = session, {}, {}

    def procedure(self, dossier):
        key = dossier.procedure_version_id
        if key not in self.versions:
            self.versions[key] = store.version_of(self.session, dossier)
        return self.versions[key]

    def calendar(self, province):
        if province not in self.calendars:
            self.calendars[province] = catalogue.calendar_of(self.session, province)
        return self.calendars[province]


def _batch(session, model, query, after, size):
    return session.scalars(
        query.where(model.id > after)
        .limit(size)
        .with_for_update(skip_locked=True, of=model)
    ).all()


def sweep_dossier(session, dossier, lookups):
    """Store and announce the dossier's figures if time moved them; True if so."""
    procedure = lookups.procedure(dossier)
    calendar = lookups.calendar(dossier.province)
    if not store.remember_figures(dossier, procedure, calendar):
        return False
    payload = {"changes": ["deadline_state"], "actor": SYSTEM_ACTOR}
    store.emit(session, dossier, "dossier_updated", payload, procedure, calendar)
    return True


def sweep_task(session, task, lookups):
    """Store the task's due state; bump and announce its dossier when it moved."""
    dossier = session.get(Dossier, task.dossier_id)
    calendar = lookups.calendar(dossier.province)
    state = domain.due_state(task.due_date, store.today(), calendar)
    if state == task.due_state:
        return False
    task.due_state = state
    store.bump(session, dossier)
    payload = {"changes": ["task_due_state"], "actor": SYSTEM_ACTOR}
    procedure = lookups.procedure(dossier)
    store.emit(session, dossier, "dossier_updated", payload, procedure, calendar)
    return True


DOSSIERS = select(Dossier).where(Dossier.status.in_(SWEPT)).order_by(Dossier.id)
TASKS = (
    select(Task)
    .join(Dossier, Dossier.id == Task.dossier_id)
    .where(Task.status == "open", Task.due_date.is_not(None))
    .where(Dossier.status.in_(SWEPT))
    .order_by(Task.id)
)


def _walk(db, model, query, step, size):
    checked = changed = after = 0
    while True:
        with db.transaction() as session:
            store.lock_timeout(session)
            rows = _batch(session, model, query, after, size)
            if not rows:
                return checked, changed
            lookups = Lookups(session)
            changed += sum(step(session, row, lookups) for row in rows)
            checked, after = checked + len(rows), rows[-1].id


def sweep(db, size=200):
    """One pass over open dossiers and tasks; return the counts."""
    dossiers = _walk(db, Dossier, DOSSIERS, sweep_dossier, size)
    tasks = _walk(db, Task, TASKS, sweep_task, size)
    result = {
        "dossiers_checked": dossiers[0],
        "dossiers_changed": dossiers[1],
        "tasks_checked": tasks[0],
        "tasks_changed": tasks[1],
    }
    if dossiers[1] or tasks[1]:
        log.info("deadline sweep: %s", result)
    report_overdue(db)
    return result


OVERDUE = (
    select(Dossier.province, func.count())
    .where(Dossier.status.in_(SWEPT), Dossier.deadline_state == "overdue")
    .group_by(Dossier.province)
)


def report_overdue(db):
    """Set the overdue gauge of every province from the figures just swept.

    A province met before and now without overdue dossiers goes to 0 rather than
    keeping its last value.
    """
    with db.reader() as session:
        counts = {metrics.province_label(p): n for p, n in session.execute(OVERDUE)}
    _reported.update(counts)
    for province in _reported:
        metrics.OVERDUE.labels(province).set(counts.get(province, 0))


_reported = set()  # provinces this process has reported, kept at 0 once cleared
