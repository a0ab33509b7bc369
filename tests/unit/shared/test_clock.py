"""The services' clock: the real now unless a call runs at a set moment."""

import datetime as dt

from services.shared import clock


def test_now_is_real_unless_a_moment_is_set_and_then_again_after_it():
    moment = dt.datetime(2026, 9, 3, 2, 30, tzinfo=dt.UTC)
    before = clock.utcnow()
    with clock.at(moment):
        assert clock.utcnow() == moment
    assert clock.utcnow() >= before and clock.utcnow() != moment


def test_only_an_aware_iso_time_sets_the_moment():
    assert clock.parse("2026-09-03T09:30:00+07:00") == dt.datetime(
        2026, 9, 3, 2, 30, tzinfo=dt.UTC
    )
    for refused in ("2026-09-03T09:30:00", "yesterday", None, 5, ""):
        assert clock.parse(refused) is None
