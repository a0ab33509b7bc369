"""The webhooks service's entrypoints: public events in, subscriptions, deliveries
and the event feed out.

One event handler per public event type, made from the contracts
(`domain.event_types()`), so a type a service adds is consumed without an edit.
"""

import base64
import datetime as dt
import logging
import secrets
import uuid

from nameko.events import SERVICE_POOL, event_handler
from sqlalchemy import select

from services.contracts.webhooks import (
    DeliveryQuery,
    FeedQuery,
    ReplaySchema,
    SubscriptionPatchSchema,
    SubscriptionSchema,
)
from services.shared.caller import caller_from
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.entrypoint import contract_rpc
from services.shared.errors import Forbidden, ValidationFailed
from services.shared.metrics import WEBHOOK_EVENTS, Metrics
from services.shared.outbox import InvalidEvent, read_event
from services.shared.permissions import can, require
from services.shared.schemas import load

from . import domain, settings, store
from .exceptions import DeliveryNotFound, SubscriptionNotFound, TargetRefused
from .models import Subscription
from .sender import Sender

rpc = contract_rpc("webhooks")
log = logging.getLogger(__name__)

# Competing across instances; a failed worker puts the message back.
PUBLIC_EVENT = dict(handler_type=SERVICE_POOL, requeue_on_error=True)
MANAGE, FEED, OPERATE = "webhook.manage", "event.read", "api_client.manage"


def new_secret():
    """24 random bytes, base64 with the whsec_ prefix (the Standard Webhooks form)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhooksService:
    """Signed webhooks and an event feed for agencies' systems."""

    name = "webhooks"

    db = Database()
    request = RequestContext()
    metrics = Metrics()
    sender = Sender()

    # events -----------------------------------------------------------------------
    def _store(self, source, event_type, payload):
        schema = domain.event_types()[event_type][1]
        try:
            payload = read_event(source, event_type, payload)
        except InvalidEvent:
            log.exception("dropping malformed %s.%s event", source, event_type)
            return
        with self.db.transaction() as session:
            created = store.store_event(session, source, event_type, schema, payload)
        if created is not None:
            WEBHOOK_EVENTS.labels(event_type).inc()
        if created:
            self.sender.wake(created)

    # who may do what --------------------------------------------------------------
    def _manager(self, caller):
        caller = caller_from(caller)
        if not can(caller, OPERATE):
            require(caller, MANAGE)
        return caller

    def _subscription(self, session, caller, subscription_id, lock=False):
        sub = session.get(Subscription, subscription_id, with_for_update=lock)
        mine = sub is not None and (
            can(caller, OPERATE) or sub.client_id == caller.get("user_id")
        )
        if not mine:
            raise SubscriptionNotFound("Subscription not found")
        return sub

    def _allowed_hosts(self):
        return domain.allowed_hosts(
            self.sender.container.config.get(settings.ALLOWED_HOSTS.key)
        )

    def _check(self, caller, data):
        problems = domain.out_of_scope_filters(caller, data)
        if problems:
            raise ValidationFailed("Filters outside the client's scope", problems)
        if "url" in data:
            try:
                domain.check_target(data["url"], self._allowed_hosts())
            except domain.TargetRefused as exc:
                raise TargetRefused("URL refused", {"url": [str(exc)]}) from None

    # subscriptions ----------------------------------------------------------------
    @rpc
    def list_event_types(self, caller):
        """The event types a subscription may ask for (from the contracts)."""
        self._manager(caller)
        return [
            {"type": name, "source": source, "data_version": domain.DATA_VERSION}
            for name, (source, _) in sorted(domain.event_types().items())
        ]

    @rpc
    def create_subscription(self, caller, data):
        """Subscribe the calling API client's endpoint; the secret is shown once."""
        caller = caller_from(caller)
        require(caller, MANAGE)
        if caller.get("kind") != "client":
            raise Forbidden("Only API clients subscribe", {"action": [MANAGE]})
        data = load(SubscriptionSchema(), data)
        self._check(caller, data)
        secret = new_secret()
        with self.db.transaction() as session:
            sub = Subscription(
                id=str(uuid.uuid4()),
                client_id=caller["user_id"],
                client={
                    k: caller.get(k)
                    for k in ("user_id", "kind", "province", "agency", "scopes")
                },
                secret=self.sender.vault.seal(secret),
                active=True,
                created_at=store.now(),
                **data,
            )
            session.add(sub)
            session.flush()
            return store.subscription_view(session, sub) | {"secret": secret}

    @rpc
    def list_subscriptions(self, caller):
        """The caller's subscriptions (an operator: every client's)."""
        caller = self._manager(caller)
        with self.db.reader() as session:
            query = select(Subscription).order_by(Subscription.created_at)
            if not can(caller, OPERATE):
                query = query.where(Subscription.client_id == caller["user_id"])
            return [store.subscription_view(session, s) for s in session.scalars(query)]

    @rpc
    def get_subscription(self, caller, subscription_id):
        caller = self._manager(caller)
        with self.db.reader() as session:
            sub = self._subscription(session, caller, subscription_id)
            return store.subscription_view(session, sub)

    @rpc
    def update_subscription(self, caller, subscription_id, data):
        """Change the URL, types, filters; `active: true` enables it again."""
        caller = self._manager(caller)
        data = load(SubscriptionPatchSchema(), data)
        with self.db.transaction() as session:
            sub = self._subscription(session, caller, subscription_id, lock=True)
            self._check(sub.client, data)
            for key, value in data.items():
                setattr(sub, key, value)
            if "active" in data:
                sub.disabled_reason = None if data["active"] else "manual"
            return store.subscription_view(session, sub)

    @rpc
    def delete_subscription(self, caller, subscription_id):
        caller = self._manager(caller)
        with self.db.transaction() as session:
            session.delete(self._subscription(session, caller, subscription_id))
        return {"status": "deleted"}

    @rpc
    def rotate_secret(self, caller, subscription_id):
        """A new secret (shown once); the previous one signs too for a grace time."""
        caller = self._manager(caller)
        grace = self.sender.container.config.get(
            settings.ROTATION_GRACE.key, settings.ROTATION_GRACE.default
        )
        with self.db.transaction() as session:
            sub = self._subscription(session, caller, subscription_id, lock=True)
            secret = new_secret()
            sub.previous_secret, sub.secret = sub.secret, self.sender.vault.seal(secret)
            sub.previous_until = store.now() + dt.timedelta(seconds=float(grace))
            return {
                "id": sub.id,
                "secret": secret,
                "previous_valid_until": sub.previous_until.isoformat(),
            }

    # deliveries -------------------------------------------------------------------
    @rpc
    def list_deliveries(self, caller, subscription_id, query=None):
        """The endpoint's delivery log, newest event first."""
        caller = self._manager(caller)
        query = load(DeliveryQuery(), query or {})
        with self.db.reader() as session:
            sub = self._subscription(session, caller, subscription_id)
            return store.deliveries(
                session,
                sub.id,
                query.get("status"),
                query["page"],
                query["page_size"],
            )

    @rpc
    def replay(self, caller, subscription_id, data):
        """Send one delivery again, or every event of a time range."""
        caller = self._manager(caller)
        data = load(ReplaySchema(), data)
        with self.db.transaction() as session:
            sub = self._subscription(session, caller, subscription_id)
            count = store.replay(session, sub, **data)
        if data.get("delivery_id") and not count:
            raise DeliveryNotFound("Delivery not found")
        self.sender.wake()
        return {"replayed": count}

    # the feed ---------------------------------------------------------------------
    @rpc
    def list_events(self, caller, query=None):
        """The caller's events after a cursor, in order: {items, next, more}."""
        caller = caller_from(caller)
        if not can(caller, OPERATE):
            require(caller, FEED)
        query = load(FeedQuery(), query or {})
        with self.db.reader() as session:
            return store.feed(session, caller, query["after"], query["limit"])

    @rpc
    def health(self):
        return {"webhooks": "ok", "postgres": self.db.ping()}


def _handler(source, event_type):
    def handle(self, payload):
        self._store(source, event_type, payload)

    handle.__name__ = f"on_{event_type}"
    handle.__doc__ = f"Log {source}.{event_type} and fan it out to its subscriptions."
    return event_handler(source, event_type, **PUBLIC_EVENT)(handle)


for _type, (_source, _schema) in domain.event_types().items():
    setattr(WebhooksService, f"on_{_type}", _handler(_source, _type))
