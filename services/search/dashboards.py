"""Pure dashboard aggregations: what to ask the engine and how to read its answer."""

from services.contracts.search import ROW_SORTS
from services.shared import provinces

from .queries import ATTENTION, DAYS_LATE

TERMS = {
    "status": ("status", 20),
    "procedure": ("procedure.code", 1000),
    "agency": ("agency", 2000),
    "department": ("department", 1000),
    "assignee": ("assignees", 2000),
    "deadline_state": ("deadline_state", 10),
    "province": ("province", 100),
}
# Per province / agency: counts, completed on time or late, overdue now (national view)
PERFORMANCE_BY = {
    "performance_by_province": ("province", 100),
    "performance_by_agency": ("agency", 10_000),
}
# each figure of a row: the deadline state it counts (one single-bucket `filter` per
# figure, so the engine can order the rows by one: terms `order`)
STATE_OF = {"on_time": "completed_on_time", "late": "completed_late",
            "overdue": "overdue"}  # fmt: skip
PERFORMANCE = tuple(STATE_OF)
# Groups answered one page at a time (a country has 3,321 communes): the engine sorts
# the rows and keeps the page, so no answer carries them all.
PAGED = {"performance_by_agency"}
# row sort key -> what the engine orders the rows by: the terms aggregation's own
# `order` (it then builds only the rows up to the page's last) ...
TERMS_ORDER = {"key": "_key", "count": "_count", "on_time": "on_time",
               "late": "late", "overdue": "overdue"}  # fmt: skip
# ... or, for the figures computed per row, a `bucket_sort` over every row
COMPUTED = ("completed", "rate")
assert {*TERMS_ORDER, *COMPUTED} == set(ROW_SORTS)
# The national view's province groups are read from one table of (province,
# deadline state) counts: one pass over the dossiers instead of three aggregations
# (a terms with three filters per province, a terms, a filters).
BY_PROVINCE = ("province", "performance_by_province", "on_time_rate")
PROVINCE_STATES = "province_states"
# more (province, state) pairs than this would be cut: there are 34 provinces (97
# codes with the old ones) and 7 deadline states
TABLE_SIZE = 10_000
# Received dossiers by the desk that received them (a dossier received here and
# resolved there counts once here, and once in the resolving agency's results)
RECEIVED_BY = {
    "received_by_agency": ("receiving_agency", 5000),
    "received_by_province": ("receiving_province", 100),
}
ATTENTION_BY = {
    "attention_by_officer": "assignees",
    "attention_by_department": "department",
}


def _attention(field):
    return {
        "filter": {"terms": {"deadline_state": list(ATTENTION)}},
        "aggs": {
            "by": {
                "terms": {"field": field, "size": 100},
                "aggs": {"state": {"terms": {"field": "deadline_state"}}},
            }
        },
    }


def _histogram(field, interval):
    return {
        "date_histogram": {
            "field": field,
            "calendar_interval": interval,
            "format": "yyyy-MM-dd",
        }
    }


def _states():
    return {name: f"{name}>_count" for name in ("on_time", "late")}


def paged_performance(field, size, rows):
    """One page of the per-row results, sorted by the engine (`rows`: page,
    page_size, sort). A row without completed dossiers has no rate: it sorts last
    either way (its sort value is out of the 0–1 range on the far side)."""
    key = rows["sort"].lstrip("-")
    order = "desc" if rows["sort"].startswith("-") else "asc"
    first = (rows["page"] - 1) * rows["page_size"]
    cut = {"from": first, "size": rows["page_size"]}
    aggs = _performance()
    if key in TERMS_ORDER:
        # ordered by the terms aggregation itself, which keeps (and builds the
        # figures of) only the rows up to the page's last: exact on the index's one
        # shard; the bucket_sort keeps the page of them. Depth first: with fewer
        # rows kept than agencies the engine would otherwise defer the figures and
        # replay every dossier to them (measured slower: bench/README.md)
        aggs["page"] = {"bucket_sort": cut}
        by = [{TERMS_ORDER[key]: order}] + ([] if key == "key" else [{"_key": "asc"}])
        keep = min(size, first + rows["page_size"])
        terms = {"field": field, "size": keep, "order": by}
        return {"terms": dict(terms, collect_mode="depth_first"), "aggs": aggs}
    done = "params.on_time + params.late"
    none = -1 if order == "desc" else 2
    # the computed column is a script per row at every reduce (even of an answer
    # from the request cache), so only the one sorted by
    scripts = {
        "completed": done,
        "rate": f"({done}) == 0 ? {none} : params.on_time / ({done})",
    }
    aggs[key] = {"bucket_script": {"buckets_path": _states(), "script": scripts[key]}}
    sort = [{key: {"order": order}}, {"_key": {"order": "asc"}}]
    aggs["page"] = {"bucket_sort": dict(cut, sort=sort)}
    return {"terms": {"field": field, "size": size}, "aggs": aggs}


def row_count(group):
    """How many rows a paged group has (exact below the threshold: 40,000)."""
    field, _ = PERFORMANCE_BY[group]
    return {"cardinality": {"field": field, "precision_threshold": 40_000}}


def aggregation(group, interval, rows=None):
    """Return the engine aggregation for one dashboard group."""
    if group in PAGED and rows:
        return paged_performance(*PERFORMANCE_BY[group], rows)
    if group in TERMS:
        field, size = TERMS[group]
        return {"terms": {"field": field, "size": size}}
    if group in ATTENTION_BY:
        return _attention(ATTENTION_BY[group])
    if group in PERFORMANCE_BY:
        field, size = PERFORMANCE_BY[group]
        return {"terms": {"field": field, "size": size}, "aggs": _performance()}
    if group in RECEIVED_BY:
        field, size = RECEIVED_BY[group]
        return {
            "filter": {"exists": {"field": "received_at"}},
            "aggs": {"by": {"terms": {"field": field, "size": size}}},
        }
    if group == "month":
        return _histogram("submitted_at", interval)
    if group == "overdue_by_days_late":
        ranges = [{"key": k, "from": lo, "to": hi} for k, lo, hi in DAYS_LATE]
        ranges.append({"key": "31+", "from": 31})
        return {
            "filter": _term_state("overdue"),
            "aggs": {"by": {"range": {"field": "days_late", "ranges": ranges}}},
        }
    if group == "overdue_series":
        return {
            "filter": {"terms": {"deadline_state": ["overdue", "completed_late"]}},
            "aggs": {"by": _histogram("appointment_date", interval)},
        }
    if group == "due_soon_series":  # open dossiers falling due soon, by due date
        return {
            "filter": _term_state("due_soon"),
            "aggs": {"by": _histogram("appointment_date", interval)},
        }
    return {  # on_time_rate
        "filters": {
            "filters": {
                "on_time": _term_state("completed_on_time"),
                "late": _term_state("completed_late"),
            }
        }
    }


def _performance():
    return {name: {"filter": _term_state(state)} for name, state in STATE_OF.items()}


def _performance_rows(group, agg):
    rows = []
    for bucket in agg["buckets"]:
        row = {"key": bucket["key"], "count": bucket["doc_count"]}
        row.update({name: bucket[name]["doc_count"] for name in PERFORMANCE})
        rows.append(row)
    return _with_rates(group, rows)


def _with_rates(group, rows):
    if group == "performance_by_province":
        rows = provinces.merge_counts(rows, ("count", *PERFORMANCE))
    for row in rows:
        done = row["on_time"] + row["late"]
        row["completed"] = done
        row["rate"] = round(row["on_time"] / done, 4) if done else None
    return rows


def province_states():
    """The (province, deadline state) table; a dossier without either is counted
    in a `null` row of its own (none are left out of the on-time rate)."""
    return {
        "composite": {
            "size": TABLE_SIZE,
            "sources": [
                {name: {"terms": {"field": name, "missing_bucket": True}}}
                for name in ("province", "deadline_state")
            ],
        }
    }


def table_groups(groups):
    """The groups read from the province table: when the results per province are
    asked (they need the table), those of BY_PROVINCE asked with them."""
    if "performance_by_province" not in groups:
        return ()
    return tuple(g for g in groups if g in BY_PROVINCE)


def read_table(group, agg):
    """A BY_PROVINCE group from the (province, state) table, as its own
    aggregation answers it."""
    counts = {}  # province -> state -> count
    for bucket in agg["buckets"]:
        key = bucket["key"]
        states = counts.setdefault(key["province"], {})
        states[key["deadline_state"]] = bucket["doc_count"]
    if group == "on_time_rate":
        found = {name: sum(s.get(STATE_OF[name], 0) for s in counts.values())
                 for name in ("on_time", "late")}  # fmt: skip
        return _rate(found["on_time"], found["late"])
    rows = []
    for code, states in counts.items():
        if code is None:  # no province: the terms aggregation has no row for it
            continue
        row = {"key": code, "count": sum(states.values())}
        if group == "province":
            rows.append(row)
            continue
        row.update({name: states.get(state, 0) for name, state in STATE_OF.items()})
        rows.append(row)
    if group == "province":
        return provinces.merge_counts(rows)
    return _with_rates(group, rows)


def _rate(on_time, late):
    done = on_time + late
    rate = round(on_time / done, 4) if done else None
    return {"completed": done, "on_time": on_time, "late": late, "rate": rate}


def _term_state(state):
    return {"term": {"deadline_state": state}}


def dashboard_body(query, groups, interval, rows=None):
    """The dashboard request; `rows` pages the PAGED groups (each also counted)."""
    table = table_groups(groups)
    aggs = {g: aggregation(g, interval, rows) for g in groups if g not in table}
    if table:
        aggs[PROVINCE_STATES] = province_states()
    if rows:
        aggs.update({f"{g}_rows": row_count(g) for g in groups if g in PAGED})
    return {"query": query, "size": 0, "track_total_hits": True, "aggs": aggs}


def _rows(buckets):
    return [
        {"key": b.get("key_as_string", b["key"]), "count": b["doc_count"]}
        for b in buckets
    ]


def _attention_rows(agg):
    rows = []
    for bucket in agg["by"]["buckets"]:
        states = {s["key"]: s["doc_count"] for s in bucket["state"]["buckets"]}
        row = {"key": bucket["key"], "count": bucket["doc_count"]}
        row.update({state: states.get(state, 0) for state in ATTENTION})
        rows.append(row)
    return rows


def read_group(group, agg):
    """Turn one aggregation answer into rows (or the on-time figures)."""
    if group in ATTENTION_BY:
        return _attention_rows(agg)
    if group in PERFORMANCE_BY:
        return _performance_rows(group, agg)
    if (
        group == "province"
    ):  # dossiers filed under a pre-2025 code count in its successor
        return provinces.merge_counts(_rows(agg["buckets"]))
    if group == "received_by_province":
        return provinces.merge_counts(_rows(agg["by"]["buckets"]))
    if group in ("overdue_by_days_late", "overdue_series", "due_soon_series") or (
        group in RECEIVED_BY
    ):
        return _rows(agg["by"]["buckets"])
    if group == "on_time_rate":
        found = agg["buckets"]
        return _rate(found["on_time"]["doc_count"], found["late"]["doc_count"])
    return _rows(agg["buckets"])


def read_dashboard(response, groups, rows=None):
    aggs = response.get("aggregations", {})
    table = table_groups(groups)
    board = {
        "total": response["hits"]["total"]["value"],
        "groups": {
            group: read_table(group, aggs[PROVINCE_STATES])
            if group in table
            else read_group(group, aggs[group])
            for group in groups
        },
    }
    if rows:
        board["pages"] = {
            g: dict(rows, total=aggs[f"{g}_rows"]["value"])
            for g in groups
            if g in PAGED
        }
    return board
