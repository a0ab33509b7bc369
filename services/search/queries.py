"""Pure query building: the caller's scope, filters, sorting, dashboard aggregations.

No engine client here: these functions turn validated input into the engine's query
DSL and its answers back into plain dicts, so they are unit-tested without a cluster.
"""

from services.contracts.search import FILE_SORTS, SORTS, TABS, TASK_SORTS
from services.shared import permissions, visibility

NOTHING = {"bool": {"must_not": [{"match_all": {}}]}}
MAX_WINDOW = 10_000
TERMS_FILTERS = {
    "province": "province",
    "procedure": "procedure.code",
    "agency": "agency",
    "receiving_agency": "receiving_agency",
    "department": "department",
    "assignee": "assignees",
    "status": "status",
    "deadline_state": "deadline_state",
    "step_state": "step_state",
}
RANGES = {"submitted": "submitted_at", "appointment": "appointment_date"}
ATTENTION = ("due_soon", "overdue")
DAYS_LATE = (("1-3", 1, 4), ("4-7", 4, 8), ("8-14", 8, 15), ("15-30", 15, 31))


# The work list's tabs: which open dossiers each lists (one place; the gateway shows
# them in the order of contracts.search.TABS).
OPEN = (
    "waiting_reception",
    "to_transfer",
    "transferred",
    "processing",
    "supplement_requested",
    "pending_approval",
    "approved",
    "returned",
)
TAB_FILTERS = {
    "waiting_reception": {"status": ["waiting_reception"]},
    "processing": {"status": ["processing"]},
    "due_soon": {"status": list(OPEN), "deadline_state": ["due_soon"]},
    "overdue": {"status": list(OPEN), "deadline_state": ["overdue"]},
    "supplement_requested": {"status": ["supplement_requested"]},
    "pending_approval": {"status": ["pending_approval"]},
    "to_return": {"status": ["approved"]},
    "to_transfer": {"status": ["to_transfer"]},
    "returned": {"status": ["returned"]},
}
assert tuple(TAB_FILTERS) == TABS


def _term(field, value):
    return {"term": {field: value}}


# Record fields of the visibility rule -> fields of the dossier document.
SCOPE_FIELDS = {
    "province": "province",
    "agency": "agency",
    "department": "department",
    "receiving_province": "receiving_province",
    "receiving_agency": "receiving_agency",
    "owner": "owner",
    "assignees": "assignees",
    "submitted_at": "submitted_at",
    "received_by": "received_by",
}
# Statistics of one's own work (`stats.own` without `stats.read`): which dossiers
# are a role's own — the officer's are assigned to him, the desk's received by him.
OWN_WORK = {
    "officer": ("has", "assignees"),
    "desk": ("eq", "received_by"),
}


def scope_clause(caller):
    """Return the filter that limits a query to what the caller may see (None: all)."""
    predicate = visibility.rule(caller, "dossier")
    if predicate == visibility.ALL:
        return None
    return visibility.to_search(predicate, SCOPE_FIELDS)


def own_work(caller):
    """The predicate of the caller's own dossiers (by role; NONE when no role has)."""
    user = caller.get("user_id")
    roles = caller.get("roles") or ()
    parts = [(op, field, user) for role, (op, field) in OWN_WORK.items()
             if role in roles]  # fmt: skip
    if not user or not parts:
        return visibility.NONE
    return parts[0] if len(parts) == 1 else ("or", *parts)


def stats_predicate(caller):
    """The dashboards' scope: everything the caller sees when he holds `stats.read`
    (leaders their department, admins their agency or province, the operator all),
    else (`stats.own`: officers, the desk) only his own work within it."""
    predicate = visibility.rule(caller, "dossier")
    if permissions.can(caller, "stats.read"):
        return predicate
    return ("and", predicate, own_work(caller))


def stats_scope_clause(caller):
    predicate = stats_predicate(caller)
    if predicate == visibility.ALL:
        return None
    return visibility.to_search(predicate, SCOPE_FIELDS)


def keyword_clause(q):
    """Match q without regard to diacritics, by words, by prefix, by receipt number."""
    text_fields = ["applicant.full_name^3", "procedure.name^2", "form_text"]
    prefix_fields = ["applicant.full_name.prefix", "procedure.name.prefix"]
    code = q.strip().lower()
    return {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": q,
                        "fields": text_fields,
                        "type": "cross_fields",
                        "operator": "and",
                    }
                },
                {
                    "multi_match": {
                        "query": q,
                        "fields": prefix_fields,
                        "type": "cross_fields",
                        "operator": "and",
                    }
                },
                {"term": {"receipt_number": {"value": code, "boost": 10}}},
                {"prefix": {"receipt_number": {"value": code, "boost": 5}}},
            ],
            "minimum_should_match": 1,
        }
    }


def range_clauses(filters, ranges):
    """`<name>_from` / `<name>_to` filters as range clauses on each named field."""
    clauses = []
    for name, field in ranges.items():
        bounds = {}
        if filters.get(f"{name}_from"):
            bounds["gte"] = filters[f"{name}_from"].isoformat()
        if filters.get(f"{name}_to"):
            bounds["lte"] = filters[f"{name}_to"].isoformat()
        if bounds:
            clauses.append({"range": {field: bounds}})
    return clauses


def filter_clauses(filters):
    """Turn validated filters into engine filter clauses."""
    clauses = []
    for name, field in TERMS_FILTERS.items():
        if filters.get(name):
            clauses.append({"terms": {field: list(filters[name])}})
    clauses += range_clauses(filters, RANGES)
    if filters.get("receipt_number"):
        clauses.append(_term("receipt_number", filters["receipt_number"].lower()))
    if filters.get("applicant"):
        clauses.append(_term("applicant.id", filters["applicant"]))
    if "paper" in filters:
        clauses.append(_term("paper", filters["paper"]))
    return clauses


def bool_query(caller, filters, scope=scope_clause):
    """Return the full query: the caller's scope and the filters, q scored."""
    clauses = filter_clauses(filters)
    if filters.get("tab"):
        clauses += filter_clauses(TAB_FILTERS[filters["tab"]])
    scope = scope(caller)
    if scope is not None:
        clauses.append(scope)
    query = {"bool": {"filter": clauses}}
    if filters.get("q"):
        query["bool"]["must"] = [keyword_clause(filters["q"])]
    return query


LIST_FIELDS = ("assignees", "assignee_names")


def sort_clause(sort, keys=SORTS):
    """Turn "-submitted_at,fee" into engine sort clauses with a stable tiebreak."""
    clauses = []
    for key in sort.split(","):
        key = key.strip()
        order = "desc" if key.startswith("-") else "asc"
        spec = {"order": order, "missing": "_last"}
        field = keys[key.lstrip("-")]
        if field in LIST_FIELDS:
            spec["mode"] = "min" if order == "asc" else "max"
        clauses.append({field: spec})
    clauses.append({"id": {"order": "asc"}})
    return clauses


def tab_counts():
    """The aggregation counting each tab's open dossiers (one filters agg)."""
    tabs = {
        tab: {"bool": {"filter": filter_clauses(spec)}}
        for tab, spec in TAB_FILTERS.items()
    }
    return {
        "filter": {"terms": {"status": list(OPEN)}},
        "aggs": {"by": {"filters": {"filters": tabs}}},
    }


def tabs_body(caller, filters):
    """Count each tab's dossiers under the other filters (the tab itself aside)."""
    filters = {k: v for k, v in filters.items() if k != "tab"}
    return {
        "query": bool_query(caller, filters),
        "size": 0,
        "track_total_hits": False,
        "aggs": {"tabs": tab_counts()},
    }


def read_tabs(response):
    counted = response["aggregations"]["tabs"]
    buckets = counted["by"]["buckets"]
    items = [{"key": tab, "count": buckets[tab]["doc_count"]} for tab in TABS]
    return {"items": items, "total": counted["doc_count"]}


RECEIVING_LIMIT = 100  # receiving agencies the work list offers to filter by


def receiving_agencies(caller, filters):
    """The receiving agencies of the caller's dossiers under the other filters
    (the work list's choice of them): counted apart from the query (`global`, its
    filters again without the agency), so the one chosen hides no other."""
    others = {k: v for k, v in filters.items() if k not in ("tab", "receiving_agency")}
    codes = {"terms": {"field": "receiving_agency", "size": RECEIVING_LIMIT}}
    within = {"filter": bool_query(caller, others), "aggs": {"codes": codes}}
    return {"global": {}, "aggs": {"in": within}}


def read_receiving(response):
    buckets = response["aggregations"]["receiving"]["in"]["codes"]["buckets"]
    return [{"key": b["key"], "count": b["doc_count"]} for b in buckets]


def work_list_body(caller, filters, paging):
    """The work list page in one request: the tab's page and every tab's count.

    The query holds the other filters, so the counts aggregate over it; the tab
    narrows only the hits (`post_filter`, applied after the aggregations).
    """
    others = {k: v for k, v in filters.items() if k != "tab"}
    body = list_body(bool_query(caller, others), paging, SORTS)
    if filters.get("tab"):
        clauses = filter_clauses(TAB_FILTERS[filters["tab"]])
        body["post_filter"] = {"bool": {"filter": clauses}}
    body["aggs"] = {
        "tabs": tab_counts(),
        "receiving": receiving_agencies(caller, filters),
    }
    return body


def read_work_list(response):
    return dict(
        page_of(response),
        tabs=read_tabs(response),
        receiving_agencies=read_receiving(response),
    )


# --- tasks and files: the dossier part's fields are the same in every index ---
# Record fields of the visibility rule -> fields of a task or file document.
PART_SCOPE = dict(SCOPE_FIELDS, assignee="assignee", created_by="created_by")
PART_SCOPE["audience"] = "audience"


def part_scope(caller, kind):
    predicate = visibility.rule(caller, kind)
    if predicate == visibility.ALL:
        return None
    return visibility.to_search(predicate, PART_SCOPE)


def _text(q, fields, prefix_fields):
    should = [
        {
            "multi_match": {
                "query": q,
                "fields": names,
                "type": "cross_fields",
                "operator": "and",
            }
        }
        for names in (fields, prefix_fields)
    ]
    code = q.strip().lower()
    should.append({"term": {"receipt_number": {"value": code, "boost": 10}}})
    should.append({"prefix": {"receipt_number": {"value": code, "boost": 5}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _part_filters(filters, ranges):
    clauses = []
    if filters.get("procedure"):
        clauses.append({"terms": {"procedure.code": list(filters["procedure"])}})
    if filters.get("receipt_number"):
        clauses.append(_term("receipt_number", filters["receipt_number"].lower()))
    clauses += range_clauses(filters, ranges)
    return clauses


TASK_TERMS = {
    "agency": "agency",
    "receiving_agency": "receiving_agency",
    "department": "department",
    "assignee": "assignee",
    "status": "task_status",
    "deadline_state": "due_state",
}


def task_query(caller, filters):
    """The task list's query: the caller's tasks (visibility rule `task`), filtered."""
    clauses = _part_filters(filters, {"submitted": "submitted_at", "due": "due_date"})
    for name, field in TASK_TERMS.items():
        if filters.get(name):
            clauses.append({"terms": {field: list(filters[name])}})
    scope = part_scope(caller, "task")
    if scope is not None:
        clauses.append(scope)
    query = {"bool": {"filter": clauses}}
    if filters.get("q"):
        query["bool"]["must"] = [
            _text(
                filters["q"],
                ["title^3", "applicant.full_name^2", "procedure.name"],
                ["title.prefix", "applicant.full_name.prefix", "procedure.name.prefix"],
            )
        ]
    return query


def file_query(caller, filters):
    """Files by name within what the caller may open (visibility rule `file`)."""
    clauses = _part_filters(filters, {"uploaded": "uploaded_at"})
    if filters.get("dossier_id"):
        clauses.append(_term("dossier_id", filters["dossier_id"]))
    # a file whose dossier is not indexed yet (a draft's) has no scope: only the
    # system sees it until the dossier's submission fills its part in
    scope = part_scope(caller, "file")
    if scope is not None:
        clauses.append(scope)
    query = {"bool": {"filter": clauses}}
    if filters.get("q"):
        query["bool"]["must"] = [
            _text(filters["q"], ["name^2", "procedure.name"], ["name.prefix"])
        ]
    return query


def list_body(query, paging, keys):
    size = paging["page_size"]
    return {
        "query": query,
        "sort": sort_clause(paging["sort"], keys),
        "from": (paging["page"] - 1) * size,
        "size": size,
        "track_total_hits": True,
    }


def task_body(caller, filters, paging):
    return list_body(task_query(caller, filters), paging, TASK_SORTS)


def file_body(caller, filters, paging):
    return list_body(file_query(caller, filters), paging, FILE_SORTS)


def search_body(caller, filters, paging):
    """Return the search request body for one page of a list."""
    return list_body(bool_query(caller, filters), paging, SORTS)


def counted_apart(body):
    """The page and its exact total as two searches (one `_msearch`): one search
    collecting a sorted page and counting every hit cost the operator's list (all
    the country's dossiers) more than both apart, the count alone being answered
    from the index's statistics where it can be (bench/README.md "national")."""
    page = dict(body, track_total_hits=False)
    count = {"query": body["query"], "size": 0, "track_total_hits": True}
    return [page, count]


def page_counted(answers):
    """{"items", "total"} from the answers to `counted_apart`."""
    page, count = answers
    return {
        "items": [hit["_source"] for hit in page["hits"]["hits"]],
        "total": count["hits"]["total"]["value"],
    }


def page_of(response):
    """Return {"items", "total"} from a search response."""
    hits = response["hits"]
    return {
        "items": [hit["_source"] for hit in hits["hits"]],
        "total": hits["total"]["value"],
    }
