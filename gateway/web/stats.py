"""The statistics page (`/can-bo/thong-ke`): every staff member's dashboard.

One view model, gathered in `dashboard_view`: the search service's `dashboard` over
the caller's statistics scope (officers their assigned work, the desk its receptions,
leaders their department, admins their agency or province, the operator everything:
decided in the service), each group as a server-rendered SVG chart with the same
figures in a table, names instead of codes, and CSV/XLSX links to the API's export
of the same group and filters. Prints without navigation or forms (stats.css).
"""

from urllib.parse import urlencode

from markupsafe import Markup

from services.contracts.search import GROUPS, ROW_SORTS
from services.shared.errors import ServiceError
from services.shared.permissions import can, scope_of

from .. import charts
from .base import Page, page
from .render import fmt_number, gettext
from .stats_labels import Labels

PATH = "/can-bo/thong-ke"
EXPORT = "/api/v1/dashboards/dossiers"
INTERVALS = ("day", "week", "month")
# (group, how it is drawn) in page order; the deadline series share one chart
SECTIONS = (
    ("status", "bars"),
    ("deadline_state", "bars"),
    ("procedure", "bars"),
    ("agency", "bars"),
    ("department", "bars"),
    ("assignee", "bars"),
    ("attention_by_officer", "attention"),
    ("attention_by_department", "attention"),
    ("overdue_by_days_late", "bars"),
    ("performance_by_province", "performance"),
    ("performance_by_agency", "performance"),
    ("received_by_province", "bars"),
    ("received_by_agency", "bars"),
    ("month", "line"),
    ("deadlines_over_time", "deadlines"),
)
SERIES = (("due_soon_series", "dash.due_soon"), ("overdue_series", "dash.overdue"))
# Groups that only tell something when the scope spans several of them
WIDE_ONLY = {
    "performance_by_province": ("national",),
    "performance_by_agency": ("province", "national"),
    "received_by_province": ("national",),
    "received_by_agency": ("agency", "province", "national"),
    "agency": ("province", "national"),
    "department": ("agency", "province", "national"),
}


# The long groups (per agency: 3,321 communes) come one page at a time, sortable by
# their columns; the page's own parameters for it
ROWS_PAGE, ROWS_SORT, ROWS_PER_PAGE = "trang_cq", "sap_xep_cq", 50
# a results table's column -> its row sort key (numbers sort largest first)
COLUMN_SORTS = {
    "dash.group": "key",
    "dash.count": "count",
    "dash.completed": "completed",
    "dash.on_time_pct": "rate",
    "dash.overdue": "overdue",
}


def rows_paging(req):
    """(page, sort) of the long groups' rows from ?trang_cq=&sap_xep_cq=."""
    try:
        number = int(req.get_param(ROWS_PAGE) or 1)
    except ValueError:
        number = 1
    sort = req.get_param(ROWS_SORT) or "-count"
    return max(number, 1), sort if sort.lstrip("-") in ROW_SORTS else "-count"


def page_filters(req):
    """The page's query (?tu=&den=&thu_tuc=&khoang=) as search filters + interval."""
    filters = {}
    for param, name in (("tu", "submitted_from"), ("den", "submitted_to")):
        if req.get_param(param):
            filters[name] = req.get_param(param)
    if req.get_param("thu_tuc"):
        filters["procedure"] = req.get_param("thu_tuc")
    interval = req.get_param("khoang")
    return filters, interval if interval in INTERVALS else "month"


def scope_key(caller):
    """The catalogue key saying whose figures these are."""
    if can(caller, "stats.read"):
        return f"dash.scope.{scope_of(caller)}"
    officer = "officer" in (caller.get("roles") or ())
    return "dash.scope.own_officer" if officer else "dash.scope.own_desk"


# one's own figures: the per-officer groups would only name oneself
OWN_HIDDEN = ("assignee", "attention_by_officer")


def _exports(group, filters, interval, lang, rows=None):
    # in the page's language (the API otherwise follows Accept-Language); a paged
    # group exports the page shown
    query = dict(filters, group_by=group, interval=interval, lang=lang)
    if rows:
        query.update(page=rows["page"], page_size=rows["page_size"], sort=rows["sort"])
    return [(fmt.upper(), f"{EXPORT}?{urlencode(dict(query, format=fmt))}")
            for fmt in ("csv", "xlsx")]  # fmt: skip


def _deadlines(group, groups, labels, lang, filters, interval):
    """Due soon and overdue over time: two lines on the due dates of both series."""
    number = lambda v: fmt_number(v, lang)  # noqa: E731 - the charts' formatter
    title = labels.title(group)
    keys = sorted({r["key"] for name, _ in SERIES for r in groups[name]})
    counts = {name: {r["key"]: r["count"] for r in groups[name]} for name, _ in SERIES}
    series = [
        (gettext(key, lang), [counts[name].get(k, 0) for k in keys])
        for name, key in SERIES
    ]
    when = [labels.key("month", k) for k in keys]
    chart = charts.lines(
        f"c-{group}", title, when, series,
        empty=gettext("dash.no_data", lang), fmt=number,
    )  # fmt: skip
    exports = []
    for name, _ in SERIES:
        exports += _exports(name, filters, interval, lang)
    return {
        "id": group, "title": title, "chart": Markup(chart.svg),
        "headers": ["dash.group", *[key for _, key in SERIES]],
        "rows": [[w, *(values[i] for _, values in series)]
                 for i, w in enumerate(when)],
        "exports": exports,
    }  # fmt: skip


def _percent(rate):
    return None if rate is None else round(rate * 100, 1)


def _paging(rows, link):
    """The pager and the column sort links of a paged group's table."""
    pages = max(1, -(-rows["total"] // rows["page_size"]))
    sort, number = rows["sort"], rows["page"]

    def column(key):  # its own column again reverses it; another starts largest
        if sort.lstrip("-") == key:
            return key if sort.startswith("-") else f"-{key}"
        return key if key == "key" else f"-{key}"

    current = sort.lstrip("-")
    order = "descending" if sort.startswith("-") else "ascending"
    return {
        "page": number, "pages": pages, "total": rows["total"],
        "prev": link(number - 1, sort) if number > 1 else None,
        "next": link(number + 1, sort) if number < pages else None,
        "sorts": {h: (link(1, column(k)), order if k == current else None)
                  for h, k in COLUMN_SORTS.items()},
    }  # fmt: skip


def _section(group, kind, groups, labels, lang, filters, interval, board, link):
    if kind == "deadlines":
        return _deadlines(group, groups, labels, lang, filters, interval)
    number = lambda v: fmt_number(v, lang)  # noqa: E731 - the charts' formatter
    empty = gettext("dash.no_data", lang)
    title = labels.title(group)
    found = labels.rows(group, groups[group])
    if kind == "line":
        chart = charts.lines(
            f"c-{group}", title, [r["label"] for r in found],
            [(gettext("dash.count", lang), [r["count"] for r in found])],
            empty=empty, fmt=number,
        )  # fmt: skip
    elif kind == "attention":
        chart = charts.bars(
            f"c-{group}", title + " — " + gettext("dash.overdue", lang),
            [(r["label"], r.get("overdue", 0)) for r in found],
            empty=empty, fmt=number, color=charts.COLORS[1],
        )  # fmt: skip
    else:
        chart = charts.bars(
            f"c-{group}", title, [(r["label"], r["count"]) for r in found],
            empty=empty, fmt=number,
        )  # fmt: skip
    if kind == "performance":
        headers = ["dash.group", "dash.count", "dash.completed", "dash.on_time_pct",
                   "dash.overdue"]  # fmt: skip
        rows = [[r["label"], r["count"], r["completed"], _percent(r["rate"]),
                 r["overdue"]] for r in found]  # fmt: skip
    elif kind == "attention":
        headers = ["dash.group", "dash.due_soon", "dash.overdue"]
        rows = [[r["label"], r.get("due_soon", 0), r.get("overdue", 0)] for r in found]
    else:
        headers = ["dash.group", "dash.count"]
        rows = [[r["label"], r["count"]] for r in found]
    paged = (board.get("pages") or {}).get(group)
    return {
        "id": group, "title": title, "chart": Markup(chart.svg), "headers": headers,
        "rows": rows, "exports": _exports(group, filters, interval, lang, paged),
        "paging": _paging(paged, lambda n, o: link(group, n, o)) if paged else None,
    }  # fmt: skip


def shown_groups(scope):
    """The dashboard groups the page of a caller of `scope` draws."""
    return [
        g for g in GROUPS
        if scope in WIDE_ONLY.get(g, (scope,)) and g != "province"
    ]  # fmt: skip


def _page_link(req):
    """link(group, page, sort): this page with another page or order of the rows."""
    kept = {k: req.get_param(k) for k in ("tu", "den", "thu_tuc", "khoang")}
    kept = {k: v for k, v in kept.items() if v}

    def link(group, number, sort):
        query = dict(kept, **{ROWS_PAGE: number, ROWS_SORT: sort})
        return f"{PATH}?{urlencode(query)}#s-{group}"

    return link


def dashboard_view(web, req, filters, interval):
    """Everything the page shows, gathered once: {board, sections, rate, error}."""
    caller, lang = req.context.caller, req.context.lang
    error = None
    scope = scope_of(caller) if can(caller, "stats.read") else "own"
    groups = shown_groups(scope)
    number, sort = rows_paging(req)
    rows = (number, ROWS_PER_PAGE, sort)
    try:
        board = web.call(req, "search", "dashboard", filters, groups, interval, *rows)
    except ServiceError as exc:
        if exc.status != 422:
            raise
        error, filters = "dash.invalid", {}
        board = web.call(req, "search", "dashboard", {}, groups, interval, *rows)
    labels = Labels(
        web.renderer.names, lambda *a, **k: web.call(req, *a, **k), caller,
        web.province_of(req), lang, interval,
    )  # fmt: skip
    link = _page_link(req)
    sections = [
        _section(
            group, kind, board["groups"], labels, lang, filters, interval, board, link
        )
        for group, kind in SECTIONS
        if scope in WIDE_ONLY.get(group, (scope,))
        and not (scope == "own" and group in OWN_HIDDEN)
    ]
    return {
        "total": board["total"], "rate": board["groups"]["on_time_rate"],
        "sections": sections, "error": error, "filters": filters,
        "interval": interval,
    }  # fmt: skip


class Statistics(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """The caller's dashboard (403 page for those without statistics)."""
        filters, interval = page_filters(req)
        view = dashboard_view(self.web, req, filters, interval)
        procedures = self.call(
            req, "dossiers", "list_procedures", province=self.web.province_of(req)
        )
        self.render(
            req, resp, "stats.html", view=view, procedures=procedures,
            intervals=INTERVALS, scope_key=scope_key(req.context.caller),
            query={"tu": req.get_param("tu") or "", "den": req.get_param("den") or "",
                   "thu_tuc": req.get_param("thu_tuc") or ""},
        )  # fmt: skip


def routes(web):
    return [(PATH, Statistics(web))]
