"""Webhook subscriptions, their delivery log, and the event feed."""

import copy

from marshmallow import fields, validate

from .common import Nullable, Resource, Sent, page_of

DELIVERY_STATES = ("pending", "delivered", "failed")


class Subscription(Resource):
    """An API client's endpoint and what it asked for."""

    id = Sent(fields.String)
    client_id = Sent(fields.String)
    url = Sent(fields.String)
    description = Nullable(fields.String)
    event_types = Sent(fields.List, fields.String())
    provinces = Sent(fields.List, fields.String())
    agencies = Sent(fields.List, fields.String())
    procedures = Sent(fields.List, fields.String())
    active = Sent(fields.Boolean)
    disabled_reason = Nullable(
        fields.String,
        metadata={"description": "Why it stopped: `gone` after a 410, `manual`."},
    )
    created_at = Sent(fields.DateTime)
    pending = Sent(fields.Integer, metadata={"description": "Deliveries not sent yet."})
    failed = Sent(fields.Integer, metadata={"description": "Deliveries given up."})


SubscriptionPage = page_of(Subscription, "SubscriptionPage")


class CreatedSubscription(Subscription):
    secret = Sent(
        fields.String,
        metadata={"description": "The signing secret (whsec_…), shown only here."},
    )


class Secret(Resource):
    id = Sent(fields.String)
    secret = Sent(fields.String, metadata={"description": "Shown only here."})
    previous_valid_until = Sent(
        fields.DateTime,
        metadata={"description": "Until then deliveries carry both signatures."},
    )


class Delivery(Resource):
    """One event to one endpoint: its `id` is the `webhook-id` of every try."""

    id = Sent(fields.String)
    subscription_id = Sent(fields.String)
    event_id = Sent(fields.String)
    event_type = Sent(fields.String)
    occurred_at = Sent(fields.DateTime)
    status = Sent(fields.String, validate=validate.OneOf(DELIVERY_STATES))
    attempts = Sent(fields.Integer)
    last_status = Nullable(fields.Integer, metadata={"description": "HTTP status."})
    last_error = Nullable(fields.String)
    last_attempt_at = Nullable(fields.DateTime)
    next_attempt_at = Nullable(fields.DateTime)
    delivered_at = Nullable(fields.DateTime)


DeliveryPage = page_of(Delivery, "WebhookDeliveryPage")


class Replayed(Resource):
    replayed = Sent(fields.Integer, metadata={"description": "Deliveries sent again."})


class Event(Resource):
    """The envelope of every event, in a webhook's body and in the feed."""

    id = Sent(fields.String, metadata={"description": "The event id (stable)."})
    type = Sent(fields.String)
    time = Sent(fields.DateTime, metadata={"description": "When it happened."})
    subject = Sent(fields.String, metadata={"description": "The dossier's id."})
    province = Nullable(fields.String)
    agency = Nullable(fields.String)
    receiving_province = Nullable(
        fields.String,
        metadata={"description": "The receiving desk's province (else `province`)."},
    )
    receiving_agency = Nullable(
        fields.String,
        metadata={"description": "The receiving desk's agency (else `agency`)."},
    )
    procedure = Nullable(fields.String)
    data_version = Sent(fields.String)
    data = Sent(
        fields.Dict, metadata={"description": "The type's facts (see webhooks)."}
    )
    cursor = Sent(fields.String, metadata={"description": "Its place in the feed."})


class EventFeed(Resource):
    items = Sent(fields.List, fields.Nested(Event))
    next = Sent(
        fields.String, metadata={"description": "Pass as `after` for what follows."}
    )
    more = Sent(fields.Boolean, metadata={"description": "More events are waiting."})


class EventType(Resource):
    type = Sent(fields.String)
    source = Sent(fields.String)
    data_version = Sent(fields.String)


class Ref(Resource):
    """A record named by its id only (an actor, a comment, a task)."""

    id = Nullable(fields.Raw)


def _here(schema):
    schema.__module__ = __name__
    return schema


def _camel(name):
    return "".join(part.title() for part in name.split("_"))


def event_bodies():
    """{event type: the schema of its webhook body}: the envelope, with `data` the
    type's public facts (services/webhooks/domain.py `public_fields`, the same rule
    that shapes what is sent)."""
    from services.contracts.dossiers import Snapshot
    from services.webhooks import domain

    # fields of bound instances: the shared BaseSchema bounds every text on binding
    snapshot = Snapshot().fields
    facts = {name: copy.deepcopy(snapshot[name]) for name in domain.SNAPSHOT_FACTS}
    facts["procedure"] = fields.String(allow_none=True)
    dossier = _here(Resource.from_dict(facts, name="DossierFacts"))
    bodies = {}
    for event_type, (_, schema) in sorted(domain.event_types().items()):
        data = {}
        declared = {(f.data_key or n): f for n, f in schema().fields.items()}
        for key, kind in domain.public_fields(schema).items():
            if kind == "dossier":
                data[key] = fields.Nested(dossier, required=True)
            elif kind == "ref":
                data[key] = fields.Nested(Ref, required=True, allow_none=True)
            else:
                field = copy.deepcopy(declared[key])
                field.data_key = None
                data[key] = field
        name = _camel(event_type)
        body = Resource.from_dict(
            dict(
                Event._declared_fields,
                type=Sent(fields.String, validate=validate.Equal(event_type)),
                data=fields.Nested(
                    _here(Resource.from_dict(data, name=f"{name}Data")), required=True
                ),
            ),
            name=f"{name}Event",
        )
        bodies[event_type] = _here(body)
    return bodies


EventTypePage = page_of(EventType, "EventTypePage")

EXAMPLES = {}
