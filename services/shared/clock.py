"""Time, said once: the UTC now every record is stamped with, and Vietnam's clock.

Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact; dates
a person reads (receipt numbers, slips, the 15:00 rule) are on this clock.

A call may run at another moment: `at(moment)` sets the now of the current thread
(greenthread in a service: each nameko worker has its own context) until it is
reset. The services set it from the RPC context data `clock` only when
`PORTAL_CLOCK_FROM_CONTEXT` is on (`services/shared/dependencies.py`): that is how
the demo seeder writes three months of history through the services' own code, so
every stamp, deadline, event and index entry is what it would have been that day.
"""

import contextlib
import contextvars
import datetime as dt

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
CONTEXT_KEY = "clock"

_moment = contextvars.ContextVar("portal_clock", default=None)


def utcnow():
    moment = _moment.get()
    return moment if moment is not None else dt.datetime.now(dt.UTC)


def parse(value):
    """An aware UTC datetime from an ISO string with offset, else None."""
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC)


def set_moment(moment):
    """Make `moment` (aware, or None for the real time) the now; returns a token."""
    return _moment.set(moment)


def reset(token):
    _moment.reset(token)


@contextlib.contextmanager
def at(moment):
    token = set_moment(moment)
    try:
        yield moment
    finally:
        reset(token)
