"""Benchmark the search index: bulk load, keyword search, dashboards, indexing lag.

One command (with `. deploy/local/env.sh`):
    PYTHONPATH=. $PORTAL_VENV/bin/python bench/search/bench_search.py --count 1000000

Runs on an isolated vhost and index prefix (the test harness's `Stack`), starts one
real search-service process for the lag measurement, prints p50/p95, and removes
everything it created.
"""

import argparse
import random
import statistics
import time
import uuid

from nameko.standalone.events import event_dispatcher

from services.contracts.search import FiltersSchema, PagingSchema
from services.search.dependencies import DossierIndex
from services.search.engine import Engine
from services.shared.schemas import load
from tests.contracts.events import complete
from tests.stack import Stack

LAG_TIMEOUT = 30  # seconds; the target is 1

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng"]
MIDDLE = ["Thị", "Văn", "Hữu", "Đức", "Ngọc", "Minh", "Thanh"]
GIVEN = ["Hằng", "An", "Bình", "Dũng", "Đường", "Hoa", "Lan", "Nam", "Phúc", "Quân"]
PROCEDURES = [(f"TT{i:03d}", f"Thủ tục hành chính số {i} cấp phép") for i in range(200)]
STATUSES = ["waiting_reception", "processing", "pending_approval", "completed"]
STATES = ["on_time", "due_soon", "overdue", "completed_on_time", "completed_late"]
PROVINCES = [f"{i:02d}" for i in range(1, 35)]


def fake(i, rnd):
    province = rnd.choice(PROVINCES)
    agency = f"{province}-AG{rnd.randrange(20)}"
    proc = rnd.choice(PROCEDURES)
    state = rnd.choice(STATES)
    day = 1 + rnd.randrange(28)
    return {
        "id": f"bench-{i}",
        "receipt_number": f"{agency}-2503{day:02d}-{i % 10000:04d}",
        "province": province,
        "agency": agency,
        "department": f"D{rnd.randrange(8)}",
        "procedure": {"code": proc[0], "name": proc[1], "version": 1},
        "applicant": {
            "id": f"u{rnd.randrange(200000)}",
            "kind": "citizen",
            "full_name": " ".join(
                (rnd.choice(SURNAMES), rnd.choice(MIDDLE), rnd.choice(GIVEN))
            ),
        },
        "status": rnd.choice(STATUSES),
        "deadline_state": state,
        "days_late": rnd.randrange(40) if state == "overdue" else 0,
        "appointment_date": f"2025-{1 + rnd.randrange(12):02d}-{day:02d}",
        "submitted_at": f"2025-{1 + rnd.randrange(12):02d}-{day:02d}T08:00:00+07:00",
        "assignees": [f"o{rnd.randrange(3000)}"],
        "fee": rnd.choice([0, 50000, 100000, 500000]),
        "form_text": f"Số {rnd.randrange(300)} đường {rnd.choice(GIVEN)}",
        "paper": rnd.random() < 0.1,
        "version": 1,
    }


def percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):7.1f} ms  p95 {p95:7.1f} ms"


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bulk_load(index, count, batch=5000):
    engine, rnd = index.engine, random.Random(7)
    name = engine.index_name(1)
    engine.create_index(name, building=True)  # refresh off while loading
    engine.switch_alias(None, name)
    start = time.perf_counter()
    for first in range(0, count, batch):
        docs = [fake(i, rnd) for i in range(first, min(first + batch, count))]
        index.bulk_index(docs)
    engine.finish_index(name)
    elapsed = time.perf_counter() - start
    print(f"bulk index {count:,} dossiers: {elapsed:.1f} s ({count / elapsed:,.0f}/s)")


def bench_queries(index, runs):
    rnd = random.Random(11)
    paging = load(PagingSchema(), {"sort": "time_left"})

    def keyword():
        province = rnd.choice(PROVINCES)
        desk = {
            "user_id": "d",
            "kind": "staff",
            "roles": ["desk"],
            "province": province,
            "agency": f"{province}-AG{rnd.randrange(20)}",
        }
        q = f"{rnd.choice(['nguyen', 'tran', 'le'])} thi {rnd.choice(['hang', 'lan'])}"
        filters = load(
            FiltersSchema(),
            {"q": q, "status": "processing", "deadline_state": "overdue,due_soon"},
        )
        filters["procedure"] = [rnd.choice(PROCEDURES)[0]]
        index.query(desk, filters, paging)

    def dashboard():
        admin = {"kind": "staff", "roles": ["province_admin"]}
        admin["province"] = rnd.choice(PROVINCES)
        index.aggregate(admin, {}, ["status", "procedure", "month"], "month")

    print("keyword + 3 filters (desk scope): " + percentiles(timed(keyword, runs)))
    national = {"kind": "operator", "roles": ["operator"]}
    groups = [
        "status",
        "deadline_state",
        "attention_by_department",
        "overdue_by_days_late",
        "on_time_rate",
    ]
    print("dashboard, province scope:        " + percentiles(timed(dashboard, runs)))
    print(
        "dashboard, national, 5 groups:    "
        + percentiles(
            timed(lambda: index.aggregate(national, {}, groups, "month"), runs // 4)
        )
    )


def bench_lag(stack, index, runs):
    dispatch = event_dispatcher(
        {"AMQP_URI": stack.env["PORTAL_AMQP_URI"], "serializer": "json"}
    )
    rnd = random.Random(3)
    samples = []
    for i in range(runs):
        doc = fake(10_000_000 + i, rnd)
        doc["version"] = 2
        body = {"dossier": doc, "version": 2, "event_id": str(uuid.uuid4())}
        # the contract's every required field: a payload the consumer refuses
        # (dropped as malformed) would never become searchable
        body = complete("dossiers", "dossier_status_changed", body)
        query = {"query": {"bool": {"filter": [{"term": {"id": doc["id"]}}]}}}
        start = time.perf_counter()
        dispatch("dossiers", "dossier_status_changed", body)
        while index.engine.count(body=query) == 0:
            if time.perf_counter() - start > LAG_TIMEOUT:
                raise RuntimeError(
                    f"dossier {doc['id']} not searchable {LAG_TIMEOUT} s after its"
                    " event (see the search service's log)"
                )
            time.sleep(0.005)
        samples.append((time.perf_counter() - start) * 1000)
        # publish at a random phase of the index's refresh cycle: publishing right
        # after the last document became visible (i.e. right after a refresh)
        # would measure a steady ~1 s instead of the real spread
        time.sleep(rnd.random())
    print("lag event publish -> searchable:   " + percentiles(samples))


def wait_for_search(stack, timeout=120):
    from gateway.rpc import RpcPool

    pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=1, timeout=5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pool.call("search", "health").get("opensearch") == "ok":
                return pool.close()
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise RuntimeError("search service did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--refresh-every",
        default=None,
        help="PORTAL_SEARCH_REFRESH_EVERY of the search instance (0: index refresh)",
    )
    args = parser.parse_args()
    stack = Stack()
    if args.refresh_every is not None:
        stack.env["PORTAL_SEARCH_REFRESH_EVERY"] = args.refresh_every
    stack.create_vhost()
    try:
        engine = Engine(
            stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201"),
            stack.env["PORTAL_INDEX_PREFIX"],
            timeout=120,
        )
        index = DossierIndex(engine)
        bulk_load(index, args.count)
        engine.client.indices.forcemerge(index=engine.alias, max_num_segments=1)
        bench_queries(index, args.runs)
        stack.start_service("search")
        wait_for_search(stack)
        bench_lag(stack, index, min(args.runs, 100))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
