"""Dossiers, their workflow actions, history, comments, tasks, lookup and statistics.

Every handler passes the request's caller to the dossiers service and shapes HTTP;
the rules (scope, roles, states) live in the service.
"""

import falcon

from services.shared.errors import detail

from . import search_render as render
from .common import call, json_object
from .search import DossierSearch, InvalidFilter, format_of, send

# Row ids are PostgreSQL integers: a larger number can name no row.
MAX_ID = 2**31 - 1
LIST_PARAMS = (
    "status",
    "procedure",
    "agency",
    "department",
    "province",
    "assignee",
    "page",
    "page_size",
)


def _params(req, names):
    return {k: req.get_param(k) for k in names if req.get_param(k) is not None}


class Resource:
    def __init__(self, rpc):
        self.rpc = rpc

    def call(self, req, method, *args, **kwargs):
        return call(self.rpc, req, "dossiers", method, *args, **kwargs)


class Dossiers(Resource):
    def __init__(self, rpc):
        super().__init__(rpc)
        self.search = DossierSearch(rpc)

    def on_get(self, req, resp):
        """The caller's visible dossiers from the search index (filters, q, sort).

        Drafts are never indexed (they are private until submitted), so
        `?status=draft` lists them from the dossiers service itself.
        """
        if req.get_param("status") == "draft":
            resp.media = self.call(req, "list_dossiers", _params(req, LIST_PARAMS))
        else:
            self.search.on_get(req, resp)

    def on_post(self, req, resp):
        """Start a draft: `{procedure, agency, province?, form}`."""
        resp.media = self.call(req, "create_dossier", json_object(req))
        resp.status = falcon.HTTP_201


class Dossier(Resource):
    def on_get(self, req, resp, dossier_id):
        resp.media = self.call(req, "get_dossier", dossier_id)

    def on_patch(self, req, resp, dossier_id):
        """Save form values: `{form: {...}, expected_version?}`."""
        resp.media = self.call(req, "update_dossier", dossier_id, json_object(req))


class Submit(Resource):
    def on_post(self, req, resp, dossier_id):
        body = json_object(req) if req.content_length else {}
        resp.media = self.call(
            req,
            "submit_dossier",
            dossier_id,
            expected_version=body.get("expected_version"),
        )


ACTION_FIELDS = (
    "note",
    "reason",
    "note_public",
    "department",
    "assignee",
    "expected_version",
)


class Actions(Resource):
    def on_post(self, req, resp, dossier_id):
        """`{action, note?, reason?, note_public?, department?, assignee?, ...}`."""
        body = json_object(req)
        extra = set(body) - set(ACTION_FIELDS) - {"action"}
        options = {k: body[k] for k in ACTION_FIELDS if k in body}
        if extra:
            options.update({k: body[k] for k in extra})
        resp.media = self.call(req, "act", dossier_id, body.get("action"), **options)


class PaperDossiers(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "register_paper_dossier", json_object(req))
        resp.status = falcon.HTTP_201


class Claims(Resource):
    def on_post(self, req, resp):
        """Claim a paper dossier: `{receipt_number, national_id | access_code}`."""
        resp.media = self.call(req, "claim_dossier", json_object(req))


class History(Resource):
    def on_get(self, req, resp, dossier_id):
        items = self.call(req, "history", dossier_id)
        resp.media = {"items": items, "total": len(items)}


class Comments(Resource):
    def on_get(self, req, resp, dossier_id):
        task = req.get_param_as_int("task_id", min_value=1, max_value=MAX_ID)
        items = self.call(req, "list_comments", dossier_id, task)
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp, dossier_id):
        resp.media = self.call(req, "add_comment", dossier_id, json_object(req))
        resp.status = falcon.HTTP_201


class Tasks(Resource):
    def on_get(self, req, resp, dossier_id):
        items = self.call(req, "list_tasks", dossier_id)
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp, dossier_id):
        resp.media = self.call(req, "create_task", dossier_id, json_object(req))
        resp.status = falcon.HTTP_201


class Task(Resource):
    def on_patch(self, req, resp, dossier_id, task_id):
        body = json_object(req)
        resp.media = self.call(req, "update_task", dossier_id, task_id, body)


class Lookup(Resource):
    def on_get(self, req, resp, receipt_number):
        resp.media = self.call(req, "lookup", receipt_number)


STATS_GROUPS = (
    "status",
    "procedure",
    "agency",
    "department",
    "assignee",
    "deadline_state",
    "month",
)
STATS_FILTERS = {
    "from": "submitted_from",
    "to": "submitted_to",
    "province": "province",
    "agency": "agency",
    "department": "department",
    "procedure": "procedure",
    "status": "status",
}


def stats_answer(group_by, result):
    """The search dashboard's answer in the shape of API.md's statistics."""
    items = result["groups"][group_by]
    if group_by == "month":
        items = [dict(row, key=str(row["key"])[:7]) for row in items]
    rate = result["groups"]["on_time_rate"]
    return {
        "group_by": group_by,
        "items": items,
        "total": result["total"],
        "completed": rate["completed"],
        "on_time": rate["on_time"],
        "on_time_rate": rate["rate"],
    }


class Stats(Resource):
    """Counts and on-time rate from the search index's aggregations (fast at scale).

    The scope and the validation of the filters are the search service's.
    """

    def on_get(self, req, resp):
        fmt = format_of(req, ("json", "csv", "xlsx"))
        group_by = req.get_param("group_by") or "status"
        if group_by not in STATS_GROUPS:
            choices = ", ".join(STATS_GROUPS)
            raise InvalidFilter(
                "Invalid filter", {"group_by": [detail("not_one_of", choices=choices)]}
            )
        filters = {
            name: req.get_param(key)
            for key, name in STATS_FILTERS.items()
            if req.get_param(key) is not None
        }
        groups = [group_by, "on_time_rate"]
        result = call(self.rpc, req, "search", "dashboard", filters, groups, "month")
        answer = stats_answer(group_by, result)
        if fmt == "json":
            resp.media = answer
            return
        headers, rows = render.table(answer["items"], render.GROUP_COLUMNS)
        name = f"stats-{group_by}"
        send(resp, fmt, headers, rows, "Thống kê hồ sơ", name)


class MyWorkStats(Resource):
    """The figures of the caller's own work (`?from=` a date; default 30 days)."""

    def on_get(self, req, resp):
        resp.media = self.call(req, "my_stats", _params(req, ("from",)))


def routes(rpc):
    base = "/api/v1/dossiers/{dossier_id}"
    return [
        ("/api/v1/dossiers", Dossiers(rpc)),
        (base, Dossier(rpc)),
        (f"{base}/submit", Submit(rpc)),
        (f"{base}/actions", Actions(rpc)),
        (f"{base}/history", History(rpc)),
        (f"{base}/comments", Comments(rpc)),
        (f"{base}/tasks", Tasks(rpc)),
        (f"{base}/tasks/{{task_id:int(min=1, max={MAX_ID})}}", Task(rpc)),
        ("/api/v1/paper-dossiers", PaperDossiers(rpc)),
        ("/api/v1/paper-dossiers/claims", Claims(rpc)),
        ("/api/v1/lookup/{receipt_number}", Lookup(rpc)),
        ("/api/v1/stats/dossiers", Stats(rpc)),
        ("/api/v1/stats/my-work", MyWorkStats(rpc)),
    ]
