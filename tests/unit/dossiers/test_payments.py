"""Pure rules of fees and the VNPAY-style signing (no I/O)."""

import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from services.dossiers.payments import fees, states, vnpay

SECRET = "merchant-secret"


def adapter():
    return vnpay.VnpayAdapter(
        "https://pay.test/vpcpay.html", "https://api.test", "TMN1", SECRET
    )


def test_signature_is_hmac_sha512_of_the_sorted_encoded_parameters():
    params = {
        "vnp_TxnRef": "A1",
        "vnp_Amount": "1000000",
        "vnp_OrderInfo": "Lệ phí a b",
    }
    text = "vnp_Amount=1000000&vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+a+b&vnp_TxnRef=A1"
    want = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    assert vnpay.canonical(params) == text
    assert vnpay.sign(SECRET, params)["vnp_SecureHash"] == want


def test_verification_refuses_any_change_and_another_secret():
    signed = vnpay.sign(SECRET, {"vnp_TxnRef": "A1", "vnp_Amount": "1000000"})
    assert vnpay.verify(SECRET, signed)
    assert vnpay.verify(
        SECRET, dict(signed, vnp_SecureHash=signed["vnp_SecureHash"].upper())
    )
    assert not vnpay.verify(SECRET, dict(signed, vnp_Amount="100"))
    assert not vnpay.verify(SECRET, dict(signed, vnp_Extra="x"))
    assert not vnpay.verify("other", signed)
    assert not vnpay.verify(
        SECRET, {k: v for k, v in signed.items() if k != "vnp_SecureHash"}
    )


def test_the_payment_url_carries_amount_times_100_and_a_valid_signature():
    from services.dossiers.payments.provider import Charge

    moment = dt.datetime(2026, 12, 1, 3, 4, 5, tzinfo=dt.UTC)
    charge = Charge("261201ABC", 10000, "VND", "Le phi", moment)
    url = adapter().create(charge, "https://portal.test/thanh-toan/ket-qua")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["vnp_Amount"] == "1000000" and params["vnp_TxnRef"] == "261201ABC"
    assert params["vnp_CreateDate"] == "20261201100405"  # Vietnamese clock
    assert params["vnp_TmnCode"] == "TMN1" and vnpay.verify(SECRET, params)


def callback(**overrides):
    params = {
        "vnp_TmnCode": "TMN1", "vnp_TxnRef": "R1", "vnp_Amount": "1000000",
        "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00",
        "vnp_TransactionNo": "123",
    }  # fmt: skip
    return vnpay.sign(SECRET, {**params, **overrides})


def test_callbacks_are_read_only_when_signed_by_our_merchant():
    read = adapter().verify_callback(callback())
    assert read.valid and read.success and read.amount == 10000 and read.ref == "R1"
    assert not adapter().verify_callback(callback(vnp_TmnCode="OTHER")).valid
    forged = dict(callback(), vnp_Amount="100")
    assert not adapter().verify_callback(forged).valid
    failed = adapter().verify_callback(callback(vnp_ResponseCode="24"))
    assert failed.valid and not failed.success
    assert adapter().verify_callback(callback(vnp_Amount="1000050")).amount is None


def test_answers_are_the_providers_codes():
    codes = {k: adapter().answer(k)["RspCode"] for k in vnpay.RSP_CODES}
    assert codes == {
        "confirmed": "00", "order_not_found": "01", "already_confirmed": "02",
        "invalid_amount": "04", "invalid_signature": "97", "other": "99",
    }  # fmt: skip


def test_merchant_api_messages_sign_their_values_joined_by_pipes():
    body = {k: f"v{i}" for i, k in enumerate(vnpay.QUERY_SIGNED)}
    signed = vnpay.sign_message(SECRET, body, vnpay.QUERY_SIGNED)
    text = "|".join(f"v{i}" for i in range(len(vnpay.QUERY_SIGNED)))
    assert signed["vnp_SecureHash"] == vnpay.digest(SECRET, text)
    assert vnpay.verify_message(SECRET, signed, vnpay.QUERY_SIGNED)
    assert not vnpay.verify_message(
        SECRET, dict(signed, vnp_TxnRef="x"), vnpay.QUERY_SIGNED
    )


FORM = [{"name": "grade", "type": "select", "options": ["III", "IV"]}, {"name": "n"}]


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        ({"kind": "none"}, set()),
        ({"kind": "fixed", "amount": 10000}, set()),
        ({"kind": "fixed", "amount": 0}, {"fee_rule.amount"}),
        ({"kind": "by_field", "field": "grade", "amounts": {"III": 1}}, set()),
        (
            {"kind": "by_field", "field": "nope", "amounts": {"III": 1}},
            {"fee_rule.field"},
        ),
        ({"kind": "by_field", "field": "grade", "amounts": {}}, {"fee_rule.amounts"}),
        (
            {"kind": "by_field", "field": "grade", "amounts": {"II": 1}},
            {"fee_rule.amounts.II"},
        ),
    ],
)
def test_fee_rules_are_checked_against_the_form(rule, errors):
    assert set(fees.rule_errors(rule, FORM)) == errors


def test_what_a_dossier_owes():
    table = {
        "kind": "by_field",
        "field": "grade",
        "amounts": {"III": 150000, "4": 75000},
    }
    assert fees.amount_of({"kind": "fixed", "amount": 10000}, {}) == 10000
    assert fees.amount_of(table, {"grade": "III"}) == 150000
    assert fees.amount_of(table, {"grade": 4.0}) == 75000
    assert fees.amount_of(table, {"grade": "I"}) is None
    assert fees.online(4, {"kind": "fixed", "amount": 1})
    assert not fees.online(3, {"kind": "fixed", "amount": 1})
    assert not fees.online(4, {"kind": "none"}) and not fees.online(4, None)


def test_a_failed_attempt_never_undoes_a_payment():
    assert states.after_outcome(states.PENDING, True) == states.PAID
    assert states.after_outcome(states.PENDING, False) == states.FAILED
    assert states.after_outcome(states.PAID, False) == states.PAID
