"""Webhooks area: API clients' subscriptions, their delivery log, the event feed."""

import falcon

from services.contracts.resources import webhooks as res
from services.contracts.webhooks import (
    DeliveryQuery,
    FeedQuery,
    ReplaySchema,
    SubscriptionPatchSchema,
    SubscriptionSchema,
)

from ..apidoc import op
from .common import call, json_object

SUB = "/api/v1/webhooks/subscriptions/{subscription_id}"


def _query(req, names):
    return {n: req.get_param(n) for n in names if req.get_param(n) not in (None, "")}


class EventTypes:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """The event types a subscription may ask for."""
        items = call(self.rpc, req, "webhooks", "list_event_types")
        resp.media = {"items": items, "total": len(items)}


class Subscriptions:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """The caller's subscriptions (an operator: every client's)."""
        items = call(self.rpc, req, "webhooks", "list_subscriptions")
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp):
        """Subscribe an endpoint; the answer shows its secret, once."""
        body = json_object(req)
        resp.media = call(self.rpc, req, "webhooks", "create_subscription", body)
        resp.status = falcon.HTTP_201


class Subscription:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, subscription_id):
        resp.media = call(
            self.rpc, req, "webhooks", "get_subscription", subscription_id
        )

    def on_patch(self, req, resp, subscription_id):
        body = json_object(req)
        resp.media = call(
            self.rpc, req, "webhooks", "update_subscription", subscription_id, body
        )

    def on_delete(self, req, resp, subscription_id):
        call(self.rpc, req, "webhooks", "delete_subscription", subscription_id)
        resp.status = falcon.HTTP_204


class Secret:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp, subscription_id):
        """Rotate the signing secret."""
        resp.media = call(self.rpc, req, "webhooks", "rotate_secret", subscription_id)


class Deliveries:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, subscription_id):
        query = _query(req, ("status", "page", "page_size"))
        resp.media = call(
            self.rpc, req, "webhooks", "list_deliveries", subscription_id, query
        )


class Replay:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp, subscription_id):
        body = json_object(req)
        resp.media = call(self.rpc, req, "webhooks", "replay", subscription_id, body)


class Events:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """The caller's events after a cursor."""
        query = _query(req, ("after", "limit"))
        resp.media = call(self.rpc, req, "webhooks", "list_events", query)


def routes(rpc):
    return [
        ("/api/v1/webhooks/event-types", EventTypes(rpc)),
        ("/api/v1/webhooks/subscriptions", Subscriptions(rpc)),
        (SUB, Subscription(rpc)),
        (f"{SUB}/secret", Secret(rpc)),
        (f"{SUB}/deliveries", Deliveries(rpc)),
        (f"{SUB}/replay", Replay(rpc)),
        ("/api/v1/events", Events(rpc)),
    ]


ID = (("subscription_id", {"maxLength": 40}),)
OPERATIONS = {
    "GET /api/v1/webhooks/event-types": op(
        "The event types a subscription may ask for, with their data version.",
        ok=res.EventTypePage,
        description="Derived from the services' contracts; each type's body is "
        "documented in this document's `webhooks` section.",
    ),
    "GET /api/v1/webhooks/subscriptions": op(
        "The calling API client's subscriptions (an operator: every client's).",
        ok=res.SubscriptionPage,
    ),
    "POST /api/v1/webhooks/subscriptions": op(
        "Subscribe an endpoint of the calling API client (scope dossiers:read).",
        body=SubscriptionSchema,
        ok=res.CreatedSubscription,
        status=201,
        description="Events are those of the client's province or agency, narrowed "
        "by the filters (a filter outside the client's scope is 422 "
        "`outside_scope`). The URL must resolve to public addresses (422 "
        "WEBHOOK_URL_REFUSED). The secret is shown in this answer only; deliveries "
        "are signed as the Standard Webhooks specification says.",
    ),
    f"GET {SUB}": op(
        "A subscription and its pending/failed counts.", ok=res.Subscription, path=ID
    ),
    f"PATCH {SUB}": op(
        "Change a subscription; `active: true` enables it again after a 410.",
        body=SubscriptionPatchSchema,
        ok=res.Subscription,
        path=ID,
    ),
    f"DELETE {SUB}": op(
        "Remove a subscription and its delivery log.", status=204, path=ID
    ),
    f"POST {SUB}/secret": op(
        "Rotate the signing secret (shown once); the previous one keeps signing "
        "alongside for a grace time.",
        ok=res.Secret,
        path=ID,
    ),
    f"GET {SUB}/deliveries": op(
        "The endpoint's delivery log: status, attempts, last response code.",
        query=DeliveryQuery,
        ok=res.DeliveryPage,
        path=ID,
    ),
    f"POST {SUB}/replay": op(
        "Send one delivery again, or every event of a time range.",
        body=ReplaySchema,
        ok=res.Replayed,
        path=ID,
        description="404 DELIVERY_NOT_FOUND for an unknown delivery_id.",
    ),
    "GET /api/v1/events": op(
        "The caller's events after a cursor, oldest first (scope dossiers:read).",
        query=FeedQuery,
        ok=res.EventFeed,
        description="The same envelope as the webhooks' bodies; pass `next` as "
        "`after` to read on (`more` says whether events are waiting).",
        tag="webhooks",
    ),
}
