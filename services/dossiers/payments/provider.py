"""The payment adapter contract and the configured provider.

A province plugs in its provider by writing one class with these four methods
(and naming it in `PORTAL_PAYMENT_PROVIDER`); nothing else in the portal knows
the provider's protocol:

- `create(payment, return_url, client_ip)` → the URL the applicant's browser is sent
  to (signed); `payment` is a `Charge`.
- `verify_callback(params)` → a `Callback` (signature checked; never raises on bad
  input: `valid` False).
- `answer(code)` → what the provider expects back from the callback endpoint, for
  one of `ANSWERS`' outcomes.
- `query(ref, created_at)` → a `Record` of the provider's own books (reconciliation).
- `refund(charge, provider_txn, by)` → a `Record` after the refund (raises
  `ProviderError` when refused).

Every method but `verify_callback` and `answer` raises `ProviderError` when the
provider cannot be reached.
"""

from dataclasses import dataclass

# The outcomes a callback is answered with (each adapter maps them to its codes).
ANSWERS = (
    "confirmed",
    "order_not_found",
    "already_confirmed",
    "invalid_amount",
    "invalid_signature",
    "other",
)


@dataclass(frozen=True)
class Charge:
    """What the portal asks the provider to collect."""

    ref: str  # the portal's transaction reference (unique)
    amount: int  # đồng
    currency: str
    description: str
    created_at: object  # aware datetime


@dataclass(frozen=True)
class Callback:
    """A provider's callback, read and checked."""

    valid: bool  # signature (and merchant) checked
    ref: str | None = None
    amount: int | None = None  # đồng
    currency: str | None = None
    success: bool = False
    provider_txn: str | None = None
    paid_at: str | None = None
    response_code: str | None = None


@dataclass(frozen=True)
class Record:
    """A transaction as the provider's books hold it."""

    ref: str
    found: bool
    status: str | None = None  # paid, failed, pending, refunded
    amount: int | None = None
    provider_txn: str | None = None
    response_code: str | None = None


class ProviderError(Exception):
    """The provider could not be reached or refused a merchant request."""


def configured(get):
    """The adapter the environment names (`get(setting)` reads a setting)."""
    from .. import settings
    from . import vnpay

    kind = get(settings.PAYMENT_PROVIDER)
    if kind != "vnpay":
        raise ProviderError(f"unknown payment provider {kind!r}")
    return vnpay.VnpayAdapter(
        get(settings.PAYMENT_URL),
        get(settings.PAYMENT_API_URL),
        get(settings.PAYMENT_MERCHANT),
        get(settings.PAYMENT_SECRET),
    )
