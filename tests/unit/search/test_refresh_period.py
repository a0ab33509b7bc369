"""The search refresher's period: short while quiet, longer while writes stream."""

from services.search.dependencies import refresh_period


def test_a_write_after_quiet_is_refreshed_within_the_short_period():
    assert refresh_period(0.1, written=False, quiet=0.1) == 0.1
    # the first period with a write refreshes and only then doubles the next wait
    assert refresh_period(0.1, written=True, quiet=0.1) == 0.2


def test_a_stream_of_writes_doubles_the_period_up_to_the_index_interval():
    period, seen = 0.1, []
    for _ in range(8):
        period = refresh_period(period, written=True, quiet=0.1, busy=1.0)
        seen.append(period)
    assert seen == [0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_one_quiet_period_brings_the_short_period_back():
    assert refresh_period(1.0, written=False, quiet=0.1, busy=1.0) == 0.1


def test_a_quiet_period_longer_than_the_busy_one_is_kept():
    # PORTAL_SEARCH_REFRESH_EVERY above the index's interval: never shortened
    assert refresh_period(2.0, written=True, quiet=2.0, busy=1.0) == 2.0
