"""Search dashboards: counts per group over the caller's visible dossiers."""

from marshmallow import fields

from .common import Nullable, Resource, Sent, page_of
from .dossiers import DossierSummary, GroupCount


class GroupRow(GroupCount):
    due_soon = fields.Integer()
    overdue = fields.Integer()
    # performance_by_*: completed on time / late, and the on-time rate of those
    on_time = fields.Integer()
    late = fields.Integer()
    completed = fields.Integer()
    rate = fields.Float(allow_none=True)


class OnTimeRate(Resource):
    completed = Sent(fields.Integer)
    on_time = Sent(fields.Integer)
    late = Sent(fields.Integer)
    rate = Nullable(fields.Float)


def rows():
    return fields.List(fields.Nested(GroupRow))


class DashboardGroups(Resource):
    """Only the groups asked for (`group_by`) are sent."""

    status = rows()
    procedure = rows()
    agency = rows()
    department = rows()
    assignee = rows()
    deadline_state = rows()
    month = rows()
    attention_by_officer = rows()
    attention_by_department = rows()
    overdue_by_days_late = rows()
    overdue_series = rows()
    due_soon_series = rows()
    on_time_rate = fields.Nested(OnTimeRate)
    province = rows()
    performance_by_province = rows()
    performance_by_agency = rows()
    # received dossiers by the desk that received them (results: by resolving agency)
    received_by_agency = rows()
    received_by_province = rows()


class RowsPage(Resource):
    """Which page of a long group's rows was sent, and how many rows it has."""

    total = Sent(fields.Integer, metadata={"description": "Rows of the whole group."})
    page = Sent(fields.Integer)
    page_size = Sent(fields.Integer)
    sort = Sent(fields.String, metadata={"description": "e.g. -overdue, rate, key"})


class Dashboard(Resource):
    total = Sent(fields.Integer)
    groups = Sent(fields.Nested, DashboardGroups)
    pages = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(RowsPage),
        metadata={"description": "Per paged group (performance_by_agency)."},
    )


class Tabs(Resource):
    """The work list's tabs, each with the number of dossiers it lists."""

    items = Sent(fields.List, fields.Nested(GroupCount))
    total = Sent(fields.Integer, metadata={"description": "Open dossiers listed."})


class WorkList(Resource):
    """One page of the work list's tab (or of every dossier) and the tabs' counts."""

    items = Sent(fields.List, fields.Nested(DossierSummary))
    total = Sent(fields.Integer, metadata={"description": "Dossiers in the tab."})
    tabs = Sent(fields.Nested, Tabs)
    receiving_agencies = fields.List(
        fields.Nested(GroupCount),
        metadata={"description": "The receiving agencies (`key`: code) of the "
                  "dossiers under the other filters, with their counts (not on a "
                  "page past the engine's window)."},
    )  # fmt: skip


class DossierRef(Resource):
    """What a task or file document copies of its dossier."""

    dossier_id = Sent(fields.String)
    province = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    receiving_province = fields.String(allow_none=True)
    receiving_agency = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    assignees = fields.List(fields.String())
    version = fields.Integer(metadata={"description": "The dossier's version."})
    receipt_number = Nullable(fields.String)
    procedure = Sent(fields.Dict, metadata={"description": "{code, name}"})
    applicant = Sent(fields.Dict, metadata={"description": "{full_name}"})
    status = Nullable(fields.String)
    submitted_at = Nullable(fields.DateTime)
    value = Nullable(fields.Float)


class TaskItem(DossierRef):
    """A task from the index, with what its list shows of its dossier."""

    id = Sent(fields.String, metadata={"description": "<dossier id>:<task id>"})
    task_id = Sent(fields.Integer)
    title = Sent(fields.String)
    assignee = Nullable(fields.String)
    assignee_name = Nullable(fields.String)
    created_by = Nullable(fields.String)
    due_date = Nullable(fields.Date)
    due_state = Nullable(fields.String)
    task_status = Sent(fields.String)


class FileItem(DossierRef):
    """A dossier file found by name (only those the caller may open)."""

    id = Sent(fields.String)
    name = Sent(fields.String)
    slot = Nullable(fields.String)
    kind = Nullable(fields.String)
    audience = Nullable(fields.String)
    content_type = Nullable(fields.String)
    size = Nullable(fields.Integer)
    uploaded_at = Nullable(fields.DateTime)


TaskPage = page_of(TaskItem, "TaskPage")
FilePage = page_of(FileItem, "FilePage")


class ProcedureAgency(Resource):
    code = Sent(fields.String)
    name = Nullable(fields.String)


class ProcedureMatch(Resource):
    """A procedure of the national catalogue search (its current version)."""

    code = Sent(fields.String)
    province = Sent(fields.String)
    name = Sent(fields.String)
    name_en = Nullable(fields.String)
    level = Sent(fields.Integer)
    fee = Nullable(fields.Integer, metadata={"description": "VND."})
    agencies = Sent(
        fields.List,
        fields.Nested(ProcedureAgency),
        metadata={"description": "Resolving agencies; empty: any of its province."},
    )
    received_elsewhere = Sent(fields.Boolean)
    version = Sent(fields.Integer)


ProcedureMatchPage = page_of(ProcedureMatch, "ProcedureMatchPage")
