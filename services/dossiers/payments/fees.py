"""A procedure's fee as data, and what a dossier owes (pure).

`fee_rule` on a procedure version:
- `{"kind": "none"}` (or no rule): nothing is paid online;
- `{"kind": "fixed", "amount": 10000, "due": "submission"}`;
- `{"kind": "by_field", "field": "works_grade", "amounts": {"III": 150000, ...},
  "due": "result"}`: the amount of the form field's value.
`due`: `submission` (the dossier reaches the desk only when paid) or `result` (it is
returned only when paid). Amounts are whole đồng. Only a level-4 procedure takes a
fee online (`domain.ONLINE`); at lower levels the fee is paid at the desk.
"""

from services.shared.codes import detail

from .. import domain

KINDS = ("none", "fixed", "by_field")
DUE = ("submission", "result")
MAX_AMOUNT = 10_000_000_000  # đồng; ×100 stays within the provider's 64-bit amount


def rule_errors(rule, form_fields):
    """Field errors of a fee rule against the procedure's form ({} when valid)."""
    if not rule or rule.get("kind") == "none":
        return {}
    errors = {}
    if rule.get("kind") == "fixed" and not _amount_ok(rule.get("amount")):
        errors["fee_rule.amount"] = [detail("invalid_amount")]
    if rule.get("kind") == "by_field":
        names = {f.get("name"): f for f in form_fields or []}
        field = names.get(rule.get("field"))
        if field is None:
            errors["fee_rule.field"] = [detail("unknown_field")]
        amounts = rule.get("amounts") or {}
        if not amounts:
            errors["fee_rule.amounts"] = [detail("required")]
        for value, amount in amounts.items():
            if not _amount_ok(amount):
                errors[f"fee_rule.amounts.{value}"] = [detail("invalid_amount")]
            options = (field or {}).get("options")
            if options and value not in options:
                errors[f"fee_rule.amounts.{value}"] = [detail("not_an_option")]
    return errors


def _amount_ok(amount):
    return (
        isinstance(amount, int)
        and not isinstance(amount, bool)
        and (0 < amount <= MAX_AMOUNT)
    )


def online(level, rule):
    """Whether a dossier of this procedure pays its fee online (level 4, a fee)."""
    return (
        domain.online_allows(level, "pay")
        and bool(rule)
        and rule.get("kind") in ("fixed", "by_field")
    )


def amount_of(rule, form):
    """What the dossier owes in đồng, or None when its form value has no amount."""
    if rule.get("kind") == "fixed":
        return rule["amount"]
    value = (form or {}).get(rule.get("field"))
    if value is None:
        return None
    amounts = rule.get("amounts") or {}
    key = str(value)
    if key not in amounts and isinstance(value, float) and value.is_integer():
        key = str(int(value))
    return amounts.get(key)


def due_at(rule):
    return rule.get("due") or "submission"


def shown_fee(rule, legacy_fee):
    """The fee a procedure shows: its rule's fixed amount, else the stored figure."""
    if rule and rule.get("kind") == "fixed":
        return rule["amount"]
    return legacy_fee
