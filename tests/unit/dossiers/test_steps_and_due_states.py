"""Per-step time limits and the due states the deadline sweep recomputes."""

import datetime as dt

from services.dossiers import domain
from services.dossiers.domain import Calendar

ICT = domain.LOCAL_TZ
MONDAY = dt.date(2026, 3, 2)


def at(day, hour=9):
    return dt.datetime.combine(day, dt.time(hour), ICT)


def test_each_open_state_belongs_to_its_step():
    assert domain.STEP_OF[domain.WAITING] == "reception"
    assert domain.STEP_OF[domain.PROCESSING] == "processing"
    assert domain.STEP_OF[domain.PENDING] == "approval"
    assert domain.SUPPLEMENT not in domain.STEP_OF


def test_a_step_without_a_limit_has_no_due_date():
    assert domain.step_due_date(Calendar(), at(MONDAY), {}, "processing") is None
    assert domain.step_due_date(Calendar(), at(MONDAY), None, "approval") is None
    assert domain.step_due_date(Calendar(), at(MONDAY), {"approval": 1}, None) is None


def test_a_step_limit_counts_working_days_over_the_weekend():
    friday = MONDAY + dt.timedelta(days=4)
    due = domain.step_due_date(Calendar(), at(friday), {"processing": 2}, "processing")
    assert due == MONDAY + dt.timedelta(days=8)  # Friday + 2 working days = Tuesday


def test_a_step_started_on_a_holiday_starts_on_the_next_working_day():
    cal = Calendar([MONDAY])
    due = domain.step_due_date(cal, at(MONDAY), {"reception": 1}, "reception")
    assert due == MONDAY + dt.timedelta(days=2)


def test_due_state_moves_from_on_time_to_due_soon_to_overdue():
    cal, due = Calendar(), MONDAY + dt.timedelta(days=9)  # Wednesday next week
    assert domain.due_state(due, MONDAY, cal) == "on_time"
    assert domain.due_state(due, due - dt.timedelta(days=1), cal) == "due_soon"
    assert domain.due_state(due, due, cal) == "due_soon"
    assert domain.due_state(due, due + dt.timedelta(days=1), cal) == "overdue"
    assert domain.due_state(None, MONDAY, cal) is None


def test_a_step_is_due_soon_only_on_its_last_day():
    cal, due = Calendar(), MONDAY + dt.timedelta(days=1)
    assert domain.step_state(due, MONDAY, cal) == "on_time"
    assert domain.step_state(due, due, cal) == "due_soon"
    assert domain.step_state(due, due + dt.timedelta(days=1), cal) == "overdue"
