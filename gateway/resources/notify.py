"""Notify area: delivery state on a dossier, template overrides, bulk e-mail."""

import json

import falcon

from gateway.errors import CodedHTTPError
from services.shared.errors import ValidationFailed, detail
from services.shared.schemas import MAX_PAGE, MAX_PAGE_SIZE

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
