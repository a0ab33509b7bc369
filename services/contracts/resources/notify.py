"""E-mail delivery states, notification templates and bulk e-mails."""

from marshmallow import fields, validate

from .common import Nullable, Resource, Sent, page_of

DELIVERY_STATES = (
    "draft",
    "queued",
    "sending",
    "sent",
    "temp_failed",
    "perm_failed",
    "cancelled",
)


class Delivery(Resource):
    """One e-mail and whether it reached the recipient's server."""

    id = Sent(fields.String)
    template = Sent(fields.String)
    recipient = Sent(fields.String)
    recipient_name = Nullable(fields.String)
    subject = Nullable(fields.String)
    status = Sent(fields.String, validate=validate.OneOf(DELIVERY_STATES))
    attempts = Sent(fields.Integer)
    last_error = Nullable(fields.String)
    attachments = Sent(fields.List, fields.String())
    created_at = Sent(fields.DateTime)
    sent_at = Nullable(fields.DateTime)
    next_attempt_at = Nullable(fields.DateTime)


class Rendered(Resource):
    subject = Sent(fields.String)
    text = Sent(fields.String)
    html = Sent(fields.String)


class NotificationTemplate(Resource):
    key = Sent(fields.String)
    lang = Sent(fields.String)
    province = Nullable(fields.String)
    overridden = Sent(fields.Boolean)
    stale = Sent(
        fields.Boolean,
        metadata={"description": "The default changed since it was overridden."},
    )
    source = Sent(fields.String, metadata={"description": "Jinja2 blocks."})
    variables = Sent(fields.List, fields.String())
    link = Nullable(fields.String)


class SavedTemplate(Resource):
    key = Sent(fields.String)
    lang = Sent(fields.String)
    province = Nullable(fields.String)
    preview = Sent(fields.Nested, Rendered)


class BadRow(Resource):
    line = Sent(fields.Integer)
    value = Nullable(fields.String)
    error = Sent(fields.String)


class BulkPreview(Rendered):
    recipient = Sent(fields.String)


class BulkMail(Resource):
    id = Sent(fields.String)
    status = Sent(
        fields.String,
        validate=validate.OneOf(["draft", "sending", "done", "cancelled"]),
    )
    subject = Sent(fields.String)
    rate = Nullable(fields.Float, metadata={"description": "Messages per second."})
    recipients = Sent(fields.Integer)
    counts = Sent(fields.Dict, keys=fields.String(), values=fields.Integer())
    bad_rows = Sent(fields.List, fields.Nested(BadRow))
    attachments = Sent(fields.List, fields.String())
    created_at = Sent(fields.DateTime)
    needs_approval = Sent(fields.Boolean)
    approved = Sent(fields.Boolean)
    created_by = Nullable(fields.String)
    preview = fields.Nested(BulkPreview, metadata={"description": "On creation."})


DeliveryPage = page_of(Delivery, "DeliveryPage")


REMINDER_STATES = ("pending", "fired", "cancelled")


class Reminder(Resource):
    """A reminder the caller set on a dossier or task."""

    id = Sent(fields.String)
    dossier_id = Sent(fields.String)
    task_id = Nullable(fields.Integer)
    title = Sent(fields.String)
    note = Nullable(fields.String)
    remind_at = Sent(fields.DateTime)
    status = Sent(fields.String, validate=validate.OneOf(REMINDER_STATES))
    created_at = Sent(fields.DateTime)
    fired_at = Nullable(fields.DateTime)


ReminderPage = page_of(Reminder, "ReminderPage")


class Notification(Resource):
    """An entry of the caller's in-app notification list."""

    id = Sent(fields.String)
    kind = Sent(fields.String)
    title = Sent(fields.String)
    body = Nullable(fields.String)
    dossier_id = Nullable(fields.String)
    link = Nullable(fields.String)
    created_at = Sent(fields.DateTime)
    read_at = Nullable(fields.DateTime)


class NotificationPage(Resource):
    items = Sent(fields.List, fields.Nested(Notification))
    total = Sent(fields.Integer)
    unread = Sent(fields.Integer)


class Unread(Resource):
    unread = Sent(fields.Integer)
