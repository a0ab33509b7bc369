"""Dossiers, their workflow actions, history, comments, tasks, lookup and statistics.

Every handler passes the request's caller to the dossiers service and shapes HTTP;
the rules (scope, roles, states) live in the service.
"""

import falcon
from marshmallow import fields, validate

from services.contracts.dossiers import (
    ActSchema,
    ClaimSchema,
    CommentSchema,
    CreateDossierSchema,
    MyStatsQuery,
    PaperDossierSchema,
    PatchDossierSchema,
    TaskPatchSchema,
    TaskSchema,
)
from services.contracts.resources import dossiers as res
from services.contracts.search import STATUSES, OneOrMany
from services.shared.errors import detail

from ..apidoc import CSV, HTML, OPTIONAL, XLSX, Input, op
from . import search_render as render
from .common import call, json_object
from .search import DossierListQuery, DossierSearch, InvalidFilter, format_of, send

# Row ids are PostgreSQL integers: a larger number can name no row.
MAX_ID = 2**31 - 1
LIST_PARAMS = (
    "status",
    "procedure",
    "agency",
    "receiving_agency",
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
    "agency",
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


class SubmitInput(Input):
    expected_version = fields.Integer(
        metadata={"description": "The dossier's version you saw (409 if stale)."}
    )


class CommentsQuery(Input):
    task_id = fields.Integer(
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "Only the comments of one task (400 if not an id)."},
    )


class StatsInput(Input):
    """The statistics' group and filters (checked by the search service)."""

    group_by = fields.String(
        load_default="status", validate=validate.OneOf(STATS_GROUPS)
    )
    from_ = fields.Date(data_key="from", metadata={"description": "Submitted from."})
    to = fields.Date(metadata={"description": "Submitted until."})
    province = OneOrMany()
    agency = OneOrMany()
    department = OneOrMany()
    procedure = OneOrMany()
    status = OneOrMany(STATUSES)
    format = fields.String(validate=validate.OneOf(("json", "csv", "xlsx")))


BY_ID = "/api/v1/dossiers/{dossier_id}"
OPERATIONS = {
    "GET /api/v1/dossiers": op(
        "The caller's visible dossiers (search-backed; drafts with ?status=draft).",
        query=DossierListQuery,
        ok=res.DossierPage,
        media=(CSV, XLSX, HTML),
        description="Drafts are never indexed: `status=draft` lists them from "
        "the dossiers service (page_size up to 200 there).",
    ),
    "POST /api/v1/dossiers": op(
        "Start a draft.",
        body=CreateDossierSchema,
        ok=res.Dossier,
        status=201,
        errors=(404,),
        example="Dossier",
        description="404 PROCEDURE_NOT_FOUND; 422 AGENCY_UNKNOWN, AGENCY_CLOSED, "
        "AGENCY_NOT_LISTED, PROCEDURE_NOT_ONLINE or field details.",
    ),
    f"GET {BY_ID}": op(
        "One dossier with its form and the actions the caller may take.",
        ok=res.Dossier,
        example="Dossier",
    ),
    f"PATCH {BY_ID}": op(
        "Save form values; invalid input changes nothing.",
        body=PatchDossierSchema,
        ok=res.Dossier,
        errors=(409,),
    ),
    f"POST {BY_ID}/submit": op(
        "Submit (or re-submit after a supplement request).",
        body=SubmitInput,
        body_required=False,
        ok=res.Dossier,
        errors=(409,),
        description="422 DOSSIER_INVALID names each form.<field> and "
        "documents.<slot> at fault.",
    ),
    f"POST {BY_ID}/actions": op(
        "Take a workflow action (receive, reject, request_supplement, …).",
        body=ActSchema,
        ok=res.Dossier,
        errors=(409,),
        description="`receive` takes the `department` that will process it. 403 "
        "when the caller may not; 409 INVALID_TRANSITION when the state does not "
        "allow it, CONCURRENT_UPDATE when expected_version is stale; 422 "
        "ASSIGNEE_NOT_STAFF.",
    ),
    f"GET {BY_ID}/history": op(
        "History (applicants see the public entries only).", ok=res.HistoryPage
    ),
    f"GET {BY_ID}/comments": op(
        "Comments (internal ones are never shown to applicants).",
        query=CommentsQuery,
        ok=res.CommentPage,
        errors=(400,),
    ),
    f"POST {BY_ID}/comments": op(
        "Add a comment.", body=CommentSchema, ok=res.Comment, status=201
    ),
    f"GET {BY_ID}/tasks": op(
        "Tasks (officers see their own; leaders and admins all).", ok=res.TaskPage
    ),
    f"POST {BY_ID}/tasks": op(
        "Create a task.", body=TaskSchema, ok=res.Task, status=201
    ),
    f"PATCH {BY_ID}/tasks/{{task_id:int(min=1, max={MAX_ID})}}": op(
        "Update a task.", body=TaskPatchSchema, ok=res.Task
    ),
    "POST /api/v1/paper-dossiers": op(
        "The desk registers a dossier handed in on paper (received at once).",
        body=PaperDossierSchema,
        ok=res.PaperDossier,
        status=201,
        errors=(404,),
    ),
    "POST /api/v1/paper-dossiers/claims": op(
        "A citizen claims a paper dossier; it becomes theirs.",
        body=ClaimSchema,
        ok=res.Dossier,
        errors=(429,),
        description="422 CLAIM_REFUSED (the same for every mismatch); 429 after "
        "too many attempts.",
    ),
    "GET /api/v1/lookup/{receipt_number}": op(
        "Look a dossier up by receipt number.",
        ok=res.Lookup,
        auth=OPTIONAL,
        description="In full for its owner and staff in scope, otherwise only "
        "receipt_number, status and appointment_date.",
    ),
    "GET /api/v1/stats/dossiers": op(
        "Counts by a group and the on-time rate (from the search index).",
        query=StatsInput,
        ok=res.DossierStats,
        media=(CSV, XLSX),
        description="422 INVALID_FILTER names the filter.",
    ),
    "GET /api/v1/stats/my-work": op(
        "The figures of the caller's own work (default: the last 30 days).",
        query=MyStatsQuery,
        ok=res.MyWork,
    ),
}


def _text(name):
    return {
        "required": [name],
        "properties": {name: {"type": "string", "minLength": 1}},
    }


# What ApplicantSchema and ClaimSchema check across fields, for the document.
SCHEMA_RULES = {
    "ApplicantInput": {
        "allOf": [
            {
                "if": {
                    "properties": {"kind": {"const": "business"}},
                    "required": ["kind"],
                },
                "then": _text("tax_code"),
                "else": _text("national_id"),
            },
            {"anyOf": [_text("email"), _text("phone")]},
        ]
    },
    "ClaimInput": {"oneOf": [_text("national_id"), _text("access_code")]},
}
