"""An endpoint's tries in flight: bounded, and halted by a 410, a 429 or the caller.

`concurrently` runs real eventlet green threads; the attempts are fakes that sleep
on eventlet's hub (no network: the rule is the pool's, not HTTP's).
"""

import eventlet

from services.webhooks.sender import Outcome, concurrently


class Endpoint:
    """Counts the attempts running at once and the order they started in."""

    def __init__(self, answers=None, took=0.01):
        self.answers, self.took = answers or {}, took
        self.now = self.most = 0
        self.started = []

    def __call__(self, item):
        self.started.append(item)
        self.now += 1
        self.most = max(self.most, self.now)
        status, took = self.answers.get(item, (204, self.took))
        eventlet.sleep(took)
        self.now -= 1
        return Outcome(status=status)


def test_at_most_size_attempts_run_at_once_and_results_keep_the_order():
    endpoint = Endpoint()
    results, halted = concurrently(range(25), endpoint, 4)
    got = list(results)
    assert [item for item, _ in got] == list(range(25))
    assert all(outcome.delivered for _, outcome in got)
    assert endpoint.most == 4 and halted == []


def test_a_410_in_flight_starts_nothing_more_and_the_others_finish():
    # the first four start together; item 2 answers 410 first, the rest later
    endpoint = Endpoint({2: (410, 0.01)}, took=0.05)
    results, halted = concurrently(range(12), endpoint, 4)
    got = dict(results)
    assert sorted(endpoint.started) == [0, 1, 2, 3]
    assert got[2].gone and [got[i].status for i in (0, 1, 3)] == [204] * 3
    assert all(got[i] is None for i in range(4, 12))  # never tried: still due
    assert [o.status for o in halted] == [410]


def test_a_429_halts_too():
    retry = Outcome(status=429, retry_after=5.0)
    results, halted = concurrently(
        range(6), lambda i: retry if i == 0 else Outcome(status=204), 1
    )
    assert [o for _, o in results][1:] == [None] * 5 and halted == [retry]


def test_the_caller_halts_it_when_the_lease_is_lost():
    endpoint = Endpoint(took=0.02)
    results, halted = concurrently(range(20), endpoint, 2)
    seen = []
    for item, outcome in results:
        seen.append(outcome)
        if item == 0:
            halted.append(True)  # as serve() does when a flush finds the lease gone
    tried = [o for o in seen if o is not None]
    # what had started went on (at most the pool's size, and item 0 itself)
    assert 1 <= len(tried) <= 3 and len(endpoint.started) == len(tried)
