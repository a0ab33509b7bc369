"""The notify service's contract: its RPC methods with their arguments and results.

Notify emits no events; it consumes those of accounts and dossiers (their schemas).
"""

from marshmallow import fields, validate

from services.notify.domain import LANGS
from services.shared.schemas import BaseSchema

from .base import Health, Method, body, caller, opt, table, text
from .resources import notify as res

# An uploaded recipient list (the gateway reads at most 5 MiB of CSV).
CSV_MAX = 5 * 1024 * 1024


class TemplateSchema(BaseSchema):
    key = fields.String(required=True, validate=validate.Length(1, 60))
    lang = fields.String(load_default="vi", validate=validate.OneOf(LANGS))
    province = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(2, 8)
    )
    source = fields.String(required=True, validate=validate.Length(1, 100_000))


class CriteriaSchema(BaseSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("department_staff", "procedure_applicants")),
    )
    agency = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=40)
    )
    department = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=40)
    )
    role = fields.String(load_default=None, allow_none=True)
    procedure = fields.String(load_default=None, allow_none=True)
    date_from = fields.Date(load_default=None, allow_none=True, data_key="from")
    date_to = fields.Date(load_default=None, allow_none=True, data_key="to")


class BulkSchema(BaseSchema):
    subject = fields.String(required=True, validate=validate.Length(1, 250))
    body = fields.String(required=True, validate=validate.Length(1, 50_000))
    attachments = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=10)
    )
    csv = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=CSV_MAX)
    )
    criteria = fields.Nested(CriteriaSchema, load_default=None, allow_none=True)
    rate = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=10_000)
    )
    lang = fields.String(load_default="vi", validate=validate.OneOf(LANGS))


class PageSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    status = fields.String(load_default=None, allow_none=True)


class ReminderSchema(BaseSchema):
    """A reminder on a dossier, or on one of its tasks (`task_id`)."""

    dossier_id = fields.String(required=True, validate=validate.Length(1, 64))
    task_id = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, 2**31 - 1)
    )
    remind_at = fields.AwareDateTime(required=True)
    note = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=2000)
    )


class ReminderPatchSchema(BaseSchema):
    remind_at = fields.AwareDateTime()
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class InboxQuery(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    unread = fields.Boolean(load_default=False)


class MarkRead(BaseSchema):
    """Entries to mark read; none named: every one of the caller's."""

    ids = fields.List(
        fields.String(validate=validate.Length(1, 36)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
    )


class Queued(BaseSchema):
    day = fields.String(required=True)
    queued = fields.Integer(required=True)


EVENTS = {}


def _ref():
    """A record's key as the caller has it (an integer id or its text)."""
    return fields.Raw(required=True)


RPC = table(
    "notify",
    health=Method(result=Health),
    list_deliveries=Method(
        result=res.DeliveryPage,
        caller=caller(),
        dossier_id=text(validate=validate.Length(1, 64)),
    ),
    get_template=Method(
        result=res.NotificationTemplate,
        caller=caller(),
        key=text(validate=validate.Length(1, 60)),
        lang=opt(fields.String(validate=validate.OneOf(LANGS))),
        province=opt(fields.String(validate=validate.Length(2, 8))),
    ),
    preview_template=Method(
        result=res.Rendered, caller=caller(), data=body(TemplateSchema)
    ),
    save_template=Method(
        result=res.SavedTemplate, caller=caller(), data=body(TemplateSchema)
    ),
    create_bulk_mail=Method(
        result=res.BulkMail, caller=caller(), data=body(BulkSchema)
    ),
    get_bulk_mail=Method(result=res.BulkMail, caller=caller(), bulk_id=_ref()),
    list_bulk_recipients=Method(
        result=res.DeliveryPage,
        caller=caller(),
        bulk_id=_ref(),
        query=body(PageSchema, required=False),
    ),
    confirm_bulk_mail=Method(result=res.BulkMail, caller=caller(), bulk_id=_ref()),
    cancel_bulk_mail=Method(result=res.BulkMail, caller=caller(), bulk_id=_ref()),
    approve_bulk_mail=Method(result=res.BulkMail, caller=caller(), bulk_id=_ref()),
    run_reminders=Method(result=Queued, caller=caller(), day=fields.Raw(required=True)),
    create_reminder=Method(
        result=res.Reminder, caller=caller(), data=body(ReminderSchema)
    ),
    update_reminder=Method(
        result=res.Reminder,
        caller=caller(),
        reminder_id=text(validate=validate.Length(1, 36)),
        data=body(ReminderPatchSchema),
    ),
    cancel_reminder=Method(
        result=res.Reminder,
        caller=caller(),
        reminder_id=text(validate=validate.Length(1, 36)),
    ),
    list_reminders=Method(
        result=res.ReminderPage,
        caller=caller(),
        dossier_id=opt(fields.String(validate=validate.Length(1, 64))),
    ),
    list_notifications=Method(
        result=res.NotificationPage,
        caller=caller(),
        query=body(InboxQuery, required=False),
    ),
    mark_notifications_read=Method(
        result=res.Unread, caller=caller(), data=body(MarkRead, required=False)
    ),
    unread_count=Method(result=res.Unread, caller=caller()),
)
