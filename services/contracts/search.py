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
    "assignee": "assignees",
    "fee": "fee",
    "receipt_number": "receipt_number",
    "applicant": "applicant.full_name.sort",
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
    department = OneOrMany()
    assignee = OneOrMany()
    applicant = fields.String(validate=validate.Length(min=1, max=64))
    status = OneOrMany(STATUSES)
    deadline_state = OneOrMany(DEADLINE_STATES)
    step_state = OneOrMany(("on_time", "due_soon", "overdue"))
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


def _sort_ok(value):
    if not all(k.strip().lstrip("-") in SORTS for k in value.split(",")):
        raise ValidationError(detail("unknown_sort_key"))
    return True


class PagingSchema(BaseSchema):
    sort = fields.String(load_default="-submitted_at", validate=_sort_ok)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class DashboardSchema(BaseSchema):
    groups = OneOrMany(GROUPS, load_default=lambda: list(GROUPS))
    interval = fields.String(
        load_default="month", validate=validate.OneOf(("day", "week", "month"))
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
    ),
    rebuild_index=Method(
        caller=caller(), batch=opt(fields.Integer(validate=validate.Range(1, 10_000)))
    ),
    check_index=Method(caller=caller()),
)
