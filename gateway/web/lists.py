"""The one-stop office's work lists: dossiers by tab, tasks, documents by file name.

Every list is one search-service RPC (`work_list`: the tab's page and the tabs'
counts; `query_tasks`, `query_files`): the service applies the caller's scope and
validates the filters, so a page only maps its (Vietnamese) GET parameters to
filters and back. The forms
are plain GET forms, usable without script; tabs, sorting and paging are links
that keep the other parameters.
"""

from urllib.parse import urlencode

import falcon

from services.contracts.search import TABS
from services.shared.errors import ServiceError

from .base import Page, field_errors, page
from .render import label

PAGE_SIZE = 20
# page parameter -> search filter, per list
DOSSIER_PARAMS = {
    "tu_khoa": "q",
    "so_bien_nhan": "receipt_number",
    "thu_tuc": "procedure",
    "can_bo": "assignee",
    "noi_tiep_nhan": "receiving_agency",
    "tien_do": "deadline_state",
    "tu_ngay": "submitted_from",
    "den_ngay": "submitted_to",
    "trang_thai": "status",
}
TASK_PARAMS = dict(DOSSIER_PARAMS)
FILE_PARAMS = {
    "tu_khoa": "q",
    "so_bien_nhan": "receipt_number",
    "thu_tuc": "procedure",
    "tu_ngay": "uploaded_from",
    "den_ngay": "uploaded_to",
}
# the sort orders each list offers (keys of the search contract)
DOSSIER_SORTS = ("time_left", "-submitted_at", "submitted_at", "assignee", "-value")
TASK_SORTS = ("time_left", "-submitted_at", "submitted_at", "assignee", "-value")
FILE_SORTS = ("-uploaded_at", "name", "receipt_number")
DEADLINE_STATES = ("on_time", "due_soon", "overdue")
TASK_STATUSES = ("open", "done", "cancelled")
# tabs shown only to who transfers dossiers (the desk; the others would not act)
DESK_TABS = ("to_transfer", "returned")
# the tab a role opens on (the others are one click away)
FIRST_TAB = {
    "desk": "waiting_reception",
    "officer": "processing",
    "leader": "pending_approval",
}


def read(req, params, extra=("sap_xep",)):
    """The list's parameters as sent (trimmed, empty ones left out)."""
    values = {}
    for name in (*params, *extra):
        value = (req.get_param(name) or "").strip()
        if value:
            values[name] = value
    return values


def filters_of(values, params):
    return {params[k]: v for k, v in values.items() if k in params}


def link(values, **changes):
    """A query string with the list's parameters, some changed (None: left out)."""
    merged = {k: v for k, v in {**values, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


def errors_by_param(exc, params, lang):
    """The service's field errors keyed by the page's parameter names."""
    back = {f: p for p, f in params.items()}
    back.update({"sort": "sap_xep", "page": "trang"})
    return {back.get(k, k): v for k, v in field_errors(exc, lang).items()}


def first_tab(caller):
    for role in caller.get("roles") or ():
        if role in FIRST_TAB:
            return FIRST_TAB[role]
    return ""


class IndexList(Page):
    """A page of one index list: read the parameters, ask the service, render."""

    def number(self, req):
        return max(req.get_param_as_int("trang", default=1, min_value=1) or 1, 1)

    def fetch(self, req, method, filters, sort, number, params):
        """(page, errors): a refused filter shows next to its field, not as a 500."""
        try:
            found = self.call(req, "search", method, filters, sort, number, PAGE_SIZE)
        except ServiceError as exc:
            if exc.status != 422:
                raise
            return {"items": [], "total": 0}, errors_by_param(
                exc, params, req.context.lang
            )
        return found, {}

    def procedures(self, req):
        """(code, name) of the procedures the filters offer."""
        found = self.call(
            req, "dossiers", "list_procedures", province=self.web.province_of(req)
        )
        return [(p["code"], p["name"]) for p in found]

    def choices(self, req):
        """The procedures and colleagues the filters offer."""
        pairs = self.procedures(req)
        agency = req.context.caller.get("agency")
        try:
            staff = self.call(req, "accounts", "list_staff", agency=agency)
        except ServiceError:
            staff = []  # not every role may list staff: the filter then shows none
        people = [(p["id"], p["full_name"]) for p in staff]
        return pairs, sorted(people, key=lambda p: p[1] or "")

    def options(self, req, prefix, keys):
        return [(k, label(prefix, k, req.context.lang)) for k in keys]

    def status(self, errors):
        return falcon.HTTP_422 if errors else falcon.HTTP_200


class WorkList(IndexList):
    @page(login=True)
    def on_get(self, req, resp):
        """Dossiers of one tab (or all), filtered, sorted and paged, tab counts."""
        values = read(req, DOSSIER_PARAMS)
        tab = req.get_param("tab")
        if tab is None and "trang_thai" not in values:
            tab = first_tab(req.context.caller)
        tab = tab if tab in TABS else ""
        filters = filters_of(values, DOSSIER_PARAMS)
        if tab:
            filters["tab"] = tab
        sort = values.get("sap_xep") or "time_left"
        number = self.number(req)
        # the tab's page and every tab's count in one call (one engine request)
        found, errors = self.fetch(
            req, "work_list", filters, sort, number, DOSSIER_PARAMS
        )
        tabs = found.get("tabs")
        procedures, people = self.choices(req)
        agencies = self.receiving(found, values.get("noi_tiep_nhan"))
        kept = dict(values, tab=tab)
        self.render(
            req, resp, "queue.html", http_status=self.status(errors),
            dossiers=found["items"], total=found["total"], tabs=tabs, tab=tab,
            desk_tabs=DESK_TABS,
            values=values, errors=errors, procedures=procedures, people=people,
            agencies=agencies, sorts=DOSSIER_SORTS, sort=sort,
            states=self.options(req, "deadline", DEADLINE_STATES),
            page_number=number, page_size=PAGE_SIZE,
            pager_extra="&" + link(kept, trang=None)[1:], kept=kept, link=link,
        )  # fmt: skip

    def receiving(self, found, chosen):
        """(code, name) of the receiving agencies the list's dossiers name, by name
        (the chosen one kept); None (a code's text box) when search gave none."""
        counted = found.get("receiving_agencies")
        if counted is None:
            return None
        codes = sorted({c["key"] for c in counted} | ({chosen} if chosen else set()))
        names = self.web.renderer.names
        named = names.agencies(codes) if names else [(c, c) for c in codes]
        return sorted(named, key=lambda pair: (pair[1].lower(), pair[0]))


class TaskList(IndexList):
    @page(login=True)
    def on_get(self, req, resp):
        """Tasks the caller may see, the least time left first by default."""
        values = read(req, TASK_PARAMS)
        values.setdefault("trang_thai", "open")
        if values["trang_thai"] == "all":
            values.pop("trang_thai")
        filters = filters_of(values, TASK_PARAMS)
        sort = values.get("sap_xep") or "time_left"
        number = self.number(req)
        found, errors = self.fetch(
            req, "query_tasks", filters, sort, number, TASK_PARAMS
        )
        procedures, people = self.choices(req)
        self.render(
            req, resp, "task_list.html", http_status=self.status(errors),
            tasks=found["items"], total=found["total"], values=values,
            errors=errors, procedures=procedures, people=people,
            sorts=TASK_SORTS, sort=sort,
            states=self.options(req, "deadline", DEADLINE_STATES),
            statuses=self.options(req, "task", TASK_STATUSES),
            page_number=number, page_size=PAGE_SIZE,
            pager_extra="&" + link(values, trang=None)[1:],
        )  # fmt: skip


class DocumentSearch(IndexList):
    @page(login=True)
    def on_get(self, req, resp):
        """Files found by name among those the caller may open."""
        values = read(req, FILE_PARAMS)
        filters = filters_of(values, FILE_PARAMS)
        sort = values.get("sap_xep") or "-uploaded_at"
        number = self.number(req)
        found, errors = self.fetch(
            req, "query_files", filters, sort, number, FILE_PARAMS
        )
        staff = req.context.caller.get("kind") in ("staff", "operator")
        self.render(
            req, resp, "documents.html", http_status=self.status(errors),
            files=found["items"], total=found["total"], values=values,
            errors=errors, sorts=FILE_SORTS, sort=sort, staff=staff,
            page_number=number, page_size=PAGE_SIZE,
            pager_extra="&" + link(values, trang=None)[1:],
        )  # fmt: skip


def routes(web):
    return [
        ("/can-bo", WorkList(web)),
        ("/can-bo/cong-viec", TaskList(web)),
        ("/tai-lieu", DocumentSearch(web)),
    ]
