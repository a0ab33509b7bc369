"""A dossier's payment state and how a payment's outcome moves it (pure).

not_due (nothing to pay online) → due (the fee is owed) → pending (the applicant is
at the provider) → paid | failed (the provider's signed callback said so; failed may
be paid again) → refunded (by the province admin).
"""

NOT_DUE, DUE, PENDING, PAID, REFUNDED, FAILED = (
    "not_due",
    "due",
    "pending",
    "paid",
    "refunded",
    "failed",
)
STATES = (NOT_DUE, DUE, PENDING, PAID, REFUNDED, FAILED)
# A payment may be started (or started again) from these dossier states.
PAYABLE = (DUE, PENDING, FAILED)
# The fee is still owed: the workflow waits (desk reception or the return).
OWED = (DUE, PENDING, FAILED)


def after_outcome(current, success):
    """The dossier's state once a payment of it succeeded or failed."""
    if success:
        return PAID
    # A failed attempt never undoes a payment already confirmed.
    return current if current in (PAID, REFUNDED) else FAILED
