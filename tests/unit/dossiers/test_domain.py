"""The workflow table, the working-day calendar, deadline states, receipt numbers."""

import datetime as dt

import pytest

from services.dossiers import domain
from services.dossiers.domain import Calendar, deadline_state
from services.shared.permissions import ROLE_ACTIONS

D = dt.date
ICT = domain.LOCAL_TZ
TET_2026 = [D(2026, 2, d) for d in range(16, 21)]


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=ICT)


# --- workflow ----------------------------------------------------------------

JOURNEY = [
    ("draft", "submit", "waiting_reception"),
    ("waiting_reception", "receive", "processing"),
    ("processing", "request_supplement", "supplement_requested"),
    ("supplement_requested", "submit", "waiting_reception"),
    ("processing", "send_for_approval", "pending_approval"),
    ("pending_approval", "send_back", "processing"),
    ("pending_approval", "approve", "approved"),
    ("approved", "return_result", "completed"),
    ("waiting_reception", "reject", "rejected"),
]


@pytest.mark.parametrize(("state", "action", "target"), JOURNEY)
def test_each_design_transition_leads_where_the_design_says(state, action, target):
    assert domain.find(state, action).target == target


@pytest.mark.parametrize("state", domain.OPEN_STATES)
def test_every_open_state_can_be_cancelled(state):
    assert domain.find(state, "cancel").target == "cancelled"


@pytest.mark.parametrize("state", domain.CLOSED_STATES)
def test_closed_states_allow_nothing(state):
    assert all(domain.find(state, a) is None for a in domain.ACTIONS)


def test_actions_outside_the_table_are_not_found():
    assert domain.find("draft", "approve") is None
    assert domain.find("processing", "receive") is None
    assert domain.find("approved", "send_back") is None


def test_receive_issues_receipt_and_appointment_and_department():
    effects = domain.find("waiting_reception", "receive").effects
    assert {"receipt_number", "appointment_date", "department"} <= set(effects)


def test_supplement_pauses_and_resubmission_resumes_the_clock():
    assert "pause_clock" in domain.find("processing", "request_supplement").effects
    assert "resume_clock" in domain.find("supplement_requested", "submit").effects


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        ("desk", "waiting_reception", ["cancel", "receive", "reject"]),
        ("officer", "processing", ["request_supplement", "send_for_approval"]),
        ("leader", "pending_approval", ["approve", "send_back"]),
        ("desk", "approved", ["cancel", "return_result"]),
        ("citizen", "draft", ["cancel", "submit"]),
        ("citizen", "supplement_requested", ["cancel", "submit"]),
        ("citizen", "processing", []),
        ("officer", "waiting_reception", []),
    ],
)
def test_roles_get_exactly_their_actions(role, state, expected):
    assert domain.allowed_actions(state, ROLE_ACTIONS[role]) == expected


def test_permissions_for_collects_every_state():
    assert domain.permissions_for("cancel") == {"dossier.cancel", "dossier.cancel_own"}


def test_workflow_table_lists_every_transition():
    rows = domain.workflow_table()
    assert len(rows) == len(domain.TRANSITIONS)
    assert ("approved", "return_result", "completed") in [r[:3] for r in rows]


# --- calendar ----------------------------------------------------------------


def test_weekends_are_skipped():
    cal = Calendar()
    assert cal.add(D(2026, 3, 6), 2) == D(2026, 3, 10)  # Fri + 2 → Tue
    assert cal.add(D(2026, 3, 7), 0) == D(2026, 3, 9)  # Sat → Mon


def test_tet_2026_break_is_skipped():
    cal = Calendar(TET_2026)
    assert cal.add(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert cal.add(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert cal.due_date(at(2026, 2, 13), 3) == D(2026, 2, 25)


def test_between_counts_working_days_only():
    cal = Calendar(TET_2026)
    assert cal.between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert cal.between(D(2026, 2, 23), D(2026, 2, 13)) == 0


def test_received_after_15h_counts_from_next_working_day():
    cal = Calendar(TET_2026)
    assert cal.due_date(at(2026, 2, 13, 15, 0), 0, after_15h=True) == D(2026, 2, 23)
    assert cal.due_date(at(2026, 2, 13, 14, 59), 0, after_15h=True) == D(2026, 2, 13)


def test_15h_rule_only_when_the_procedure_has_it():
    cal = Calendar()
    assert cal.due_date(at(2026, 3, 6, 16), 0) == D(2026, 3, 6)


def test_received_on_a_weekend_starts_next_working_day():
    cal = Calendar()
    assert cal.due_date(at(2026, 3, 7, 9), 1) == D(2026, 3, 10)


def test_utc_times_are_read_on_vietnamese_clock():
    cal = Calendar()
    eight_utc = dt.datetime(2026, 3, 6, 8, 30, tzinfo=dt.UTC)  # 15:30 in Hanoi
    assert cal.start_day(eight_utc, after_15h_rule=True) == D(2026, 3, 9)


def test_paused_clock_extends_the_deadline():
    cal = Calendar(TET_2026)
    paused = domain.paused_working_days(cal, at(2026, 2, 12), at(2026, 2, 24))
    assert paused == 3  # Fri 13, Mon 23, Tue 24
    assert cal.due_date(at(2026, 2, 11), 2, paused) == D(2026, 2, 25)  # 12,13,23,24,25


def test_pause_and_resume_same_day_costs_nothing():
    cal = Calendar()
    assert domain.paused_working_days(cal, at(2026, 3, 9, 9), at(2026, 3, 9, 16)) == 0


# --- deadline states ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state", "late"),
    [
        (D(2026, 3, 2), "on_time", 0),
        (D(2026, 3, 5), "due_soon", 0),
        (D(2026, 3, 6), "due_soon", 0),
        (D(2026, 3, 9), "overdue", 1),
        (D(2026, 3, 11), "overdue", 3),
    ],
)
def test_open_dossier_deadline_states(today, state, late):
    result = deadline_state("processing", D(2026, 3, 6), today, Calendar())
    assert (result.state, result.days_late) == (state, late)


def test_due_soon_window_is_configurable():
    result = deadline_state(
        "processing", D(2026, 3, 6), D(2026, 3, 4), Calendar(), due_soon_days=2
    )
    assert result.state == "due_soon"


def test_completed_on_time_and_late():
    cal = Calendar()
    due = D(2026, 3, 6)
    on_time = deadline_state("completed", due, D(2026, 4, 1), cal, D(2026, 3, 6))
    late = deadline_state("completed", due, D(2026, 4, 1), cal, D(2026, 3, 10))
    assert on_time.state == "completed_on_time"
    assert (late.state, late.days_late) == ("completed_late", 2)


@pytest.mark.parametrize("status", ["cancelled", "rejected"])
def test_cancelled_and_rejected_leave_the_clock(status):
    assert deadline_state(status, D(2026, 3, 6), D(2026, 4, 1), Calendar()).state == (
        "cancelled"
    )


def test_no_appointment_yet_is_on_time():
    assert deadline_state(
        "waiting_reception", None, D(2026, 4, 1), Calendar()
    ).state == ("on_time")


def test_receipt_number_format():
    assert domain.receipt_number("H01.12", D(2026, 2, 3), 7) == "H01.12-260203-0007"


# --- received here, resolved there ----------------------------------------------


def test_a_dossier_received_elsewhere_is_transferred_and_its_result_returned():
    route = domain.TRANSFER
    assert domain.route_of("X", "Y") == route
    assert domain.route_of("Y", "Y") == domain.route_of(None, "Y") == domain.LOCAL
    path = [
        ("waiting_reception", "receive_for_transfer", "to_transfer"),
        ("to_transfer", "transfer", "transferred"),
        ("transferred", "accept_transfer", "processing"),
        ("approved", "return_to_desk", "returned"),
        ("returned", "return_result", "completed"),
    ]
    for state, action, target in path:
        assert domain.find(state, action, route).target == target
    # the one-agency moves are not on this route, nor the transfer's on the local one
    assert domain.find("waiting_reception", "receive", route) is None
    assert domain.find("approved", "return_result", route) is None
    assert domain.find("waiting_reception", "receive_for_transfer") is None
    assert domain.find("approved", "return_to_desk") is None
    # the legal deadline runs from the receiving desk's reception
    assert "mark_received" in domain.find("waiting_reception", "receive_for_transfer",
                                          route).effects  # fmt: skip


def test_each_agency_takes_its_own_steps_of_a_transferred_dossier():
    desk = ROLE_ACTIONS["desk"]
    route = domain.TRANSFER

    def actions(state, sides):
        return domain.allowed_actions(state, desk, route=route, sides=sides)

    assert actions("waiting_reception", {"receiving"}) == [
        "cancel", "receive_for_transfer", "reject"]  # fmt: skip
    assert actions("waiting_reception", {"resolving"}) == ["cancel"]
    # the receiving desk sends it on (again, after a decline) or refuses it
    assert actions("to_transfer", {"receiving"}) == ["cancel", "reject", "transfer"]
    assert actions("to_transfer", {"resolving"}) == ["cancel"]
    assert actions("transferred", {"receiving"}) == ["cancel"]
    assert actions("transferred", {"resolving"}) == [
        "accept_transfer", "cancel", "decline_transfer"]  # fmt: skip
    assert domain.find("transferred", "decline_transfer") is None  # local route
    assert domain.find("transferred", "decline_transfer", route).target == (
        "to_transfer"
    )
    assert "decline_transfer" in domain.REASON_REQUIRED
    assert actions("approved", {"resolving"}) == ["cancel", "return_to_desk"]
    assert actions("approved", {"receiving"}) == ["cancel"]
    assert actions("returned", {"receiving"}) == ["cancel", "return_result"]
    assert actions("returned", {"resolving"}) == ["cancel"]
    officer = ROLE_ACTIONS["officer"]
    assert "request_supplement" not in domain.allowed_actions(
        "processing", officer, route=route, sides={"receiving"}
    )
