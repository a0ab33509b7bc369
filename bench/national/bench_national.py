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
import json
import random
import statistics
import sys
import time

from bench.national import before
from services.contracts.search import FiltersSchema, PagingSchema
from services.search import queries
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


def loaded(engine, count):
    """True when a kept index (`--keep`) already holds `count` dossiers."""
    if not engine.client.indices.exists_alias(name=engine.alias):
        return False
    return engine.count() == count


def load_index(index, count, shape, catalogue, batch=5000):
    engine, rnd = index.engine, random.Random(18)
    if loaded(engine, count):
        print(f"bulk index {count:,} dossiers in 34 provinces: kept from a run before")
        return
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


class Recorder:
    """Wraps the engine's `search` and `msearch`: the bodies a row sends and the
    engine's `took` (of every search a row sends, summed).

    The shard request cache is bypassed: a row repeating one request would else be
    measured as a cache hit (after each refresh that changed the index a busy
    deployment's requests miss it, which is the case measured here)."""

    def __init__(self, engine):
        self.engine = engine
        self.bodies, self.took, self.cache = [], 0, False
        engine.search, engine.msearch = self, self.many

    def __call__(self, body, index=None):
        self.bodies.append(body)
        found = self.engine.client.search(
            index=index or self.engine.alias, body=body, request_cache=self.cache
        )
        self.took += found["took"]
        return found

    def many(self, bodies, index=None):  # Engine.msearch, the cache bypassed alike
        self.bodies += bodies
        head = {"index": index or self.engine.alias, "request_cache": self.cache}
        lines = [line for body in bodies for line in (head, body)]
        answers = self.engine.client.msearch(body=lines)["responses"]
        self.took += sum(answer["took"] for answer in answers)
        return answers


def timed(rows, runs, recorder):
    """{name: (ms samples, engine took samples) or the error}: round-robin, one run
    of every row after the other, so a burst of the machine's other work falls on
    every row alike (the figures of a row before and after a change compare)."""
    found = {name: ([], []) for name, _, _ in rows}
    for _ in range(runs):
        for name, _, fn in rows:
            if isinstance(found[name], Exception):
                continue
            recorder.took, recorder.cache = 0, name.endswith("(request cache)")
            start = time.perf_counter()
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - reported, then exit 1
                found[name] = exc
                continue
            found[name][0].append((time.perf_counter() - start) * 1000)
            found[name][1].append(recorder.took)
    return found


def profile(engine, bodies):
    """One line per request body: the engine's own times (`profile: true`) and the
    answer's size, to tell the engine's work from the transfer and the client's."""
    for body in bodies:
        answer = engine.client.search(index=engine.alias, body=body)
        size = len(json.dumps(answer))
        shard = engine.client.search(index=engine.alias, body=dict(body, profile=True))[
            "profile"
        ]["shards"][0]
        search = shard["searches"][0]
        query = sum(q["time_in_nanos"] for q in search["query"]) / 1e6
        collect = sum(c["time_in_nanos"] for c in search["collector"]) / 1e6
        aggs = sum(a["time_in_nanos"] for a in shard["aggregations"]) / 1e6
        kinds = ",".join(q["type"] for q in search["query"])
        print(f"    profile: took {answer['took']} ms, query {query:.1f} ms ({kinds}), "
              f"collectors {collect:.1f} ms, aggregations {aggs:.1f} ms, "
              f"answer {size / 1024:.0f} KiB")  # fmt: skip


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

    def desk_page():  # what the work list page asked: the tab's page, then the counts
        desk = someone("desk")
        index.query(desk, tab, work)
        index.count_tabs(desk, {})

    def former(body_of):  # the form asked before, on the same index (before.py)
        query = queries.bool_query(operator, {}, queries.stats_scope_clause)
        return before.read(index.engine.search(body_of(query)))

    def former_page():
        rows_asked = dict(rows, sort="-overdue", page=rnd.randrange(60) + 1)
        return former(lambda q: before.agency_page_body(q, rows_asked))

    tab = load(FiltersSchema(), {"tab": "processing"})
    rows = {"page": 1, "page_size": 50, "sort": "-count"}  # what the page asks
    return [
        ("desk work list, time left", "list",
         lambda: index.query(someone("desk"), {}, work)),
        ("desk work list page: tab + counts, 2 requests", "list", desk_page),
        ("desk work list page: tab + counts, 1 request", "list",
         lambda: index.work_list(someone("desk"), tab, work)),
        ("national list (operator), by time left", "list",
         lambda: index.query(operator, {}, work)),
        ("national list, before (page and total in one search)", "list",
         lambda: queries.page_of(index.engine.search(
             queries.search_body(operator, {}, work)))),
        ("desk list, overdue + due soon", "list",
         lambda: index.query(someone("desk"), overdue, work)),
        ("province list, overdue, by time left", "list",
         lambda: index.query(someone("province_admin", False), overdue, work)),
        ("agency dashboard (admin, 4 groups)", "dashboard",
         lambda: index.aggregate(someone("admin"),
                                 {}, ["status", "deadline_state", "procedure",
                                      "on_time_rate"], "month")),
        ("province dashboard, per agency (a page of 50)", "dashboard",
         lambda: index.aggregate(someone("province_admin", False), {},
                                 ["performance_by_agency", "status", "month"],
                                 "month", rows)),
        ("national view (operator, 4 groups)", "dashboard",
         lambda: index.aggregate(operator, {}, national, "month")),
        ("national view, before (3 aggregations)", "dashboard",
         lambda: former(lambda q: before.national_body(q, "month"))),
        ("national per agency, all 3,321 rows (before)", "dashboard",
         lambda: index.aggregate(operator, {}, ["performance_by_agency"], "month")),
        ("national per agency, a page of 50 by overdue", "dashboard",
         lambda: index.aggregate(operator, {}, ["performance_by_agency"], "month",
                                 dict(rows, sort="-overdue",
                                      page=rnd.randrange(60) + 1))),
        ("national per agency page, before (all rows built)", "dashboard",
         former_page),
        ("the same page again (request cache)", "dashboard",
         lambda: index.aggregate(operator, {}, ["performance_by_agency"], "month",
                                 dict(rows, sort="-overdue", page=7))),
    ]  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--procedures", type=int, default=200)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--prefix", help="index prefix (with --keep: reused next run)")
    parser.add_argument("--keep", action="store_true", help="leave the index in place")
    parser.add_argument("--profile", action="store_true",
                        help="print each row's engine profile once")  # fmt: skip
    args = parser.parse_args()
    if args.smoke:
        args.count, args.runs, args.procedures = 1000, 5, 20
    shape, catalogue = country(args.procedures)
    stack, failed = Stack(), False
    try:
        if args.prefix:
            stack.env["PORTAL_INDEX_PREFIX"] = args.prefix
        engine = Engine(
            stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201"),
            stack.env["PORTAL_INDEX_PREFIX"],
            timeout=120,
        )
        index = DossierIndex(engine)
        load_index(index, args.count, shape, catalogue)
        engine.client.indices.forcemerge(index=engine.alias, max_num_segments=1)
        recorder = Recorder(engine)
        print(f"{'query':<48}| p50 ms | p95 ms | target | engine took p95 ms")
        rows = scenarios(index, shape, random.Random(5))
        found = timed(rows, args.runs, recorder)
        for name, kind, fn in rows:
            if isinstance(found[name], Exception):
                print(f"{name:<48}| failed: {found[name]}")
                failed = True
                continue
            (high, mid), (took, _) = (p95(s) for s in found[name])
            verdict = "ok" if high < TARGETS[kind] else "over"
            print(f"{name:<48}| {mid:6.1f} | {high:6.1f} | < {TARGETS[kind]} {verdict} "
                  f"| {took:.0f}")  # fmt: skip
            if args.profile:
                recorder.bodies, recorder.cache = [], False
                fn()
                profile(engine, recorder.bodies)
    finally:
        if not args.keep:
            stack.delete_indices()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
