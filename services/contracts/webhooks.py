"""The webhooks service's contract: subscriptions, deliveries, the event feed.

It emits no events; it consumes every public event of the other services (the
dossier events: `services/webhooks/domain.py` derives them from their contracts).
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.schemas import BaseSchema

from .base import Health, Method, Status, body, caller, opt, table, text
from .resources import webhooks as res


def _known_type(value):
    from services.webhooks.domain import event_types

    if value not in event_types():
        raise ValidationError("unknown_event_type")


def _types(required):
    return fields.List(
        fields.String(validate=_known_type),
        required=required,
        validate=validate.Length(1, 50),
    )


def _codes():
    return fields.List(
        fields.String(validate=validate.Length(1, 64)),
        load_default=list,
        validate=validate.Length(max=50),
    )


URL = validate.Length(1, 2000)


class SubscriptionSchema(BaseSchema):
    url = fields.String(required=True, validate=URL)
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=500)
    )
    event_types = _types(required=True)
    provinces = _codes()
    agencies = _codes()
    procedures = _codes()


class SubscriptionPatchSchema(BaseSchema):
    url = fields.String(validate=URL)
    description = fields.String(allow_none=True, validate=validate.Length(max=500))
    event_types = _types(required=False)
    provinces = fields.List(fields.String(validate=validate.Length(1, 64)))
    agencies = fields.List(fields.String(validate=validate.Length(1, 64)))
    procedures = fields.List(fields.String(validate=validate.Length(1, 64)))
    active = fields.Boolean()


class ReplaySchema(BaseSchema):
    """One delivery (`delivery_id`) or every delivery of events in [since, until)."""

    delivery_id = fields.String(validate=validate.Length(1, 40))
    since = fields.DateTime()
    until = fields.DateTime()

    @validates_schema
    def _one_way(self, data, **kwargs):
        if ("delivery_id" in data) == ("since" in data):
            raise ValidationError("delivery_id_or_since", "_schema")


class DeliveryQuery(BaseSchema):
    status = fields.String(validate=validate.OneOf(res.DELIVERY_STATES))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class FeedQuery(BaseSchema):
    after = fields.String(
        load_default="0",
        validate=validate.Regexp(
            r"^[0-9]{1,18}(\.[0-9]{1,18})?$", error="invalid_cursor"
        ),
        metadata={"description": "A `next` cursor; 0 (default) from the start."},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


def _id():
    return text(validate=validate.Length(1, 40))


EVENTS = {}

RPC = table(
    "webhooks",
    health=Method(result=Health),
    list_event_types=Method(result=res.EventType, caller=caller()),
    create_subscription=Method(
        result=res.CreatedSubscription,
        caller=caller(),
        data=body(SubscriptionSchema),
    ),
    list_subscriptions=Method(result=res.Subscription, caller=caller()),
    get_subscription=Method(
        result=res.Subscription, caller=caller(), subscription_id=_id()
    ),
    update_subscription=Method(
        result=res.Subscription,
        caller=caller(),
        subscription_id=_id(),
        data=body(SubscriptionPatchSchema),
    ),
    delete_subscription=Method(result=Status, caller=caller(), subscription_id=_id()),
    rotate_secret=Method(result=res.Secret, caller=caller(), subscription_id=_id()),
    list_deliveries=Method(
        result=res.DeliveryPage,
        caller=caller(),
        subscription_id=_id(),
        query=opt(fields.Dict()),
    ),
    replay=Method(
        result=res.Replayed,
        caller=caller(),
        subscription_id=_id(),
        data=body(ReplaySchema),
    ),
    list_events=Method(result=res.EventFeed, caller=caller(), query=opt(fields.Dict())),
)
