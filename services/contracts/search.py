"""The search service's contract: its RPC methods (list filters, paging, sorting,
dashboards) with their arguments and results. Search emits no events; it consumes
those of dossiers. A refused argument is 422 INVALID_FILTER.
"""

import copy

from marshmallow import ValidationError, fields, missing, validate, validates_schema

from services.shared.errors import ServiceError, detail
from services.shared.schemas import BaseSchema

from .base import Health, Method, body, caller, opt, table
from .resources import dossiers as dossiers_res
from .resources import search as res


class InvalidFilter(ServiceError):
    """A list or dashboard query named an unknown filter or a bad value (the
    contract's refusal, so callers, the gateway included, share the type)."""

    code = "INVALID_FILTER"
    status = 422


STATUSES, DEADLINE_STATES = (
    dossiers_res.STATUSES,
    dossiers_res.DEADLINE_STATES,
)  # one list
# public sort key -> indexed field
SORTS = {
    "time_left": "appointment_date",
    "appointment_date": "appointment_date",
    "submitted_at": "submitted_at",
    "updated_at": "updated_at",
    # by the assignees' names (the first in order; the last when descending)
    "assignee": "assignee_names",
    "assignee_id": "assignees",
    "fee": "fee",
    # the form field the procedure names as the dossier's value (declared value...)
    "value": "value",
    "receipt_number": "receipt_number",
    "applicant": "applicant.full_name.sort",
}
# The work list's tabs of open dossiers (their filters: services/search/queries.py).
TABS = (
    "waiting_reception",
    "processing",
    "due_soon",
    "overdue",
    "supplement_requested",
    "pending_approval",
    "to_return",
    # received here, resolved elsewhere: the receiving desk's to send on, and the
    # results sent back to it (to hand over)
    "to_transfer",
    "returned",
)
# public sort key of the task list -> indexed field of a task document
TASK_SORTS = {
    "time_left": "due_date",
    "due_date": "due_date",
    "submitted_at": "submitted_at",
    "assignee": "assignee_name",
    "value": "value",
    "receipt_number": "receipt_number",
    "title": "title.sort",
}
TASK_STATUSES = ("open", "done", "cancelled")
DUE_STATES = ("on_time", "due_soon", "overdue")
FILE_SORTS = {
    "name": "name.sort",
    "uploaded_at": "uploaded_at",
    "submitted_at": "submitted_at",
    "receipt_number": "receipt_number",
}
GROUPS = (
    "status",
    "procedure",
    "agency",
    "department",
    "assignee",
    "deadline_state",
    "month",
    "attention_by_officer",
    "attention_by_department",
    "overdue_by_days_late",
    "overdue_series",
    "due_soon_series",
    "on_time_rate",
    "province",
    "performance_by_province",
    "performance_by_agency",
    "received_by_agency",
    "received_by_province",
)


class OneOrMany(fields.Field):
    """A value or list of values ("a,b" accepted too), each checked by `choices`."""

    def __init__(self, choices=None, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value, attr, data, **kwargs):
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(
            isinstance(i, str) and i.strip() for i in items
        ):
            raise ValidationError("invalid_list")
        items = [i.strip() for i in items]
        if self.choices:
            bad = [i for i in items if i not in self.choices]
            if bad:
                raise ValidationError(f"Must be one of: {', '.join(self.choices)}.")
        return items


class FiltersSchema(BaseSchema):
    q = fields.String(validate=validate.Length(min=1, max=200))
    receipt_number = fields.String(validate=validate.Length(min=1, max=64))
    province = OneOrMany()
    procedure = OneOrMany()
    agency = OneOrMany()
    # the desk that received the dossier (`agency`: the one resolving it)
    receiving_agency = OneOrMany()
    department = OneOrMany()
    assignee = OneOrMany()
    applicant = fields.String(validate=validate.Length(min=1, max=64))
    status = OneOrMany(STATUSES)
    deadline_state = OneOrMany(DEADLINE_STATES)
    step_state = OneOrMany(("on_time", "due_soon", "overdue"))
    tab = fields.String(validate=validate.OneOf(TABS))
    paper = fields.Boolean()
    submitted_from = fields.Date()
    submitted_to = fields.Date()
    appointment_from = fields.Date()
    appointment_to = fields.Date()

    @validates_schema
    def ranges_are_ordered(self, data, **kwargs):
        for name in ("submitted", "appointment"):
            start, end = data.get(f"{name}_from"), data.get(f"{name}_to")
            if start and end and end < start:
                raise ValidationError(detail("before_range_start"), f"{name}_to")


def _sorts_of(keys):
    def sort_ok(value):
        if not all(k.strip().lstrip("-") in keys for k in value.split(",")):
            raise ValidationError(detail("unknown_sort_key"))
        return True

    return sort_ok


_sort_ok = _sorts_of(SORTS)


class PagingSchema(BaseSchema):
    sort = fields.String(load_default="-submitted_at", validate=_sort_ok)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class TaskPagingSchema(PagingSchema):
    sort = fields.String(load_default="time_left", validate=_sorts_of(TASK_SORTS))


class FilePagingSchema(PagingSchema):
    sort = fields.String(load_default="-uploaded_at", validate=_sorts_of(FILE_SORTS))


class _Ranged(BaseSchema):
    """Date ranges `<name>_from`/`<name>_to` whose end may not precede the start."""

    RANGES = ()

    @validates_schema
    def ranges_are_ordered(self, data, **kwargs):
        for name in self.RANGES:
            start, end = data.get(f"{name}_from"), data.get(f"{name}_to")
            if start and end and end < start:
                raise ValidationError(detail("before_range_start"), f"{name}_to")


class TaskFiltersSchema(_Ranged):
    """The task list's filters: the dossier list's where they apply to a task."""

    RANGES = ("submitted", "due")
    q = fields.String(validate=validate.Length(min=1, max=200))
    receipt_number = fields.String(validate=validate.Length(min=1, max=64))
    procedure = OneOrMany()
    agency = OneOrMany()
    receiving_agency = OneOrMany()
    department = OneOrMany()
    assignee = OneOrMany()
    status = OneOrMany(TASK_STATUSES)
    deadline_state = OneOrMany(DUE_STATES)
    submitted_from = fields.Date()
    submitted_to = fields.Date()
    due_from = fields.Date()
    due_to = fields.Date()


class FileFiltersSchema(_Ranged):
    """Document search: by file name (diacritics optional), within the dossiers and
    files the caller may see."""

    RANGES = ("uploaded",)
    q = fields.String(validate=validate.Length(min=1, max=200))
    receipt_number = fields.String(validate=validate.Length(min=1, max=64))
    procedure = OneOrMany()
    dossier_id = fields.String(validate=validate.Length(min=1, max=64))
    uploaded_from = fields.Date()
    uploaded_to = fields.Date()


# The sort keys of the per-agency results (rows of `performance_by_agency`)
class ProcedureSearchSchema(BaseSchema):
    """The national catalogue search: words of a name or code (diacritics
    optional), the province whose procedures come first, a page."""

    text = fields.String(load_default=None, validate=validate.Length(max=200))
    province = fields.String(load_default=None, validate=validate.Regexp(r"^\d{2}$"))
    # the engine's result window (10,000) is never passed
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100))
    page_size = fields.Integer(load_default=20, validate=validate.Range(1, 100))


ROW_SORTS = ("key", "count", "completed", "on_time", "late", "overdue", "rate")


class DashboardSchema(BaseSchema):
    groups = OneOrMany(GROUPS, load_default=lambda: list(GROUPS))
    interval = fields.String(
        load_default="month", validate=validate.OneOf(("day", "week", "month"))
    )
    # one page of the per-agency results (a country has 3,321 communes)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    sort = fields.String(
        load_default="-count",
        validate=validate.OneOf([*ROW_SORTS, *(f"-{k}" for k in ROW_SORTS)]),
    )


EVENTS = {}


def _like(schema, name):
    """An optional argument declared as a field of `schema` (without its default)."""
    field = copy.deepcopy(schema._declared_fields[name])
    field.load_default = missing
    return opt(field)


RPC = table(
    "search",
    health=Method(result=Health),
    query=Method(
        result=dossiers_res.DossierPage,
        refusal=InvalidFilter,
        caller=caller(),
        filters=body(FiltersSchema, required=False),
        sort=_like(PagingSchema, "sort"),
        page=_like(PagingSchema, "page"),
        page_size=_like(PagingSchema, "page_size"),
    ),
    dashboard=Method(
        result=res.Dashboard,
        refusal=InvalidFilter,
        caller=caller(),
        filters=body(FiltersSchema, required=False),
        groups=_like(DashboardSchema, "groups"),
        interval=_like(DashboardSchema, "interval"),
        page=_like(DashboardSchema, "page"),
        page_size=_like(DashboardSchema, "page_size"),
        sort=_like(DashboardSchema, "sort"),
    ),
    work_list=Method(
        result=res.WorkList,
        refusal=InvalidFilter,
        caller=caller(),
        filters=body(FiltersSchema, required=False),
        sort=_like(PagingSchema, "sort"),
        page=_like(PagingSchema, "page"),
        page_size=_like(PagingSchema, "page_size"),
    ),
    count_tabs=Method(
        result=res.Tabs,
        refusal=InvalidFilter,
        caller=caller(),
        filters=body(FiltersSchema, required=False),
    ),
    query_tasks=Method(
        result=res.TaskPage,
        refusal=InvalidFilter,
        caller=caller(),
        filters=body(TaskFiltersSchema, required=False),
        sort=_like(TaskPagingSchema, "sort"),
        page=_like(PagingSchema, "page"),
        page_size=_like(PagingSchema, "page_size"),
    ),
    query_files=Method(
        result=res.FilePage,
        refusal=InvalidFilter,
        caller=caller(),
        filters=body(FileFiltersSchema, required=False),
        sort=_like(FilePagingSchema, "sort"),
        page=_like(PagingSchema, "page"),
        page_size=_like(PagingSchema, "page_size"),
    ),
    search_procedures=Method(
        result=res.ProcedureMatchPage,
        refusal=InvalidFilter,
        caller=caller(),
        text=_like(ProcedureSearchSchema, "text"),
        province=_like(ProcedureSearchSchema, "province"),
        page=_like(ProcedureSearchSchema, "page"),
        page_size=_like(ProcedureSearchSchema, "page_size"),
    ),
    rebuild_index=Method(
        caller=caller(), batch=opt(fields.Integer(validate=validate.Range(1, 10_000)))
    ),
    check_index=Method(caller=caller()),
)
