"""Who notify should write to: applicants of a procedure, officers' due work.

- `list_applicants(caller, procedure, date_from, date_to)` → [{email, full_name}] of
  the applicants (in the caller's scope) who submitted that procedure in the period
  (local dates, both inclusive), one per e-mail, drafts left out.
- `due_work(session, within_days)` → what the daily reminders need: for every
  assignee, the dossiers and open tasks due within `within_days` working days or
  overdue; for every department with overdue work, its leaders' summary. Users are
  resolved afterwards (outside the transaction) through the accounts facade.
"""

import datetime as dt

from sqlalchemy import select

from services.contracts import dossiers as contract
from services.shared import permissions
from services.shared.schemas import load

from . import domain, store
from .deadlines import Lookups
from .models import Dossier, Task
from .operations import scope_filter

WORKING = (domain.PROCESSING, domain.PENDING, domain.APPROVED)


def _local_start(day):
    return dt.datetime.combine(day, dt.time(0), domain.LOCAL_TZ)


def list_applicants(session, caller, query):
    store.require_login(caller)
    permissions.require(caller, "bulk_mail.send")
    data = load(contract.ApplicantsQuery, query)
    sql = scope_filter(caller, select(Dossier.applicant)).where(
        Dossier.procedure_code == data["procedure"],
        Dossier.status != domain.DRAFT,
    )
    if data.get("date_from"):
        sql = sql.where(Dossier.submitted_at >= _local_start(data["date_from"]))
    if data.get("date_to"):
        end = _local_start(data["date_to"] + dt.timedelta(days=1))
        sql = sql.where(Dossier.submitted_at < end)
    found = {}
    for applicant in session.scalars(sql.order_by(Dossier.id)):
        email = ((applicant or {}).get("email") or "").strip()
        if email and email.lower() not in found:
            found[email.lower()] = {
                "email": email,
                "full_name": applicant.get("full_name"),
            }
    return list(found.values())


def _due(state_due, today, calendar, within):
    """'overdue' / 'due_soon' when the work needs attention, else None."""
    if state_due is None:
        return None
    if today > state_due:
        return "overdue"
    return "due_soon" if calendar.between(today, state_due) <= within else None


def _dossier_items(session, today, within, lookups):
    horizon = today + dt.timedelta(days=within * 2 + 14)
    rows = session.scalars(
        select(Dossier)
        .where(Dossier.status.in_(WORKING), Dossier.appointment_date <= horizon)
        .order_by(Dossier.appointment_date, Dossier.id)
    )
    for dossier in rows:
        calendar = lookups.calendar(dossier.province)
        due = store.effective_due(dossier, lookups.procedure(dossier), calendar)
        state = _due(due, today, calendar, within)
        if state:
            name = lookups.procedure(dossier).name
            item = _item("dossier", f"{dossier.receipt_number} – {name}", due, state)
            yield dossier, dict(item, dossier_id=str(dossier.public_id))


def _item(kind, title, due, state):
    return {"kind": kind, "title": title, "due_date": due.isoformat(), "state": state}


def _task_items(session, today, within, lookups):
    rows = session.execute(
        select(Task, Dossier)
        .join(Dossier, Dossier.id == Task.dossier_id)
        .where(Task.status == "open", Task.due_date.is_not(None))
        .where(Task.assignee.is_not(None), Dossier.status.in_(WORKING))
        .order_by(Task.due_date, Task.id)
    )
    for task, dossier in rows:
        calendar = lookups.calendar(dossier.province)
        state = _due(task.due_date, today, calendar, within)
        if state:
            item = _item("task", task.title, task.due_date, state)
            yield task.assignee, dict(item, dossier_id=str(dossier.public_id))


def due_work(session, within_days):
    """{officers: {user_id: [items]}, departments: {(agency, dept): [items]}}."""
    today, lookups = store.today(), Lookups(session)
    officers, departments = {}, {}
    for dossier, item in _dossier_items(session, today, within_days, lookups):
        for user_id in dossier.assignees or ():
            officers.setdefault(str(user_id), []).append(item)
        if item["state"] == "overdue" and dossier.department:
            key = (dossier.agency, dossier.department)
            departments.setdefault(key, []).append(item)
    for user_id, item in _task_items(session, today, within_days, lookups):
        officers.setdefault(str(user_id), []).append(item)
    return officers, departments


def shape(officers, departments, directory):
    """The answer notify's reminders read, with users resolved by the directory."""
    leaders = {}
    for (agency, department), items in sorted(departments.items()):
        for user in directory.leaders(agency, department):
            entry = leaders.setdefault(
                user["id"], {"user": user, "departments": [], "items": []}
            )
            entry["departments"].append(
                {"department": department, "overdue": len(items)}
            )
            entry["items"].extend(items)
    return {
        "officers": [
            {"user": directory.user(user_id), "items": items}
            for user_id, items in sorted(officers.items())
        ],
        "leaders": list(leaders.values()),
    }
