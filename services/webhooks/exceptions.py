"""Errors of the webhooks service, each with a stable code."""

from services.shared.errors import NotFound, ValidationFailed


class SubscriptionNotFound(NotFound):
    code = "SUBSCRIPTION_NOT_FOUND"


class DeliveryNotFound(NotFound):
    code = "DELIVERY_NOT_FOUND"


class TargetRefused(ValidationFailed):
    """A URL on a loopback, link-local or private address (or not http/https)."""

    code = "WEBHOOK_URL_REFUSED"
