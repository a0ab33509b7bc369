"""The operator's webhook pages: every endpoint, and one endpoint's delivery log.

The webhooks service decides what the caller sees (the operator every client's
subscriptions, an API client its own); a replay from the log page sends one
delivery again under its webhook-id.
"""

from .base import Page, form_of, page, redirect

PAGE_SIZE = 50
LAST_PAGE = 100_000
STATES = ("pending", "delivered", "failed")


class Endpoints(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """List the subscriptions with their URL, types, state and counts."""
        subs = self.call(req, "webhooks", "list_subscriptions")
        self.render(req, resp, "admin_webhooks.html", subscriptions=subs)


class EndpointLog(Page):
    @page(login=True)
    def on_get(self, req, resp, subscription_id):
        """One endpoint and a page of its deliveries (newest event first)."""
        sub = self.call(req, "webhooks", "get_subscription", subscription_id)
        number = min(max(req.get_param_as_int("trang", default=1) or 1, 1), LAST_PAGE)
        query = {"page": number, "page_size": PAGE_SIZE}
        status = req.get_param("trang_thai")
        if status in STATES:
            query["status"] = status
        found = self.call(req, "webhooks", "list_deliveries", subscription_id, query)
        self.render(
            req, resp, "admin_webhook.html", sub=sub, deliveries=found["items"],
            total=found["total"], page_number=number, page_size=PAGE_SIZE,
            states=STATES, status=query.get("status"), replayed=req.get_param("ok"),
            pager_extra=f"&trang_thai={query['status']}" if "status" in query else "",
        )  # fmt: skip

    @page(login=True)
    def on_post(self, req, resp, subscription_id):
        """Send one delivery again."""
        delivery_id = (form_of(req).get("delivery_id") or "").strip()
        self.call(
            req, "webhooks", "replay", subscription_id, {"delivery_id": delivery_id}
        )
        redirect(resp, f"/quan-tri/webhook/{subscription_id}?ok=replayed")


def routes(web):
    return [
        ("/quan-tri/webhook", Endpoints(web)),
        ("/quan-tri/webhook/{subscription_id}", EndpointLog(web)),
    ]
