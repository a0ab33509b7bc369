"""The rules of a dossier's life, as data and pure functions (no I/O, no frameworks).

- `TRANSITIONS`: (state, action) → `Transition(target, permissions, effects)`; the
  service looks a move up here, checks the caller's permissions, and applies the
  effects it names.
- `Calendar`: working days (Mon–Fri minus the province's holidays), the 15:00 rule,
  appointment dates with paused (supplement) days added back.
- `deadline_state`: on_time, due_soon, overdue, completed_on_time, completed_late,
  cancelled, with days late counted in working days.
- `receipt_number`: `{agency}-{YYMMDD}-{NNNN}`.
"""

import datetime as dt
from dataclasses import dataclass

from services.shared.clock import VN_TZ

# Reception days and the 15:00 rule are read on the Vietnamese clock.
LOCAL_TZ = VN_TZ
CUTOFF = dt.time(15, 0)

DRAFT = "draft"
WAITING = "waiting_reception"
PROCESSING = "processing"
SUPPLEMENT = "supplement_requested"
PENDING = "pending_approval"
APPROVED = "approved"
COMPLETED = "completed"
REJECTED = "rejected"
CANCELLED = "cancelled"
# A dossier received at one agency's desk and resolved by another ("received here,
# resolved there"): received, to be sent on; sent on, waiting for the resolving
# agency's desk; its result back at the receiving desk, to be handed over.
TO_TRANSFER = "to_transfer"
TRANSFERRED = "transferred"
RETURNED = "returned"

OPEN_STATES = (
    DRAFT,
    WAITING,
    TO_TRANSFER,
    TRANSFERRED,
    PROCESSING,
    SUPPLEMENT,
    PENDING,
    APPROVED,
    RETURNED,
)
CLOSED_STATES = (COMPLETED, REJECTED, CANCELLED)
STATES = OPEN_STATES + CLOSED_STATES
# States in which the applicant may still change the form and the files.
EDITABLE_STATES = (DRAFT, SUPPLEMENT)

ACTIONS = (
    "submit",
    "receive",
    "reject",
    "request_supplement",
    "send_for_approval",
    "approve",
    "send_back",
    "return_result",
    "cancel",
    "receive_for_transfer",
    "transfer",
    "accept_transfer",
    "return_to_desk",
    "decline_transfer",
)

# Whose staff take a move on a dossier received at one agency and resolved by
# another (on a dossier of one agency both are the same): the receiving desk
# receives, sends on and hands back; the resolving agency processes.
RECEIVING, RESOLVING, EITHER = "receiving", "resolving", "either"
SIDES = (RECEIVING, RESOLVING)
# The dossier's route: LOCAL when one agency receives and resolves it, TRANSFER
# when the receiving agency differs from the resolving one.
LOCAL, TRANSFER = "local", "transfer"


def route_of(receiving_agency, agency):
    """LOCAL unless the dossier is received by another agency than its resolver."""
    return TRANSFER if receiving_agency and receiving_agency != agency else LOCAL


@dataclass(frozen=True)
class Transition:
    """Where an action leads, who may take it (any of `permissions`), what it does."""

    target: str
    permissions: tuple
    effects: tuple = ()
    # The caller must belong to the dossier's department (officers, leaders).
    department_bound: bool = False
    # Permissions that may also take the move on a paper dossier, for the applicant
    # who came to the desk (the desk resubmits a supplemented paper dossier).
    on_behalf: tuple = ()
    # who takes it on a dossier received elsewhere (RECEIVING, RESOLVING, EITHER)
    side: str = RESOLVING
    # the only route the move exists on (None: every dossier)
    route: str | None = None

    def allowed(self, paper=False):
        """The permissions that may take this move (paper dossiers: also on_behalf)."""
        return set(self.permissions) | (set(self.on_behalf) if paper else set())


SUBMIT = ("dossier.submit",)
CANCEL_OWN = ("dossier.cancel", "dossier.cancel_own")

TRANSITIONS = {
    (DRAFT, "submit"): Transition(WAITING, SUBMIT, ("mark_submitted",), side=EITHER),
    (SUPPLEMENT, "submit"): Transition(
        WAITING,
        SUBMIT,
        ("resume_clock",),
        on_behalf=("dossier.register_paper",),
        side=EITHER,
    ),
    (WAITING, "receive"): Transition(
        PROCESSING,
        ("dossier.receive",),
        ("receipt_number", "appointment_date", "department", "mark_received"),
        route=LOCAL,
    ),
    # received here, resolved there: the legal deadline runs from this reception
    (WAITING, "receive_for_transfer"): Transition(
        TO_TRANSFER,
        ("dossier.receive",),
        ("receipt_number", "appointment_date", "mark_received"),
        side=RECEIVING,
        route=TRANSFER,
    ),
    (WAITING, "reject"): Transition(
        REJECTED, ("dossier.reject",), ("close",), side=RECEIVING
    ),
    (TO_TRANSFER, "transfer"): Transition(
        TRANSFERRED, ("dossier.transfer",), ("mark_transferred",), side=RECEIVING
    ),
    (TRANSFERRED, "accept_transfer"): Transition(
        PROCESSING, ("dossier.receive",), ("department",)
    ),
    # the resolving agency is not competent: back to the receiving desk, which
    # transfers it to another agency of the procedure (`transfer` with `agency`) or
    # refuses it to the applicant (`reject`)
    (TRANSFERRED, "decline_transfer"): Transition(
        TO_TRANSFER, ("dossier.receive",), ("mark_declined",), route=TRANSFER
    ),
    (TO_TRANSFER, "reject"): Transition(
        REJECTED, ("dossier.reject",), ("close",), side=RECEIVING
    ),
    (PROCESSING, "request_supplement"): Transition(
        SUPPLEMENT, ("dossier.request_supplement",), ("pause_clock",), True
    ),
    (PROCESSING, "send_for_approval"): Transition(
        PENDING, ("dossier.send_for_approval",), (), True
    ),
    (PENDING, "approve"): Transition(APPROVED, ("dossier.approve",), (), True),
    (PENDING, "send_back"): Transition(PROCESSING, ("dossier.send_back",), (), True),
    (APPROVED, "return_result"): Transition(
        COMPLETED, ("dossier.return_result",), ("close",), route=LOCAL
    ),
    # the resolving agency sends the result back to the receiving desk
    (APPROVED, "return_to_desk"): Transition(
        RETURNED, ("dossier.return_result",), ("mark_returned",), route=TRANSFER
    ),
    (RETURNED, "return_result"): Transition(
        COMPLETED, ("dossier.return_result",), ("close",), side=RECEIVING
    ),
}
# The applicant may withdraw while the agency has not started; staff at any open state.
for _state in OPEN_STATES:
    _perms = CANCEL_OWN if _state in (DRAFT, WAITING, SUPPLEMENT) else CANCEL_OWN[:1]
    TRANSITIONS[(_state, "cancel")] = Transition(
        CANCELLED, _perms, ("close",), side=EITHER
    )
del _state, _perms

# Actions that need a free-text reason (shown to the applicant).
REASON_REQUIRED = ("reject", "cancel", "decline_transfer")
NOTE_REQUIRED = ("request_supplement", "send_back")
# Notes addressed to the applicant by their nature: what to supplement, why refused.
# Any other staff note (a leader's send_back, an approval) is internal unless staff
# mark it public; the applicant's own notes are public.
PUBLIC_NOTES = ("request_supplement", "reject", "cancel", "decline_transfer")


def permissions_for(action, paper=False):
    """Every permission that allows `action` in some state."""
    found = set()
    for (_, name), move in TRANSITIONS.items():
        if name == action:
            found.update(move.allowed(paper))
    return found


def find(state, action, route=LOCAL):
    """Return the Transition for (state, action) on `route`, or None."""
    move = TRANSITIONS.get((state, action))
    return move if move and move.route in (None, route) else None


def takes(move, route, sides):
    """Whether a caller holding `sides` of the dossier takes `move` on `route`."""
    return route == LOCAL or move.side == EITHER or move.side in sides


def allowed_actions(state, actions, paper=False, route=LOCAL, sides=SIDES):
    """Actions the holder of permission set `actions` (and of `sides` of a dossier
    received elsewhere) may take from `state` on `route`."""
    return sorted(
        name
        for (src, name), move in TRANSITIONS.items()
        if src == state
        and move.route in (None, route)
        and takes(move, route, sides)
        and actions.intersection(move.allowed(paper))
    )


def workflow_table():
    """Rows (state, action, target, permissions, effects) for documentation."""
    return [
        (src, action, m.target, m.permissions, m.effects)
        for (src, action), m in TRANSITIONS.items()
    ]


# --- working days ----------------------------------------------------------------


class Calendar:
    """Working days of one province: Monday–Friday, minus its holidays."""

    def __init__(self, holidays=()):
        self.holidays = frozenset(holidays)

    def is_working(self, day):
        return day.weekday() < 5 and day not in self.holidays

    def next_working(self, day, strictly_after=False):
        """The first working day on or (strictly) after `day`."""
        day = day + dt.timedelta(days=1) if strictly_after else day
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def add(self, day, count):
        """The working day `count` working days after working day `day`."""
        day = self.next_working(day)
        for _ in range(count):
            day = self.next_working(day, strictly_after=True)
        return day

    def between(self, start, end):
        """Working days d with start < d <= end (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working(day)
        return count

    def start_day(self, received_at, after_15h_rule=False):
        """The working day the clock starts on for something received at that time."""
        local = local_time(received_at)
        day = local.date()
        late = after_15h_rule and local.time() >= CUTOFF and self.is_working(day)
        return self.next_working(day, strictly_after=late)

    def due_date(self, received_at, processing_days, paused_days=0, after_15h=False):
        """Appointment date: start day + processing days + paused working days."""
        start = self.start_day(received_at, after_15h)
        return self.add(start, int(processing_days) + int(paused_days))


def local_time(moment):
    """`moment` (aware datetime) on the Vietnamese clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LOCAL_TZ)


def local_date(moment):
    return local_time(moment).date()


def paused_working_days(calendar, paused_at, resumed_at):
    """Working days the clock stood still between a pause and its resumption."""
    return calendar.between(local_date(paused_at), local_date(resumed_at))


# --- deadline state --------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    state: str
    days_late: int = 0


def deadline_state(status, due, today, calendar, completed_on=None, due_soon_days=1):
    """Where a dossier stands against its appointment date `due` on `today`."""
    if status in (CANCELLED, REJECTED):
        return Deadline("cancelled")
    if due is None:
        return Deadline("on_time")
    if status == COMPLETED:
        late = calendar.between(due, completed_on or today)
        return Deadline("completed_late" if late else "completed_on_time", late)
    if today > due:
        return Deadline("overdue", calendar.between(due, today))
    if calendar.between(today, due) <= due_soon_days:
        return Deadline("due_soon")
    return Deadline("on_time")


DEADLINE_STATES = (
    "on_time",
    "due_soon",
    "overdue",
    "completed_on_time",
    "completed_late",
    "cancelled",
)


def receipt_number(agency_code, day, sequence):
    """`{agency_code}-{YYMMDD}-{NNNN}`."""
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"


# --- workflow steps and their own time limits --------------------------------------

# The step each open state belongs to: reception at the one-stop desk, processing in
# the department, approval by the leader. A procedure may give each a limit in
# working days (`step_limits`); the dossier-level appointment date stays the legal
# deadline.
STEPS = ("reception", "processing", "approval")
STEP_OF = {WAITING: "reception", PROCESSING: "processing", PENDING: "approval"}


def step_due_date(calendar, started_at, limits, step):
    """The day the step must be done by, or None when the procedure sets no limit."""
    limit = (limits or {}).get(step) if step else None
    if limit is None:
        return None
    return calendar.add(calendar.start_day(started_at), int(limit))


def due_state(due, today, calendar, due_soon_days=1):
    """on_time / due_soon / overdue of an open piece of work (None: no due date)."""
    if due is None:
        return None
    if today > due:
        return "overdue"
    if calendar.between(today, due) <= due_soon_days:
        return "due_soon"
    return "on_time"


def step_state(due, today, calendar):
    """The current step against its own limit: due_soon only on its last day."""
    return due_state(due, today, calendar, due_soon_days=0)


# --- what a procedure's level allows online ------------------------------------------

# Decree 42/2022's levels: 1 information only, 2 forms to download, 3 online
# submission, 4 submission, payment and the result online. Paper registration at the
# desk is open to every level.
ONLINE = {
    1: frozenset({"read"}),
    2: frozenset({"read", "download_forms"}),
    3: frozenset({"read", "download_forms", "submit"}),
    4: frozenset({"read", "download_forms", "submit", "pay", "receive_result"}),
}


def online_allows(level, what):
    """Tell whether a procedure of `level` lets an applicant do `what` online."""
    return what in ONLINE.get(int(level or 1), ONLINE[1])


def needs_signed_result(level, paper):
    """Whether the dossier's result is delivered online, so must be signed: a
    level-4 procedure filed online (a paper dossier takes its result at the desk)."""
    return online_allows(level, "receive_result") and not paper


# Where a late dossier may be given a new date: received and not yet closed.
RESCHEDULE_STATES = (PROCESSING, SUPPLEMENT, PENDING, APPROVED)


def agency_open(valid_from, valid_to, day):
    """Tell whether an agency effective from/to these dates (ISO or None) is open."""
    start = dt.date.fromisoformat(valid_from) if valid_from else None
    end = dt.date.fromisoformat(valid_to) if valid_to else None
    return (start is None or start <= day) and (end is None or day <= end)


def day_after(valid_to):
    """The first day a closed agency's successor receives (ISO; '' when open)."""
    if not valid_to:
        return ""
    return (dt.date.fromisoformat(valid_to) + dt.timedelta(days=1)).isoformat()
