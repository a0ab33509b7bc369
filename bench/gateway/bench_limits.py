"""Cost per request of the rate-limit count and the Idempotency-Key steps.

Runs against a throw-away gateway database on the local PostgreSQL (migrated like the
gateway does at start, dropped at the end):
- `hit`: the one upsert every counted request makes, from 1 and from 8 threads;
- `claim` + `finish`: what a request with a new Idempotency-Key adds;
- `claim` of a kept key: what a replay costs (it answers without any RPC).

    PYTHONPATH=. $PORTAL_VENV/bin/python bench/gateway/bench_limits.py [--rounds N]
"""

import argparse
import os
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text

from gateway.store import open_store
from services.shared.config import PG_DSN_BASE


def timed(fn, rounds):
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples


def show(name, samples, wall=None):
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    rate = f", {len(samples) / wall:,.0f}/s" if wall else ""
    print(f"{name:38} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms{rate}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    prefix = f"bench{uuid.uuid4().hex[:6]}_"
    os.environ["PORTAL_DB_PREFIX"] = prefix
    store = open_store()
    try:
        show(
            "hit (1 thread, one identity)",
            timed(lambda i: store.hit("ip:a", 60), rounds),
        )
        with ThreadPoolExecutor(8) as pool:
            start = time.perf_counter()
            lists = list(
                pool.map(
                    lambda t: timed(
                        lambda i: store.hit(f"user:{t % 2}", 60), rounds // 8
                    ),
                    range(8),
                )
            )
            wall = time.perf_counter() - start
        show("hit (8 threads, two identities)", sorted(sum(lists, [])), wall)

        def new_key(i):
            store.claim("citizen:x", f"k{i}", "f" * 64, 86400, 60)
            store.finish(
                "citizen:x",
                f"k{i}",
                201,
                {"Content-Type": "application/json"},
                b"{}" * 200,
            )

        show("claim + finish (new key)", timed(new_key, rounds))
        show(
            "claim (kept key: replay)",
            timed(
                lambda i: store.claim("citizen:x", f"k{i}", "f" * 64, 86400, 60), rounds
            ),
        )
        start = time.perf_counter()
        store.cleanup()
        took = (time.perf_counter() - start) * 1000
        print(f"cleanup with {rounds} live keys: {took:.1f} ms")
    finally:
        store.close()
        admin = create_engine(
            f"{PG_DSN_BASE.read()}/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(
                text(f'DROP DATABASE IF EXISTS "{prefix}gateway" WITH (FORCE)')
            )
        admin.dispose()


if __name__ == "__main__":
    main()
