"""The gateway's database: keys expire and are cleaned up, counts are exact."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from gateway.store import GatewayStore, idempotency_keys, rate_counters
from services.shared.config import database_url

PRINT = "f" * 64


@pytest.fixture(scope="module")
def store(stack):
    """The run's gateway database (the stack's gateway migrated it at start)."""
    opened = GatewayStore(database_url("gateway", stack.env), pool_size=4)
    yield opened
    opened.close()


def scope():
    return f"citizen:{uuid.uuid4()}"


def rows(store, table, where):
    with store.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(table).where(where)
        ).scalar()


def test_an_expired_key_is_a_new_key(store):
    who = scope()
    assert store.claim(who, "k", PRINT, ttl=0, lease=60).outcome == "new"
    store.finish(who, "k", 201, {}, b"{}")
    time.sleep(0.01)  # the database clock moves on: expires_at < now()
    assert store.claim(who, "k", "e" * 64, ttl=60, lease=60).outcome == "new"


def test_a_running_key_left_by_a_dead_instance_is_taken_over(store):
    who = scope()
    assert store.claim(who, "k", PRINT, ttl=60, lease=0).outcome == "new"
    time.sleep(0.01)
    assert store.claim(who, "k", PRINT, ttl=60, lease=60).outcome == "new"
    assert store.claim(who, "k", PRINT, ttl=60, lease=60).outcome == "running"


def test_a_released_key_runs_again(store):
    who = scope()
    store.claim(who, "k", PRINT, ttl=60, lease=60)
    store.release(who, "k")
    assert store.claim(who, "k", PRINT, ttl=60, lease=60).outcome == "new"


def test_cleanup_removes_what_expired_and_keeps_the_rest(store):
    gone, kept = scope(), scope()
    store.claim(gone, "k", PRINT, ttl=0, lease=60)
    store.claim(kept, "k", PRINT, ttl=3600, lease=60)
    old = f"ip:test-{uuid.uuid4()}"
    with store.engine.begin() as conn:
        conn.execute(
            rate_counters.insert().values(
                identity=old,
                window_start=sa.func.now() - sa.text("interval '2 hours'"),
                hits=3,
            )
        )
    store.hit(f"ip:test-{uuid.uuid4()}", 60)
    time.sleep(0.01)
    store.cleanup()
    assert rows(store, idempotency_keys, idempotency_keys.c.scope == gone) == 0
    assert rows(store, idempotency_keys, idempotency_keys.c.scope == kept) == 1
    assert rows(store, rate_counters, rate_counters.c.identity == old) == 0


def test_concurrent_hits_are_counted_exactly(store):
    identity = f"user:{uuid.uuid4()}"
    with ThreadPoolExecutor(8) as pool:
        hits = pool.map(lambda _: store.hit(identity, 86400)[0], range(80))
        # A day-long window: the test cannot reasonably straddle two.
        assert sorted(hits) == list(range(1, 81))


def test_a_reservation_takes_at_most_a_tenth_of_what_is_left(store):
    identity = f"client:{uuid.uuid4()}"
    taken = [store.reserve(identity, 86400, 1000, want=64)[:2] for _ in range(4)]
    assert taken == [(64, 64), (128, 64), (192, 64), (256, 64)]
    # 744 left: 74 allowed, 64 wanted; then near the end one position at a time
    assert store.reserve(identity, 86400, 330, want=64)[:2] == (263, 7)
    assert store.reserve(identity, 86400, 280, want=64)[:2] == (264, 1)
    assert store.reserve(identity, 86400, 264, want=64)[:2] == (265, 1)  # spent


def test_concurrent_reservations_take_distinct_positions(store):
    identity = f"user:{uuid.uuid4()}"

    def reserve(_):
        last, granted, _ = store.reserve(identity, 86400, 10**6, want=5)
        return range(last - granted + 1, last + 1)

    with ThreadPoolExecutor(8) as pool:
        positions = [p for taken in pool.map(reserve, range(40)) for p in taken]
    assert sorted(positions) == list(range(1, 201))
