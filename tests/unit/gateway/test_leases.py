"""Batched rate-limit counts: never over the budget, refused early only by a bound.

The store here is a stand-in for the shared counter's upsert (gateway/store.py
`RESERVE`, tested against PostgreSQL in tests/integration/shared/test_gateway_store.py
and through two gateways in tests/e2e/test_rate_limits.py); what is tested is the
processes' bookkeeping.
"""

import random

import pytest

from gateway import leases
from gateway.leases import Leases


class Counter:
    """One window of the shared counter, as the upsert grants positions."""

    def __init__(self, seconds_left=60.0):
        self.hits, self.calls, self.seconds_left = {}, 0, seconds_left

    def reserve(self, identity, window, limit, want, share):
        self.calls += 1
        hits = self.hits.get(identity, 0)
        granted = min(want, max(1, (limit - hits) // share))
        self.hits[identity] = hits + granted
        return hits + granted, granted, self.seconds_left


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(leases.time, "monotonic", lambda: now[0])
    return now


def test_one_process_answers_every_position_in_order(clock):
    counter = Counter()
    process = Leases(counter, most=64)
    positions = [process.take("user:a", 60, 10_000)[0] for _ in range(1000)]
    assert positions == list(range(1, 1001))
    # 1, 2, 4 … 64, then 64 at a time: 21 round trips instead of 1,000
    assert counter.calls == 21
    assert counter.hits["user:a"] <= 1000 + 64


def test_a_batch_of_one_counts_every_request(clock):
    counter = Counter()
    process = Leases(counter, most=1)
    assert [process.take("ip:x", 60, 500)[0] for _ in range(30)] == list(range(1, 31))
    assert counter.calls == 30


def test_small_budgets_are_counted_one_by_one(clock):
    counter = Counter()
    process = Leases(counter)
    for _ in range(8):
        process.take("user:b", 60, 19)
    assert counter.calls == 8  # under 20 left a reservation is one position


@pytest.mark.parametrize("seed", range(20))
def test_many_processes_never_admit_more_than_the_limit(clock, seed):
    rng = random.Random(seed)
    limit, most = rng.choice([25, 300, 600, 1200]), 64
    counter = Counter()
    processes = [Leases(counter, most=most) for _ in range(rng.randint(2, 6))]
    admitted, served = [], [0] * len(processes)
    # a skewed mix: some processes get most of the identity's requests
    weights = [rng.random() ** 2 for _ in processes]
    for _ in range(3 * limit):
        i = rng.choices(range(len(processes)), weights)[0]
        position, _ = processes[i].take("client:c", 60, limit)
        if position <= limit:
            admitted.append(position)
            served[i] += 1
    assert len(admitted) == len(set(admitted)) <= limit
    # what went unused: each process at most min(most, a tenth of the budget,
    # one more than it served)
    unused = limit - len(admitted)
    bound = sum(min(most, limit // 10, n + 1) for n in served)
    assert unused <= bound


def test_a_spent_budget_is_refused_without_asking_again(clock):
    counter = Counter()
    process = Leases(counter)
    answers = [process.take("ip:y", 60, 5)[0] for _ in range(5)]
    assert answers == [1, 2, 3, 4, 5]
    calls = counter.calls
    for _ in range(50):
        assert process.take("ip:y", 60, 5)[0] > 5
    assert counter.calls == calls  # spent: the count cannot go down in its window
    other = process.take("ip:z", 60, 5)
    assert other[0] == 1


def test_a_new_window_starts_a_new_count(clock):
    counter = Counter(seconds_left=30.0)
    process = Leases(counter)
    for _ in range(100):
        process.take("user:d", 60, 1000)
    assert process.take("user:d", 60, 1000)[1] == 30
    clock[0] += 30.0  # the window is over: held positions are dropped
    counter.hits.clear()
    counter.seconds_left = 60.0
    calls = counter.calls
    position, reset = process.take("user:d", 60, 1000)
    assert (position, reset, counter.calls) == (1, 60, calls + 1)


def test_the_reset_counts_down_from_the_reservation(clock):
    process = Leases(Counter(seconds_left=12.5))
    assert process.take("user:e", 60, 100)[1] == 13
    clock[0] += 10.0
    assert process.take("user:e", 60, 100)[1] == 3


def test_identities_beyond_the_kept_number_are_forgotten(clock):
    counter = Counter()
    process = Leases(counter, kept=3)
    for name in "abcde":
        process.take(f"ip:{name}", 60, 1000)
    assert len(process._held) == 3
