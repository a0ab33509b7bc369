"""A local payment provider speaking the VNPAY-style protocol, for development and
tests: the portal's real adapter talks to it as it would to the provider.

It plays the other party, so it signs and checks on its own (the parameters sorted
and URL-encoded, HMAC-SHA512 with the merchant's secret; amounts in đồng ×100):

- `GET /paymentv2/vpcpay.html?vnp_…` — the payment page (signature and merchant
  checked, else 400): three buttons, success, failure, cancel;
- `POST /paymentv2/pay` (ref, outcome) — settles the transaction, sends the signed
  server-to-server callback (IPN, a GET to `--ipn-url`) as the mode says, then sends
  the browser back to `vnp_ReturnUrl` with the same signed parameters;
- `POST /merchant_webapi/api/transaction` — the merchant API: `querydr`, `refund`
  (JSON, values signed joined by `|`);
- test controls: `POST /_control/mode` `{"ipn": "now"|"late"|"twice"|"none",
  "delay": seconds}` (late: after the browser's return; none: only when asked),
  `POST /_control/ipn` `{"ref", "forge"?, "amount"?, "response_code"?}` sends one
  callback now and answers the portal's reply, `GET /_control/transactions`.

Run:  python -m deploy.local.payment_simulator --port 8790 --ipn-url URL
(merchant code and secret from PORTAL_PAYMENT_MERCHANT / PORTAL_PAYMENT_SECRET).
"""

import argparse
import datetime as dt
import hashlib
import hmac
import html
import json
import os
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

VN = dt.timezone(dt.timedelta(hours=7))
HASHES = ("vnp_SecureHash", "vnp_SecureHashType")
QUERY_ORDER = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
REFUND_ORDER = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
    "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo",
    "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
    "vnp_OrderInfo",
)  # fmt: skip
ANSWER_ORDER = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
    "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate",
    "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
    "vnp_OrderInfo",
)  # fmt: skip
# outcome → (vnp_ResponseCode, vnp_TransactionStatus)
OUTCOMES = {"success": ("00", "00"), "failure": ("51", "02"), "cancel": ("24", "02")}


def _hmac(secret, text):
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def signed_text(params):
    pairs = sorted((k, str(v)) for k, v in params.items() if k not in HASHES)
    return urlencode([(k, v) for k, v in pairs if v != ""])


def now_stamp():
    return dt.datetime.now(VN).strftime("%Y%m%d%H%M%S")


class Provider:
    """The provider's books and its behaviour (what the tests control)."""

    def __init__(self, merchant, secret, ipn_url):
        self.merchant, self.secret, self.ipn_url = merchant, secret, ipn_url
        self.txns, self.lock = {}, threading.Lock()
        self.mode = {"ipn": "now", "delay": 1.0}

    def valid(self, params):
        given = str(params.get("vnp_SecureHash") or "").lower()
        want = _hmac(self.secret, signed_text(params))
        return hmac.compare_digest(given, want) and (
            params.get("vnp_TmnCode") == self.merchant
        )

    def sign(self, params):
        return dict(params, vnp_SecureHash=_hmac(self.secret, signed_text(params)))

    def open(self, params):
        ref = params["vnp_TxnRef"]
        with self.lock:
            txn = self.txns.setdefault(
                ref,
                {"ref": ref, "status": "pending", "ipn_answers": [], "refunds": []},
            )
            if txn["status"] == "pending":
                txn.update(
                    amount=params["vnp_Amount"],
                    info=params.get("vnp_OrderInfo", ""),
                    return_url=params.get("vnp_ReturnUrl"),
                    created=params.get("vnp_CreateDate"),
                )
            return txn

    def settle(self, ref, outcome):
        code, status = OUTCOMES[outcome]
        with self.lock:
            txn = self.txns[ref]
            if txn["status"] == "pending":
                txn.update(
                    status="paid" if outcome == "success" else "failed",
                    response_code=code,
                    transaction_status=status,
                    txn_no=str(secrets.randbelow(10**8)).zfill(8),
                    pay_date=now_stamp(),
                )
            return txn

    def result_params(self, txn, amount=None, response_code=None):
        params = {
            "vnp_Amount": amount if amount is not None else txn["amount"],
            "vnp_BankCode": "NCB",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": txn["info"],
            "vnp_PayDate": txn.get("pay_date", ""),
            "vnp_ResponseCode": response_code or txn.get("response_code", "00"),
            "vnp_TmnCode": self.merchant,
            "vnp_TransactionNo": txn.get("txn_no", ""),
            "vnp_TransactionStatus": txn.get("transaction_status", "00"),
            "vnp_TxnRef": txn["ref"],
        }
        return self.sign(params)

    def send_ipn(self, params, txn=None):
        try:
            got = requests.get(self.ipn_url, params=params, timeout=10)
            answer = got.json()
        except (requests.RequestException, ValueError) as exc:
            answer = {"error": str(exc)}
        if txn is not None:
            with self.lock:
                txn["ipn_answers"].append(answer)
        return answer

    def deliver(self, txn):
        """The callback(s) of a settled transaction, as the mode says."""
        params = self.result_params(txn)
        mode = self.mode["ipn"]
        if mode in ("now", "twice"):
            self.send_ipn(params, txn)
        if mode == "twice":
            self.send_ipn(params, txn)
        if mode == "late":
            delay = float(self.mode.get("delay") or 1.0)
            threading.Timer(delay, self.send_ipn, (params, txn)).start()

    def merchant_api(self, body):
        command = body.get("vnp_Command")
        order = REFUND_ORDER if command == "refund" else QUERY_ORDER
        text = "|".join(str(body.get(k, "")) for k in order)
        if not hmac.compare_digest(
            str(body.get("vnp_SecureHash", "")).lower(), _hmac(self.secret, text)
        ):
            return self.answer(body, "97", "Invalid checksum")
        txn = self.txns.get(str(body.get("vnp_TxnRef")))
        if txn is None:
            return self.answer(body, "91", "Transaction not found")
        if command == "refund":
            if txn["status"] != "paid":
                return self.answer(body, "94", "Refund refused", txn)
            with self.lock:
                txn["status"] = "refunded"
                txn["refunds"].append(body.get("vnp_Amount"))
        return self.answer(body, "00", "OK", txn)

    def answer(self, body, code, message, txn=None):
        txn = txn or {}
        kind = {"refunded": "02"}.get(txn.get("status"), "01")
        status = {"paid": "00", "refunded": "00", "pending": "01"}.get(
            txn.get("status"), "02"
        )
        out = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": body.get("vnp_Command", ""),
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": self.merchant,
            "vnp_TxnRef": body.get("vnp_TxnRef", ""),
            "vnp_Amount": txn.get("amount", ""),
            "vnp_BankCode": "NCB" if txn else "",
            "vnp_PayDate": txn.get("pay_date", ""),
            "vnp_TransactionNo": txn.get("txn_no", ""),
            "vnp_TransactionType": kind if txn else "",
            "vnp_TransactionStatus": status if txn else "",
            "vnp_OrderInfo": txn.get("info", ""),
        }
        text = "|".join(str(out.get(k, "")) for k in ANSWER_ORDER)
        return dict(out, vnp_SecureHash=_hmac(self.secret, text))


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Cổng thanh toán (mô phỏng)</title></head><body><main>
<h1>Cổng thanh toán (mô phỏng)</h1>
<p>Đơn hàng <strong id="ref">{ref}</strong>: {info}</p>
<p>Số tiền: <strong id="amount">{amount} VND</strong></p>
<form method="post" action="/paymentv2/pay">
<input type="hidden" name="ref" value="{ref}">
<button name="outcome" value="success">Thanh toán thành công</button>
<button name="outcome" value="failure">Thanh toán thất bại</button>
<button name="outcome" value="cancel">Hủy giao dịch</button>
</form></main></body></html>"""


class Routes:
    """What each path answers: (status, body, content type, headers)."""

    def __init__(self, provider):
        self.provider = provider

    def get(self, path, params):
        if path == "/healthz":
            return 200, {"status": "ok"}
        if path == "/_control/transactions":
            with self.provider.lock:
                return 200, list(self.provider.txns.values())
        if path == "/paymentv2/vpcpay.html":
            return self.payment_page(params)
        return 404, {"error": "not found"}

    def payment_page(self, params):
        if not self.provider.valid(params):
            return 400, "<p>Sai chữ ký (97)</p>"
        txn = self.provider.open(params)
        return 200, PAGE.format(
            ref=html.escape(txn["ref"]),
            info=html.escape(txn["info"]),
            amount=f"{int(txn['amount']) // 100:,}".replace(",", "."),
        )

    def post(self, path, raw):
        if path == "/paymentv2/pay":
            return self.pay(dict(parse_qsl(raw)))
        body = json.loads(raw or "{}")
        if path == "/merchant_webapi/api/transaction":
            return 200, self.provider.merchant_api(body)
        if path == "/_control/mode":
            self.provider.mode.update(body)
            return 200, self.provider.mode
        if path == "/_control/ipn":
            return 200, self.ipn_now(body)
        return 404, {"error": "not found"}

    def pay(self, form):
        known = form.get("ref") in self.provider.txns
        if not known or form.get("outcome") not in OUTCOMES:
            return 400, {"error": "unknown transaction"}
        txn = self.provider.settle(form["ref"], form["outcome"])
        self.provider.deliver(txn)
        back = f"{txn['return_url']}?{urlencode(self.provider.result_params(txn))}"
        return 303, "", [("Location", back)]

    def ipn_now(self, body):
        """One callback now, as the test asks (forged, another amount, unknown)."""
        txn = self.provider.txns.get(str(body.get("ref")))
        if txn is None:  # an unknown reference: still sent, signed
            txn = {"ref": str(body.get("ref")), "amount": "100", "info": ""}
        params = self.provider.result_params(
            txn, body.get("amount"), body.get("response_code")
        )
        if body.get("forge"):
            params["vnp_SecureHash"] = _hmac("forged", signed_text(params))
        return {"params": params, "answer": self.provider.send_ipn(params)}


def handler_for(provider):
    routes = Routes(provider)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            print("payment-simulator:", fmt % args, flush=True)

        def reply(self, status, body, headers=()):
            if isinstance(body, str):
                data, kind = body.encode(), "text/html"
            else:
                data, kind = json.dumps(body).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            self.reply(*routes.get(url.path, params))

        def do_POST(self):  # noqa: N802
            size = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(size).decode() if size else ""
            self.reply(*routes.post(urlsplit(self.path).path, raw))

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--ipn-url", required=True)
    parser.add_argument("--merchant", default=os.environ.get("PORTAL_PAYMENT_MERCHANT"))
    parser.add_argument("--secret", default=os.environ.get("PORTAL_PAYMENT_SECRET"))
    args = parser.parse_args()
    if not (args.merchant and args.secret):
        parser.error("PORTAL_PAYMENT_MERCHANT and PORTAL_PAYMENT_SECRET must be set")
    provider = Provider(args.merchant, args.secret, args.ipn_url)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(provider))
    print(f"payment simulator on 127.0.0.1:{args.port}", flush=True)
    started = time.monotonic()
    try:
        server.serve_forever()
    finally:
        print(f"payment simulator stopped after {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
