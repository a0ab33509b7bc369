"""The first adapter: the VNPAY-style scheme of signed redirect parameters and a
signed server-to-server callback (IPN).

Signing (`sign`, pure): the `vnp_` parameters sorted by name, URL-encoded
(`key=value` joined by `&`, spaces as `+`), HMAC-SHA512 with the merchant's secret,
hex, sent as `vnp_SecureHash`. Amounts travel in đồng ×100. The merchant API
(`querydr`, `refund`) signs its JSON body's values joined by `|` in a fixed order.
The merchant code and secret come from the environment only (`provider.settings`).
"""

import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlencode

import requests

from services.shared.clock import VN_TZ, utcnow

from .provider import Callback, ProviderError, Record

VERSION = "2.1.0"
HASH_KEYS = ("vnp_SecureHash", "vnp_SecureHashType")
# The callback's answers (RspCode) the provider expects for each outcome.
RSP_CODES = {
    "confirmed": ("00", "Confirm Success"),
    "order_not_found": ("01", "Order not found"),
    "already_confirmed": ("02", "Order already confirmed"),
    "invalid_amount": ("04", "Invalid amount"),
    "invalid_signature": ("97", "Invalid signature"),
    "other": ("99", "Unknown error"),
}
# The fields each merchant-API message signs, in order ("|"-joined).
QUERY_SIGNED = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
REFUND_SIGNED = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
    "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo",
    "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
    "vnp_OrderInfo",
)  # fmt: skip
ANSWER_SIGNED = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
    "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate",
    "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
    "vnp_OrderInfo",
)  # fmt: skip
NOT_FOUND = "91"  # querydr: no such transaction


def canonical(params):
    """The signed text: every parameter but the hash, sorted, URL-encoded."""
    items = sorted((k, str(v)) for k, v in params.items() if k not in HASH_KEYS)
    return urlencode([(k, v) for k, v in items if v != ""])


def digest(secret, text):
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def sign(secret, params):
    """`params` with their `vnp_SecureHash`."""
    return dict(params, vnp_SecureHash=digest(secret, canonical(params)))


def verify(secret, params):
    """Whether `params` carry a valid `vnp_SecureHash` (constant-time compare)."""
    given = str(params.get("vnp_SecureHash") or "").lower()
    return bool(given) and hmac.compare_digest(given, digest(secret, canonical(params)))


def sign_message(secret, body, order):
    """A merchant-API message signed over its `order` values joined by "|"."""
    text = "|".join(str(body.get(k, "")) for k in order)
    return dict(body, vnp_SecureHash=digest(secret, text))


def verify_message(secret, body, order):
    text = "|".join(str(body.get(k, "")) for k in order)
    given = str(body.get("vnp_SecureHash") or "").lower()
    return bool(given) and hmac.compare_digest(given, digest(secret, text))


def stamp(moment):
    """yyyyMMddHHmmss on the Vietnamese clock."""
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def minor(amount):
    """đồng → the provider's amount (×100)."""
    return str(int(amount) * 100)


def read_amount(text):
    """The provider's amount (×100) → đồng, or None when it is not a whole amount."""
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return None
    return value // 100 if value >= 0 and value % 100 == 0 else None


class VnpayAdapter:
    """`provider` contract over the VNPAY-style protocol."""

    name = "vnpay"

    def __init__(self, pay_url, api_url, tmn_code, secret, timeout=10):
        if not (tmn_code and secret):
            raise ProviderError("merchant code and secret must be configured")
        self.pay_url, self.api_url = pay_url, api_url
        self.tmn_code, self.secret, self.timeout = tmn_code, secret, timeout

    def create(self, charge, return_url, client_ip="127.0.0.1"):
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": minor(charge.amount),
            "vnp_CurrCode": charge.currency,
            "vnp_TxnRef": charge.ref,
            "vnp_OrderInfo": charge.description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip,
            "vnp_CreateDate": stamp(charge.created_at),
            "vnp_ExpireDate": stamp(charge.created_at + dt.timedelta(minutes=15)),
        }
        return f"{self.pay_url}?{urlencode(sign(self.secret, params))}"

    def verify_callback(self, params):
        params = {str(k): str(v) for k, v in (params or {}).items()}
        if not verify(self.secret, params) or params.get("vnp_TmnCode") != (
            self.tmn_code
        ):
            return Callback(valid=False, ref=params.get("vnp_TxnRef"))
        success = (
            params.get("vnp_ResponseCode") == "00"
            and params.get("vnp_TransactionStatus", "00") == "00"
        )
        return Callback(
            valid=True,
            ref=params.get("vnp_TxnRef"),
            amount=read_amount(params.get("vnp_Amount")),
            currency=params.get("vnp_CurrCode") or "VND",
            success=success,
            provider_txn=params.get("vnp_TransactionNo"),
            paid_at=params.get("vnp_PayDate"),
            response_code=params.get("vnp_ResponseCode"),
        )

    def answer(self, outcome):
        code, message = RSP_CODES[outcome]
        return {"RspCode": code, "Message": message}

    def _post(self, body, order):
        signed = sign_message(self.secret, body, order)
        try:
            got = requests.post(self.api_url, json=signed, timeout=self.timeout)
            got.raise_for_status()
            answer = got.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError(f"provider API: {exc}") from exc
        if not verify_message(self.secret, answer, ANSWER_SIGNED):
            raise ProviderError("provider API answer with an invalid signature")
        return answer

    def _message(self, command, ref, created_at, info):
        return {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": ref,
            "vnp_OrderInfo": info,
            "vnp_TransactionDate": stamp(created_at),
            "vnp_CreateDate": stamp(utcnow()),
            "vnp_IpAddr": "127.0.0.1",
        }

    def query(self, ref, created_at):
        body = self._message("querydr", ref, created_at, f"Query {ref}")
        return record_of(ref, self._post(body, QUERY_SIGNED))

    def refund(self, charge, provider_txn, by):
        body = self._message("refund", charge.ref, charge.created_at, charge.ref)
        body.update(
            vnp_TransactionType="02",  # the whole amount
            vnp_Amount=minor(charge.amount),
            vnp_TransactionNo=provider_txn or "",
            vnp_CreateBy=by,
        )
        found = record_of(charge.ref, self._post(body, REFUND_SIGNED))
        if found.response_code != "00":
            raise ProviderError(f"refund refused: {found.response_code}")
        return found


def record_of(ref, answer):
    """A merchant-API answer as a `Record`."""
    code = answer.get("vnp_ResponseCode")
    if code == NOT_FOUND:
        return Record(ref=ref, found=False, response_code=code)
    status = answer.get("vnp_TransactionStatus")
    kind = answer.get("vnp_TransactionType")
    if status == "00":
        state = "refunded" if kind in ("02", "03") else "paid"
    else:
        state = "pending" if status == "01" else "failed"
    return Record(
        ref=ref,
        found=True,
        status=state,
        amount=read_amount(answer.get("vnp_Amount")),
        provider_txn=answer.get("vnp_TransactionNo"),
        response_code=code,
    )
