"""Payments in the dossiers database: the workflow hooks, starting a payment,
applying the provider's callback, refunds and the day's reconciliation.

The callback, never the browser's return, moves a payment: each is checked
(signature, merchant, reference, amount, currency), applied at most once (the
payment row is locked; a payment no longer pending answers "already confirmed"),
and every callback, applied or not, is kept in `payment_callbacks` and logged.
"""

import datetime as dt
import logging
import secrets

from sqlalchemy import select

from services.shared import permissions
from services.shared.errors import detail

from .. import domain, store, workflow
from ..exceptions import (
    DossierInvalid,
    NotRefundable,
    PaymentNotDue,
    ProviderUnavailable,
)
from ..models import Dossier, Payment, PaymentCallback
from . import fees, states
from .provider import Charge, ProviderError

log = logging.getLogger(__name__)
CURRENCY = "VND"


# --- the workflow's hooks ------------------------------------------------------------
def waits_for_payment(session, caller, dossier, version):
    """On submit: note what the dossier owes; True when the submission must wait for
    the payment (fee due at submission, not paid yet: the dossier stays a draft and
    the confirmed payment submits it)."""
    rule = version.fee_rule
    if dossier.paper or not fees.online(version.level, rule):
        return False
    if dossier.payment_state in (states.PAID, states.REFUNDED):
        return False
    amount = fees.amount_of(rule, dossier.form)
    if amount is None:
        field = f"form.{rule.get('field')}"
        raise DossierInvalid(
            "The dossier is incomplete or invalid", {field: [detail("no_fee")]}
        )
    dossier.fee_amount = amount
    waits = fees.due_at(rule) == "submission" and dossier.status == domain.DRAFT
    dossier.submit_when_paid = waits
    if dossier.payment_state == states.NOT_DUE:
        move(session, caller, dossier, states.DUE)
    return waits


def move(session, caller, dossier, target, payment=None):
    """Set the dossier's payment state; its history line and event go with it."""
    source = dossier.payment_state or states.NOT_DUE
    dossier.payment_state = target
    dossier.updated_at = store.now()
    store.record_history(
        session, dossier, caller, f"payment_{target}", from_state=source,
        to_state=target,
    )  # fmt: skip
    store.emit(
        session,
        dossier,
        "payment_state_changed",
        {
            "from": source,
            "to": target,
            "actor": store.actor_of(caller),
            "amount": dossier.fee_amount,
            "payment": dump(payment) if payment is not None else None,
        },
    )


def dump(payment):
    return {
        "ref": payment.ref,
        "amount": payment.amount,
        "currency": payment.currency,
        "state": payment.state,
        "provider": payment.provider,
        "provider_txn": payment.provider_txn,
        "created_at": payment.created_at.isoformat(),
        "paid_at": store._iso(payment.paid_at),
        "refunded_at": store._iso(payment.refunded_at),
    }


# --- the applicant pays ------------------------------------------------------------
def start(session, caller, dossier_id, adapter, return_url, client_ip=None):
    """A new payment of the dossier's fee and the provider URL for the browser."""
    permissions.require(caller, "payment.pay")
    dossier = store.load(session, caller, dossier_id, lock=True)
    open_ = dossier.status not in domain.CLOSED_STATES
    if dossier.payment_state not in states.PAYABLE or not open_:
        raise PaymentNotDue(
            "Nothing to pay for this dossier now",
            {"payment_state": [dossier.payment_state]},
        )
    moment = store.now()
    payment = Payment(
        ref=domain.local_date(moment).strftime("%y%m%d") + secrets.token_hex(8).upper(),
        dossier_id=dossier.id,
        provider=adapter.name,
        amount=dossier.fee_amount,
        currency=CURRENCY,
        state="pending",
        created_by=caller.get("user_id"),
        created_at=moment,
    )
    session.add(payment)
    session.flush()
    charge = charge_of(payment, dossier)
    url = adapter.create(charge, return_url, client_ip or "127.0.0.1")
    if dossier.payment_state != states.PENDING:
        move(session, caller, dossier, states.PENDING, payment)
    return {"payment": dump(payment), "redirect_url": url}


def charge_of(payment, dossier):
    code = dossier.receipt_number or str(dossier.public_id)[:8]
    return Charge(
        ref=payment.ref,
        amount=payment.amount,
        currency=payment.currency,
        description=f"Le phi ho so {code}",
        created_at=payment.created_at,
    )


# --- the provider's callback --------------------------------------------------------
def apply_callback(session, adapter, params):
    """Check and apply one callback; (outcome, applied) for the provider's answer."""
    found = adapter.verify_callback(params)
    if not found.valid:
        return "invalid_signature", False
    payment = session.scalar(
        select(Payment).where(Payment.ref == str(found.ref)).with_for_update()
    )
    if payment is None:
        return "order_not_found", False
    if found.amount != payment.amount or found.currency != payment.currency:
        return "invalid_amount", False
    if payment.state != "pending":
        return "already_confirmed", False
    dossier = session.scalar(
        select(Dossier).where(Dossier.id == payment.dossier_id).with_for_update()
    )
    payment.state = "paid" if found.success else "failed"
    payment.provider_txn = found.provider_txn
    payment.response_code = found.response_code
    if found.success:
        payment.paid_at = store.now()
    if found.success and dossier.payment_state == states.PAID:
        # an older attempt confirmed after a newer one: collected twice, kept and
        # flagged (reconciliation's `duplicate`) for the province admin to refund
        log.warning("second payment %s of a paid dossier %s", payment.ref, dossier.id)
    target = states.after_outcome(dossier.payment_state, found.success)
    actor = provider_actor(adapter)
    if target != dossier.payment_state:
        move(session, actor, dossier, target, payment)
    if target == states.PAID and dossier.submit_when_paid:
        submit_paid(session, dossier)
    return "confirmed", True


def provider_actor(adapter):
    return {"kind": "system", "roles": ["system"], "user_id": f"payment:{adapter.name}"}


def submit_paid(session, dossier):
    """The submission that waited for the fee, now paid: as its applicant's."""
    dossier.submit_when_paid = False
    if dossier.status != domain.DRAFT:
        return
    applicant = dossier.applicant or {}
    kind = applicant.get("kind") or "citizen"
    caller = {
        "kind": kind,
        "roles": [kind],
        "user_id": dossier.owner_id,
        "full_name": applicant.get("full_name"),
        "province": dossier.province,
    }
    workflow.transition(
        session, caller, dossier, "submit", {}, None, event="dossier_submitted"
    )


def record_callback(session, params, outcome, applied):
    """Keep the callback and say what it was (a refused one is a warning)."""
    ref = str((params or {}).get("vnp_TxnRef") or "")[:64] or None
    kept = {str(k)[:64]: str(v)[:512] for k, v in list((params or {}).items())[:60]}
    session.add(
        PaymentCallback(
            ref=ref, params=kept, outcome=outcome, applied=applied, at=store.now()
        )
    )
    if not applied:
        log.warning("payment callback not applied: %s (ref %s)", outcome, ref)


def read_return(session, caller, adapter, params):
    """What the browser's return shows: the portal's state, never the browser's."""
    found = adapter.verify_callback(params)
    payment = None
    if found.valid:
        payment = session.scalar(select(Payment).where(Payment.ref == str(found.ref)))
    if payment is None:
        return {"verified": False, "dossier_id": None, "payment_state": None}
    dossier = session.get(Dossier, payment.dossier_id)
    return {
        "verified": True,
        "dossier_id": str(dossier.public_id),
        "payment_state": dossier.payment_state,
        "provider_success": found.success,
        "payment": dump(payment),
    }


# --- reads, refunds, reconciliation ---------------------------------------------------
def list_for(session, caller, dossier_id):
    permissions.require(caller, "dossier.read")
    dossier = store.load(session, caller, dossier_id)
    rows = session.scalars(
        select(Payment).where(Payment.dossier_id == dossier.id).order_by(Payment.id)
    )
    return [dump(p) for p in rows]


def refund(session, caller, dossier_id, reason, adapter):
    """The province admin refunds the dossier's confirmed payment at the provider."""
    permissions.require(caller, "payment.refund")
    dossier = store.load(session, caller, dossier_id, lock=True)
    payment = session.scalar(
        select(Payment)
        .where(Payment.dossier_id == dossier.id, Payment.state == "paid")
        .order_by(Payment.id.desc())
        .with_for_update()
    )
    if payment is None:
        raise NotRefundable(
            "No confirmed payment to refund", {"payment_state": [dossier.payment_state]}
        )
    try:
        adapter.refund(
            charge_of(payment, dossier),
            payment.provider_txn,
            caller.get("user_id") or "admin",
        )
    except ProviderError as exc:
        raise ProviderUnavailable(
            "The payment provider did not refund", {"provider": [str(exc)[:200]]}
        ) from None
    payment.state = "refunded"
    payment.refunded_at = store.now()
    payment.refunded_by = caller.get("user_id")
    move(session, caller, dossier, states.REFUNDED, payment)
    store.record_history(
        session, dossier, caller, "note", note=reason, public=True,
    )  # fmt: skip
    return dump(payment)


def reconcile(session, caller, day, adapter):
    """The day's payments (Vietnamese date) in the portal against the provider's
    books (its query API), one row each, with whether they agree."""
    permissions.require(caller, "payment.reconcile")
    start = dt.datetime.combine(day, dt.time(0), domain.LOCAL_TZ)
    end = start + dt.timedelta(days=1)
    query = (
        select(Payment, Dossier)
        .join(Dossier, Dossier.id == Payment.dossier_id)
        .where(Payment.created_at >= start, Payment.created_at < end)
        .order_by(Payment.id)
    )
    query = store.scope_filter(caller, query)
    rows, paid_per_dossier = [], {}
    found = session.execute(query).all()
    for payment, dossier in found:
        if payment.state == "paid":
            paid_per_dossier[dossier.id] = paid_per_dossier.get(dossier.id, 0) + 1
    for payment, dossier in found:
        try:
            theirs = adapter.query(payment.ref, payment.created_at)
        except ProviderError as exc:
            raise ProviderUnavailable(
                "The payment provider did not answer", {"provider": [str(exc)[:200]]}
            ) from None
        ours = payment.state
        agree = (not theirs.found and ours in ("pending", "failed")) or (
            theirs.found and theirs.status == ours and theirs.amount == payment.amount
        )
        rows.append(
            {
                "ref": payment.ref,
                "dossier_id": str(dossier.public_id),
                "receipt_number": dossier.receipt_number,
                "amount": payment.amount,
                "portal_state": ours,
                "provider_state": theirs.status if theirs.found else None,
                "provider_amount": theirs.amount,
                "provider_txn": theirs.provider_txn,
                "agrees": agree,
                # another confirmed payment of the same dossier that day
                "duplicate": payment.state == "paid"
                and paid_per_dossier.get(dossier.id, 0) > 1,
            }
        )
    paid = [r for r in rows if r["portal_state"] == "paid"]
    return {
        "date": day.isoformat(),
        "items": rows,
        "paid_count": len(paid),
        "paid_amount": sum(r["amount"] for r in paid),
        "disagreements": sum(not r["agrees"] for r in rows),
    }
