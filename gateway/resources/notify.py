"""Notify area: delivery state on a dossier, template overrides, bulk e-mail."""

import json

import falcon
from marshmallow import fields, validate

from gateway.errors import CodedHTTPError
from services.contracts.notify import BulkSchema, PageSchema, TemplateSchema
from services.contracts.resources import notify as res
from services.notify.domain import LANGS
from services.notify.kinds import KEYS
from services.shared.errors import ValidationFailed, detail
from services.shared.schemas import MAX_PAGE, MAX_PAGE_SIZE

from ..apidoc import Input, op
from ..text_guard import checked_parts, part_text
from .common import call, json_object, page_param

CSV_MAX_BYTES = 5 * 1024 * 1024


def _csv_text(part):
    data = part.stream.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise CodedHTTPError(falcon.HTTP_413, "CSV_TOO_LARGE", "CSV file too large")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "Invalid input", {"file": [detail("csv_not_utf8")]}
        ) from None


def _json_part(name, text):
    try:
        return json.loads(text)
    except ValueError:
        raise ValidationFailed(
            "Invalid input", {name: [detail("invalid_json")]}
        ) from None


def bulk_form(req):
    """Read a multipart bulk mail: `file` (CSV) plus the JSON fields as parts.

    `attachments` may repeat (one file id each); `criteria` is a JSON object and
    `rate` a number, both as text parts. Unknown parts go to the service, which
    refuses them like unknown JSON fields.
    """
    body = {}
    for part in checked_parts(req.get_media()):
        if part.name == "file":
            body["csv"] = _csv_text(part)
        elif part.name == "attachments":
            body.setdefault("attachments", []).append(part_text(part))
        elif part.name in ("criteria", "rate"):
            body[part.name] = _json_part(part.name, part_text(part))
        else:
            body[part.name] = part_text(part)
    return body


class Deliveries:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, dossier_id):
        """List the e-mails sent about a dossier and whether they were delivered."""
        resp.media = call(self.rpc, req, "notify", "list_deliveries", dossier_id)


class Template:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, key):
        """Return the template in force for the caller's (or `province`'s) province."""
        lang = req.get_param("lang") or "vi"
        province = req.get_param("province")
        resp.media = call(self.rpc, req, "notify", "get_template", key, lang, province)

    def on_put(self, req, resp, key):
        """Override the template for a province (refused when it does not render)."""
        body = json_object(req)
        body["key"] = key
        resp.media = call(self.rpc, req, "notify", "save_template", body)


class TemplatePreview:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp, key):
        """Check a template source and answer its rendered sample (nothing saved)."""
        body = json_object(req)
        body["key"] = key
        resp.media = call(self.rpc, req, "notify", "preview_template", body)


class BulkMails:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp):
        """Compose a bulk mail (JSON, or multipart with a CSV `file` part)."""
        if (req.content_type or "").startswith("multipart/form-data"):
            body = bulk_form(req)
        else:
            body = json_object(req)
        resp.media = call(self.rpc, req, "notify", "create_bulk_mail", body)
        resp.status = falcon.HTTP_201


class BulkMail:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, bulk_id):
        """Return a bulk mail's progress."""
        resp.media = call(self.rpc, req, "notify", "get_bulk_mail", bulk_id)


class BulkRecipients:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, bulk_id):
        """Page through the recipients and their delivery state."""
        query = {}
        for name, top in (("page", MAX_PAGE), ("page_size", MAX_PAGE_SIZE)):
            value = page_param(req, name, None, top)
            if value is not None:
                query[name] = value
        if req.get_param("status"):
            query["status"] = req.get_param("status")
        resp.media = call(
            self.rpc, req, "notify", "list_bulk_recipients", bulk_id, query
        )


class BulkAction:
    def __init__(self, rpc, method):
        self.rpc = rpc
        self.method = method

    def on_post(self, req, resp, bulk_id):
        """Confirm (start sending), cancel or approve (an uploaded list) a bulk mail."""
        resp.media = call(self.rpc, req, "notify", self.method, bulk_id)


def routes(rpc):
    return [
        ("/api/v1/dossiers/{dossier_id}/deliveries", Deliveries(rpc)),
        ("/api/v1/notification-templates/{key}", Template(rpc)),
        ("/api/v1/notification-templates/{key}/preview", TemplatePreview(rpc)),
        ("/api/v1/bulk-mails", BulkMails(rpc)),
        ("/api/v1/bulk-mails/{bulk_id}", BulkMail(rpc)),
        ("/api/v1/bulk-mails/{bulk_id}/recipients", BulkRecipients(rpc)),
        ("/api/v1/bulk-mails/{bulk_id}/confirm", BulkAction(rpc, "confirm_bulk_mail")),
        ("/api/v1/bulk-mails/{bulk_id}/cancel", BulkAction(rpc, "cancel_bulk_mail")),
        (
            "/api/v1/bulk-mails/{bulk_id}/approve",
            BulkAction(rpc, "approve_bulk_mail"),
        ),
    ]


class TemplateQuery(Input):
    lang = fields.String(validate=validate.OneOf(LANGS))
    province = fields.String(
        metadata={"description": "Operators only; a province admin: their own."}
    )


class BulkForm(Input):
    """The multipart form of a bulk e-mail: the JSON fields as text parts."""

    file = fields.Raw(
        metadata={
            "type": "string",
            "format": "binary",
            "description": "UTF-8 CSV (BOM allowed) of rows email,full_name; at "
            "most 5 MB (413 CSV_TOO_LARGE).",
        }
    )
    subject = fields.String(required=True, validate=validate.Length(1, 250))
    body = fields.String(required=True, validate=validate.Length(1, 50_000))
    attachments = fields.List(
        fields.String(), metadata={"description": "One part per file id."}
    )
    criteria = fields.String(metadata={"description": "The criteria as JSON text."})
    rate = fields.String(metadata={"description": "A number as text."})
    lang = fields.String(validate=validate.OneOf(LANGS))


# The key comes from the path.
TEMPLATE_BODY = TemplateSchema(exclude=("key",))
BULK = "/api/v1/bulk-mails/{bulk_id}"
KEY = (("key", {"enum": list(KEYS)}),)
BULK_STEP = (403, 409)
OPERATIONS = {
    "GET /api/v1/dossiers/{dossier_id}/deliveries": op(
        "E-mails sent about a dossier and their delivery state (staff in scope).",
        ok=res.DeliveryPage,
    ),
    "GET /api/v1/notification-templates/{key}": op(
        "The e-mail template in force for the caller's (or a) province.",
        query=TemplateQuery,
        path=KEY,
        description="An operator (who has no province) must name the province "
        "(422 otherwise).",
        ok=res.NotificationTemplate,
    ),
    "PUT /api/v1/notification-templates/{key}": op(
        "Override a template for a province (province admins, own province).",
        body=TEMPLATE_BODY,
        ok=res.SavedTemplate,
        path=KEY,
        description="422 TEMPLATE_INVALID, TEMPLATE_UNSAFE, "
        "TEMPLATE_VARIABLE_UNKNOWN or TEMPLATE_CONTENT_REFUSED.",
    ),
    "POST /api/v1/notification-templates/{key}/preview": op(
        "Check a template source and answer its rendered sample (nothing saved).",
        body=TEMPLATE_BODY,
        ok=res.Rendered,
        path=KEY,
        acts=False,
    ),
    "POST /api/v1/bulk-mails": op(
        "Compose a bulk e-mail (not sent until confirmed).",
        body=BulkSchema,
        form=BulkForm,
        ok=res.BulkMail,
        status=201,
        description="An uploaded list needs a province admin's approval before "
        "confirm. 422 NO_RECIPIENTS, ATTACHMENT_REFUSED, CRITERIA_UNAVAILABLE.",
    ),
    f"GET {BULK}": op("A bulk e-mail's progress.", ok=res.BulkMail),
    f"GET {BULK}/recipients": op(
        "The recipients and their delivery state.",
        query=PageSchema,
        ok=res.DeliveryPage,
    ),
    f"POST {BULK}/confirm": op(
        "Start sending at its rate.",
        ok=res.BulkMail,
        errors=BULK_STEP,
        description="409 BULK_MAIL_NOT_APPROVED or BULK_MAIL_STATE.",
    ),
    f"POST {BULK}/cancel": op(
        "Cancel: what is not sent yet is not sent.", ok=res.BulkMail, errors=BULK_STEP
    ),
    f"POST {BULK}/approve": op(
        "Approve an uploaded list (a province admin other than its uploader).",
        ok=res.BulkMail,
        errors=BULK_STEP,
    ),
}
