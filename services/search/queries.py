"""Pure query building: the caller's scope, filters, sorting, dashboard aggregations.

No engine client here: these functions turn validated input into the engine's query
DSL and its answers back into plain dicts, so they are unit-tested without a cluster.
"""

from services.contracts.search import SORTS
from services.shared import permissions, visibility

NOTHING = {"bool": {"must_not": [{"match_all": {}}]}}
MAX_WINDOW = 10_000
TERMS_FILTERS = {
    "province": "province",
    "procedure": "procedure.code",
    "agency": "agency",
    "department": "department",
    "assignee": "assignees",
    "status": "status",
    "deadline_state": "deadline_state",
    "step_state": "step_state",
}
RANGES = {"submitted": "submitted_at", "appointment": "appointment_date"}
ATTENTION = ("due_soon", "overdue")
DAYS_LATE = (("1-3", 1, 4), ("4-7", 4, 8), ("8-14", 8, 15), ("15-30", 15, 31))


def _term(field, value):
    return {"term": {field: value}}


# Record fields of the visibility rule -> fields of the dossier document.
SCOPE_FIELDS = {
    "province": "province",
    "agency": "agency",
    "department": "department",
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


def filter_clauses(filters):
    """Turn validated filters into engine filter clauses."""
    clauses = []
    for name, field in TERMS_FILTERS.items():
        if filters.get(name):
            clauses.append({"terms": {field: list(filters[name])}})
    for name, field in RANGES.items():
        bounds = {}
        if filters.get(f"{name}_from"):
            bounds["gte"] = filters[f"{name}_from"].isoformat()
        if filters.get(f"{name}_to"):
            bounds["lte"] = filters[f"{name}_to"].isoformat()
        if bounds:
            clauses.append({"range": {field: bounds}})
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
    scope = scope(caller)
    if scope is not None:
        clauses.append(scope)
    query = {"bool": {"filter": clauses}}
    if filters.get("q"):
        query["bool"]["must"] = [keyword_clause(filters["q"])]
    return query


def sort_clause(sort):
    """Turn "-submitted_at,fee" into engine sort clauses with a stable tiebreak."""
    clauses = []
    for key in sort.split(","):
        key = key.strip()
        order = "desc" if key.startswith("-") else "asc"
        spec = {"order": order, "missing": "_last"}
        if SORTS[key.lstrip("-")] == "assignees":
            spec["mode"] = "min" if order == "asc" else "max"
        clauses.append({SORTS[key.lstrip("-")]: spec})
    clauses.append({"id": {"order": "asc"}})
    return clauses


def search_body(caller, filters, paging):
    """Return the search request body for one page of a list."""
    size = paging["page_size"]
    return {
        "query": bool_query(caller, filters),
        "sort": sort_clause(paging["sort"]),
        "from": (paging["page"] - 1) * size,
        "size": size,
        "track_total_hits": True,
    }


def page_of(response):
    """Return {"items", "total"} from a search response."""
    hits = response["hits"]
    return {
        "items": [hit["_source"] for hit in hits["hits"]],
        "total": hits["total"]["value"],
    }
