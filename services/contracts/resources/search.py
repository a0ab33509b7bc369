"""Search dashboards: counts per group over the caller's visible dossiers."""

from marshmallow import fields

from .common import Nullable, Resource, Sent
from .dossiers import GroupCount


class GroupRow(GroupCount):
    due_soon = fields.Integer()
    overdue = fields.Integer()


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


class Dashboard(Resource):
    total = Sent(fields.Integer)
    groups = Sent(fields.Nested, DashboardGroups)
