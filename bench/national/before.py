"""The national view and the per-agency page as the search service asked them
before issue 18 item 5's second round, kept to measure the new forms against on the
same index (`bench_national.py`) and to check they answer the same
(`tests/integration/search/test_national_forms.py`).

Before: the national view was three aggregations over every dossier (a terms per
province, the same terms with a `filters` of three states under each province, a
`filters` for the on-time rate); the per-agency page built every agency's row
(terms of 10,000 with the `filters` under each) and `bucket_sort` kept the page.
"""

from services.search import dashboards
from services.shared import provinces

STATES = {
    "on_time": "completed_on_time",
    "late": "completed_late",
    "overdue": "overdue",
}


def _state(name):
    return {"term": {"deadline_state": STATES[name]}}


def _performance(field, size):
    states = {"filters": {"filters": {name: _state(name) for name in STATES}}}
    return {"terms": {"field": field, "size": size}, "aggs": {"state": states}}


def national_body(query, interval):
    """province, performance_by_province, on_time_rate, month."""
    rate = {"filters": {"filters": {n: _state(n) for n in ("on_time", "late")}}}
    return {
        "query": query,
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "province": {"terms": {"field": "province", "size": 100}},
            "performance_by_province": _performance("province", 100),
            "on_time_rate": rate,
            "month": dashboards.aggregation("month", interval),
        },
    }


def agency_page_body(query, rows):
    """performance_by_agency, one page: every row built, then sorted and cut."""
    key = rows["sort"].lstrip("-")
    order = "desc" if rows["sort"].startswith("-") else "asc"
    agg = _performance("agency", 10_000)
    done = "params.on_time + params.late"
    none = -1 if order == "desc" else 2
    scripts = {
        "completed": done,
        "rate": f"({done}) == 0 ? {none} : params.on_time / ({done})",
    }
    if key in scripts:
        paths = {n: f"state['{n}']>_count" for n in ("on_time", "late")}
        agg["aggs"][key] = {
            "bucket_script": {"buckets_path": paths, "script": scripts[key]}
        }
    path = {"key": "_key", "count": "_count"}.get(key, key)
    if key in STATES:
        path = f"state['{key}']>_count"
    tiebreak = [] if key == "key" else [{"_key": {"order": "asc"}}]
    agg["aggs"]["page"] = {
        "bucket_sort": {
            "sort": [{path: {"order": order}}, *tiebreak],
            "from": (rows["page"] - 1) * rows["page_size"],
            "size": rows["page_size"],
        }
    }
    rows_count = dashboards.row_count("performance_by_agency")
    aggs = {"performance_by_agency": agg, "performance_by_agency_rows": rows_count}
    return {"query": query, "size": 0, "track_total_hits": True, "aggs": aggs}


def _rows(group, agg):
    rows = []
    for bucket in agg["buckets"]:
        states = bucket["state"]["buckets"]
        row = {"key": bucket["key"], "count": bucket["doc_count"]}
        row.update({name: states[name]["doc_count"] for name in STATES})
        rows.append(row)
    if group == "performance_by_province":
        rows = provinces.merge_counts(rows, ("count", *STATES))
    for row in rows:
        done = row["on_time"] + row["late"]
        row["completed"] = done
        row["rate"] = round(row["on_time"] / done, 4) if done else None
    return rows


def read(response, rows=None):
    """The board the service answered from either body."""
    aggs = response["aggregations"]
    board = {"total": response["hits"]["total"]["value"], "groups": {}}
    groups = board["groups"]
    for group in ("performance_by_province", "performance_by_agency"):
        if group in aggs:
            groups[group] = _rows(group, aggs[group])
    if "province" in aggs:
        found = aggs["province"]["buckets"]
        groups["province"] = provinces.merge_counts(
            [{"key": b["key"], "count": b["doc_count"]} for b in found]
        )
        groups["month"] = dashboards.read_group("month", aggs["month"])
        rate = aggs["on_time_rate"]["buckets"]
        on_time, late = rate["on_time"]["doc_count"], rate["late"]["doc_count"]
        done = on_time + late
        groups["on_time_rate"] = {
            "completed": done, "on_time": on_time, "late": late,
            "rate": round(on_time / done, 4) if done else None,
        }  # fmt: skip
    if rows:
        total = aggs["performance_by_agency_rows"]["value"]
        board["pages"] = {"performance_by_agency": dict(rows, total=total)}
    return board
