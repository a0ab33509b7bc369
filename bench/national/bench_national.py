"""National scale: 34 provinces, their catalogues and many dossiers in the index.

    bench/run national --count 1000000
    bench/run national --smoke

Seeds the search index directly in bulk (its own index prefix, through the search
service's own `DossierIndex`, so documents are what the service indexes), then
measures p95 of the lists a desk and an officer open, a province admin's dashboard
and the operator's national view, against the targets (lists < 50 ms, dashboards
< 200 ms). Dossiers are spread over the provinces by weight: the number of
pre-2025 provinces each unit was formed from (1 to 3, `services/shared/data`), a
stand-in for population (no population table is in the repository). Each province
has `--procedures` procedures and communes (agencies) in proportion to its weight
(3,321 communes nationally, as after the 2025 reform). `--smoke` loads 1,000 and runs
each query 5 times: CI runs it as a test (figures are printed, not checked there).
Exits 1 when a query fails.
"""

import argparse
import random
import statistics
import sys
import time

from services.contracts.search import FiltersSchema, PagingSchema
from services.search.dependencies import DossierIndex
from services.search.engine import Engine
from services.shared import provinces
from services.shared.schemas import load
from tests.stack import Stack

COMMUNES = 3321
OPEN = ["waiting_reception", "processing", "supplement_requested",
        "pending_approval", "approved"]  # fmt: skip
STATUSES = OPEN + ["completed"] * 3
OPEN_STATES = ["on_time", "on_time", "due_soon", "overdue"]
DONE_STATES = ["completed_on_time"] * 9 + ["completed_late"]
NAMES = ["Nguyễn Thị Hằng", "Trần Văn An", "Lê Minh Đức", "Phạm Ngọc Lan",
         "Hoàng Văn Nam", "Vũ Thị Hoa", "Đặng Hữu Phúc", "Bùi Thanh Bình"]  # fmt: skip
KINDS = ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký thường trú",
         "Đăng ký hộ kinh doanh", "Cấp giấy phép xây dựng", "Cấp phiếu lý lịch tư pháp",
         "Chứng thực bản sao từ bản chính"]  # fmt: skip
TARGETS = {"list": 50, "dashboard": 200}


def country(procedures):
    """[(code, weight, [agency codes])] and the procedure catalogue (shared codes)."""
    units = provinces.in_force()
    total = sum(len(u["formed_from"]) for u in units.values())
    shape = []
    for code, unit in sorted(units.items()):
        weight = len(unit["formed_from"])
        communes = max(1, round(COMMUNES * weight / total))
        shape.append((code, weight, [f"{code}.X{n:03d}" for n in range(communes)]))
    catalogue = [
        (f"TT{n:03d}", f"{KINDS[n % len(KINDS)]} ({n})") for n in range(procedures)
    ]
    return shape, catalogue


def dossier(i, rnd, shape, catalogue):
    code, _, agencies = rnd.choices(shape, weights=[w for _, w, _ in shape])[0]
    agency = rnd.choice(agencies)
    proc = rnd.choice(catalogue)
    status = rnd.choice(STATUSES)
    state = rnd.choice(DONE_STATES if status == "completed" else OPEN_STATES)
    month, day = 1 + rnd.randrange(12), 1 + rnd.randrange(28)
    return {
        "id": f"nat-{i}",
        "receipt_number": f"{agency}-25{month:02d}{day:02d}-{i % 10000:04d}",
        "province": code,
        "agency": agency,
        "department": f"D{rnd.randrange(4)}",
        "procedure": {"code": proc[0], "name": proc[1], "version": 1},
        "applicant": {
            "id": f"u{rnd.randrange(10**6)}",
            "kind": "citizen",
            "full_name": rnd.choice(NAMES),
        },  # fmt: skip
        "status": status,
        "deadline_state": state,
        "days_late": rnd.randrange(30) if state == "overdue" else 0,
        "appointment_date": f"2025-{month:02d}-{day:02d}",
        "submitted_at": f"2025-{month:02d}-{day:02d}T08:00:00+07:00",
        "assignees": [f"{agency}-o{rnd.randrange(6)}"],
        "fee": rnd.choice([0, 8000, 50000]),
        "form_text": "",
        "paper": rnd.random() < 0.7,
        "version": 1,
    }


def load_index(index, count, shape, catalogue, batch=5000):
    engine, rnd = index.engine, random.Random(18)
    name = engine.index_name(1)
    engine.create_index(name, building=True)
    engine.switch_alias(None, name)
    start = time.perf_counter()
    for first in range(0, count, batch):
        index.bulk_index(
            [dossier(i, rnd, shape, catalogue)
             for i in range(first, min(first + batch, count))]
        )  # fmt: skip
    engine.finish_index(name)
    elapsed = time.perf_counter() - start
    print(f"bulk index {count:,} dossiers in 34 provinces: {elapsed:.1f} s "
          f"({count / elapsed:,.0f}/s)")  # fmt: skip


def p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)], statistics.median(ordered)


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def scenarios(index, shape, rnd):
    """(name, kind, fn): the lists and dashboards of each scope."""
    weights = [w for _, w, _ in shape]

    def someone(role, scope_agency=True):
        code, _, agencies = rnd.choices(shape, weights=weights)[0]
        caller = {"user_id": "bench", "kind": "staff", "roles": [role],
                  "province": code}  # fmt: skip
        if scope_agency:
            caller["agency"] = rnd.choice(agencies)
        return caller

    work = load(PagingSchema(), {"sort": "time_left"})
    overdue = load(FiltersSchema(), {"deadline_state": "overdue,due_soon"})
    operator = {"user_id": "op", "kind": "operator", "roles": ["operator"]}
    national = ["province", "performance_by_province", "on_time_rate", "month"]
    return [
        ("desk work list, time left", "list",
         lambda: index.query(someone("desk"), {}, work)),
        ("desk list, overdue + due soon", "list",
         lambda: index.query(someone("desk"), overdue, work)),
        ("province list, overdue, by time left", "list",
         lambda: index.query(someone("province_admin", False), overdue, work)),
        ("agency dashboard (admin, 4 groups)", "dashboard",
         lambda: index.aggregate(someone("admin"),
                                 {}, ["status", "deadline_state", "procedure",
                                      "on_time_rate"], "month")),
        ("province dashboard, per agency", "dashboard",
         lambda: index.aggregate(someone("province_admin", False), {},
                                 ["performance_by_agency", "status", "month"],
                                 "month")),
        ("national view (operator, 4 groups)", "dashboard",
         lambda: index.aggregate(operator, {}, national, "month")),
        ("national per agency (3,321 rows)", "dashboard",
         lambda: index.aggregate(operator, {}, ["performance_by_agency"], "month")),
    ]  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--procedures", type=int, default=200)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.count, args.runs, args.procedures = 1000, 5, 20
    shape, catalogue = country(args.procedures)
    stack, failed = Stack(), False
    try:
        engine = Engine(
            stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201"),
            stack.env["PORTAL_INDEX_PREFIX"],
            timeout=120,
        )
        index = DossierIndex(engine)
        load_index(index, args.count, shape, catalogue)
        engine.client.indices.forcemerge(index=engine.alias, max_num_segments=1)
        print(f"{'query':<40}| p50 ms | p95 ms | target")
        for name, kind, fn in scenarios(index, shape, random.Random(5)):
            try:
                high, mid = p95(timed(fn, args.runs))
            except Exception as exc:  # noqa: BLE001 - reported, then exit 1
                print(f"{name:<40}| failed: {exc}")
                failed = True
                continue
            verdict = "ok" if high < TARGETS[kind] else "over"
            print(f"{name:<40}| {mid:6.1f} | {high:6.1f} | < {TARGETS[kind]} {verdict}")
    finally:
        stack.delete_indices()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
