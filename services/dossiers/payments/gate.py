"""The workflow's one payment rule: a dossier whose fee is owed is not returned."""

from ..exceptions import PaymentRequired
from . import states


def require_paid(dossier, action):
    """Refuse `return_result` while the fee is owed (409 PAYMENT_REQUIRED)."""
    if action == "return_result" and dossier.payment_state in states.OWED:
        raise PaymentRequired(
            "The fee must be paid before the result is returned",
            {"payment_state": [dossier.payment_state]},
        )
