"""Notify area: delivery state on a dossier, template overrides, bulk e-mail."""

import falcon

from services.notify.exceptions import MESSAGES_VI

from ..i18n import register
from .common import call, json_object

register(MESSAGES_VI)


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
        """Return the template in force for the caller's province."""
        lang = req.get_param("lang") or "vi"
        resp.media = call(self.rpc, req, "notify", "get_template", key, lang)

    def on_put(self, req, resp, key):
        """Override the template for a province (refused when it does not render)."""
        body = json_object(req)
        body["key"] = key
        resp.media = call(self.rpc, req, "notify", "save_template", body)


class BulkMails:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp):
        """Compose a bulk mail; answer its recipients, bad rows and a preview."""
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
        for name in ("page", "page_size"):
            value = req.get_param_as_int(name)
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
        """Confirm (start sending) or cancel a bulk mail."""
        resp.media = call(self.rpc, req, "notify", self.method, bulk_id)


def routes(rpc):
    return [
        ("/api/v1/dossiers/{dossier_id}/deliveries", Deliveries(rpc)),
        ("/api/v1/notification-templates/{key}", Template(rpc)),
        ("/api/v1/bulk-mails", BulkMails(rpc)),
        ("/api/v1/bulk-mails/{bulk_id}", BulkMail(rpc)),
        ("/api/v1/bulk-mails/{bulk_id}/recipients", BulkRecipients(rpc)),
        ("/api/v1/bulk-mails/{bulk_id}/confirm", BulkAction(rpc, "confirm_bulk_mail")),
        ("/api/v1/bulk-mails/{bulk_id}/cancel", BulkAction(rpc, "cancel_bulk_mail")),
    ]
