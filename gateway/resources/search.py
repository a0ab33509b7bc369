"""Index-backed lists, dashboards and their exports (CSV, XLSX, printable HTML, SVG).

Translates HTTP to the search service's `query` and `dashboard` RPCs; every rule
(scope, validation) lives in the service.
"""

import falcon
from marshmallow import fields, validate

from services.contracts.resources import dossiers as res
from services.contracts.resources import search as dashboards
from services.contracts.search import (
    GROUPS,
    ROW_SORTS,
    FileFiltersSchema,
    FilePagingSchema,
    FiltersSchema,
    InvalidFilter,
    PagingSchema,
    ProcedureSearchSchema,
    TaskFiltersSchema,
    TaskPagingSchema,
)
from services.shared.errors import detail

from .. import apidoc
from ..names import names_for
from ..web.stats_labels import Labels
from . import search_render as render
from .common import call

NOT_FILTERS = {"page", "page_size", "sort", "format", "lang", "group_by", "interval"}
FORMATS = ("json", "csv", "xlsx", "html")
EXPORT_PAGE, EXPORT_MAX_PAGES = 100, 50  # exports stop at 5,000 rows
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLES = {
    "list": "Danh sách hồ sơ",
    "status": "Hồ sơ theo trạng thái",
    "procedure": "Hồ sơ theo thủ tục",
    "agency": "Hồ sơ theo cơ quan",
    "department": "Hồ sơ theo phòng ban",
    "assignee": "Hồ sơ theo cán bộ xử lý",
    "deadline_state": "Hồ sơ theo tiến độ",
    "month": "Hồ sơ theo tháng nộp",
    "attention_by_officer": "Sắp đến hạn và quá hạn theo cán bộ",
    "attention_by_department": "Sắp đến hạn và quá hạn theo phòng ban",
    "overdue_by_days_late": "Hồ sơ quá hạn theo số ngày trễ",
    "overdue_series": "Hồ sơ quá hạn theo thời gian",
    "due_soon_series": "Hồ sơ sắp đến hạn theo ngày hẹn trả",
    "on_time_rate": "Tỷ lệ đúng hạn",
    "province": "Hồ sơ theo tỉnh, thành phố",
    "performance_by_province": "Kết quả giải quyết theo tỉnh, thành phố",
    "performance_by_agency": "Kết quả giải quyết theo cơ quan",
    "received_by_agency": "Hồ sơ tiếp nhận theo nơi tiếp nhận",
    "received_by_province": "Hồ sơ tiếp nhận theo tỉnh, thành phố tiếp nhận",
}


# API.md's `from`/`to` on the dossiers list mean the submission date range
ALIASES = {"from": "submitted_from", "to": "submitted_to"}


def filters_of(req):
    """Every query parameter that is not paging/format is a filter (repeats: lists)."""
    return {ALIASES.get(k, k): v for k, v in req.params.items() if k not in NOT_FILTERS}


def format_of(req, allowed=FORMATS):
    fmt = req.get_param("format") or "json"
    if fmt not in allowed:
        raise InvalidFilter(
            "Invalid filter",
            {"format": [detail("not_one_of", choices=", ".join(allowed))]},
        )
    return fmt


def send(resp, fmt, headers, rows, title, name, chart=None):
    """Write a table in the requested export format."""
    if fmt == "csv":
        resp.content_type = "text/csv; charset=utf-8"
        resp.text = render.to_csv(headers, rows)
    elif fmt == "xlsx":
        resp.content_type = XLSX
        resp.data = render.to_xlsx(headers, rows, name)
    else:
        resp.content_type = "text/html; charset=utf-8"
        resp.text = render.to_html(headers, rows, title, chart)
        return
    resp.downloadable_as = f"{name}.{fmt}"


class DossierSearch:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """List the caller's visible dossiers from the index, or export them."""
        fmt = format_of(req)
        filters, sort = filters_of(req), req.get_param("sort")
        if fmt == "json":
            page = req.get_param("page")
            size = req.get_param("page_size")
            resp.media = call(
                self.rpc, req, "search", "query", filters, sort, page, size
            )
            return
        items = []
        for page in range(1, EXPORT_MAX_PAGES + 1):
            found = call(
                self.rpc, req, "search", "query", filters, sort, page, EXPORT_PAGE
            )
            items.extend(found["items"])
            if len(found["items"]) < EXPORT_PAGE:
                break
        headers, rows = render.table(items, render.LIST_COLUMNS)
        send(resp, fmt, headers, rows, TITLES["list"], "dossiers")


class DossierTabs:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """The work list's tabs with their counts under the same filters."""
        filters = {k: v for k, v in filters_of(req).items() if k != "tab"}
        resp.media = call(self.rpc, req, "search", "count_tabs", filters)


class IndexList:
    """A list of the index answered by one RPC (`query_tasks`, `query_files`)."""

    def __init__(self, rpc, method):
        self.rpc, self.method = rpc, method

    def on_get(self, req, resp):
        """One page of the list: filters, sort, page, page_size."""
        page, size = req.get_param("page"), req.get_param("page_size")
        args = (filters_of(req), req.get_param("sort"), page, size)
        resp.media = call(self.rpc, req, "search", self.method, *args)


class ProcedureSearch:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """The national catalogue: `q` (name or code), `province` first, a page."""
        args = [req.get_param(k) for k in ("q", "province", "page", "page_size")]
        try:
            resp.media = call(self.rpc, req, "search", "search_procedures", *args)
        except InvalidFilter as exc:  # the RPC's `text` is this query's `q`
            if "text" in (exc.details or {}):
                exc.details["q"] = exc.details.pop("text")
            raise


def rows_of(req):
    """page, page_size, sort of the long groups' rows (the service checks them)."""
    return [req.get_param(k) for k in ("page", "page_size", "sort")]


class Dashboard:
    def __init__(self, rpc):
        self.rpc = rpc

    def _group(self, req, group):
        """One group's rows, each with the `label` people read (names, not codes);
        of a long group (per agency) the page asked for."""
        interval = req.get_param("interval")
        result = call(
            self.rpc, req, "search", "dashboard", filters_of(req), [group], interval,
            *rows_of(req),
        )  # fmt: skip
        caller = req.context.caller
        labels = Labels(
            names_for(self.rpc), lambda *a, **k: call(self.rpc, req, *a, **k),
            caller, caller.get("province"), req.context.lang, interval or "month",
        )  # fmt: skip
        rows = render.group_rows(group, result["groups"][group])
        return rows if group == "on_time_rate" else labels.rows(group, rows)

    def on_get(self, req, resp):
        """Answer the dashboard as JSON, or one group as CSV, XLSX or printable HTML."""
        fmt = format_of(req)
        group = req.get_param("group_by")
        if fmt == "json":
            groups = [group] if group else None
            interval = req.get_param("interval")
            resp.media = call(
                self.rpc, req, "search", "dashboard", filters_of(req), groups,
                interval, *rows_of(req),
            )  # fmt: skip
            return
        group = group or "status"
        rows = self._group(req, group)
        headers, table = render.table(rows, render.group_columns(group))
        chart = render.to_svg(group, rows, TITLES.get(group, group))
        send(resp, fmt, headers, table, TITLES.get(group, group), group, chart)


class DashboardChart(Dashboard):
    def on_get(self, req, resp):
        """Draw one dashboard group as an SVG chart (bars, or a line over time)."""
        group = req.get_param("group_by") or "status"
        rows = self._group(req, group)
        resp.content_type = "image/svg+xml; charset=utf-8"
        resp.text = render.to_svg(group, rows, TITLES.get(group, group))
        resp.status = falcon.HTTP_200


def routes(rpc):
    return [
        ("/api/v1/search/dossiers", DossierSearch(rpc)),
        ("/api/v1/search/dossiers/tabs", DossierTabs(rpc)),
        ("/api/v1/search/tasks", IndexList(rpc, "query_tasks")),
        ("/api/v1/search/files", IndexList(rpc, "query_files")),
        ("/api/v1/search/procedures", ProcedureSearch(rpc)),
        ("/api/v1/dashboards/dossiers", Dashboard(rpc)),
        ("/api/v1/dashboards/dossiers.svg", DashboardChart(rpc)),
    ]


class DossierListQuery(FiltersSchema, PagingSchema):
    """The list's filters (repeat one, or join with commas, for several values)."""

    from_ = fields.Date(data_key="from", metadata={"description": "Submitted from."})
    to = fields.Date(metadata={"description": "Submitted until."})
    format = fields.String(validate=validate.OneOf(FORMATS))


class TaskListQuery(TaskFiltersSchema, TaskPagingSchema):
    """The task list's filters (repeat one, or join with commas, for several)."""


class FileListQuery(FileFiltersSchema, FilePagingSchema):
    """Document search: `q` matches file names with or without diacritics."""


class ProcedureSearchQuery(ProcedureSearchSchema):
    """The national catalogue search (`text` is `q` here)."""

    class Meta:
        exclude = ("text",)

    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Words of the name or the code; diacritics "
                  "optional, a word may be cut short."},
    )  # fmt: skip


class DashboardQuery(FiltersSchema):
    group_by = fields.String(validate=validate.OneOf(GROUPS))
    interval = fields.String(validate=validate.OneOf(("day", "week", "month")))
    format = fields.String(validate=validate.OneOf(FORMATS))
    # one page of the per-agency results (`performance_by_agency`), JSON and exports
    page = fields.Integer(validate=validate.Range(min=1))
    page_size = fields.Integer(validate=validate.Range(1, 500))
    sort = fields.String(
        validate=validate.OneOf([*ROW_SORTS, *(f"-{k}" for k in ROW_SORTS)]),
        metadata={"description": "Row order: key, count, completed, on_time, "
                  "late, overdue, rate; `-` for descending (default -count)."},
    )  # fmt: skip


EXPORTS = (apidoc.CSV, apidoc.XLSX, apidoc.HTML)
OPERATIONS = {
    "GET /api/v1/search/dossiers": apidoc.op(
        "The caller's visible dossiers from the search index (filters, q, sort).",
        query=DossierListQuery,
        ok=res.DossierPage,
        media=EXPORTS,
        description="`q` matches with or without Vietnamese diacritics; `format` "
        "csv, xlsx or html exports up to 5,000 rows. 422 INVALID_FILTER names "
        "the filter.",
    ),
    "GET /api/v1/search/dossiers/tabs": apidoc.op(
        "The work list's tabs (waiting reception … to return) with their counts.",
        query=DossierListQuery(exclude=("format", "sort", "page", "page_size", "tab")),
        ok=dashboards.Tabs,
        description="Counts of open dossiers per tab under the other filters.",
    ),
    "GET /api/v1/search/tasks": apidoc.op(
        "The tasks the caller may see, from the search index (filters, q, sort).",
        query=TaskListQuery,
        ok=dashboards.TaskPage,
        description="`deadline_state` is the task's due state (on_time, due_soon, "
        "overdue); `sort=time_left` lists the nearest due date first.",
    ),
    "GET /api/v1/search/files": apidoc.op(
        "Dossier files found by name, among those the caller may open.",
        query=FileListQuery,
        ok=dashboards.FilePage,
        description="`q` matches parts of the file name with or without diacritics.",
    ),
    "GET /api/v1/search/procedures": apidoc.op(
        "The national catalogue: procedures of every province, one province first.",
        query=ProcedureSearchQuery,
        ok=dashboards.ProcedureMatchPage,
        auth=apidoc.PUBLIC,
        errors=(503,),
        description="`province` (two digits, e.g. the visitor's) comes first, then "
        "the rest of the country, best match first in each. A withdrawn "
        "procedure is not found. 503 SEARCH_UNAVAILABLE while the search index "
        "is down (the portal's pages then search the catalogue itself).",
    ),
    "GET /api/v1/dashboards/dossiers": apidoc.op(
        "Dashboard aggregations over the caller's visible dossiers (or exports).",
        query=DashboardQuery,
        ok=dashboards.Dashboard,
        media=EXPORTS,
    ),
    "GET /api/v1/dashboards/dossiers.svg": apidoc.op(
        "One dashboard group drawn as an SVG chart (no script).",
        query=DashboardQuery(exclude=("format",)),
        media=(("image/svg+xml", apidoc.TEXT),),
        ok_description="The chart.",
    ),
}
