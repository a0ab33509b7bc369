"""Fees paid online: start a payment, the provider's callback (IPN), a dossier's
payments, refunds and the day's reconciliation.

The rules (who pays, what a callback may change) are the dossiers service's
(`services/dossiers/payments`); the gateway passes the provider's parameters on as
they came and answers the provider what the service says.
"""

import falcon
from marshmallow import fields, validate

from services.contracts.dossiers import RefundSchema
from services.contracts.resources import dossiers as res
from services.shared import routes as pages

from ..apidoc import CSV, PUBLIC, Input, op
from .common import call, json_object
from .search import format_of, send

RECONCILIATION_COLUMNS = (
    ("ref", "Mã giao dịch"),
    ("receipt_number", "Số biên nhận"),
    ("amount", "Số tiền (đồng)"),
    ("portal_state", "Trạng thái trên cổng"),
    ("provider_state", "Trạng thái tại cổng thanh toán"),
    ("provider_amount", "Số tiền tại cổng thanh toán"),
    ("provider_txn", "Mã giao dịch tại cổng thanh toán"),
    ("agrees", "Khớp"),
    ("duplicate", "Thu trùng"),
)


class Resource:
    def __init__(self, rpc):
        self.rpc = rpc

    def call(self, req, method, *args, **kwargs):
        return call(self.rpc, req, "dossiers", method, *args, **kwargs)


class Payments(Resource):
    def on_get(self, req, resp, dossier_id):
        items = self.call(req, "list_payments", dossier_id)
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp, dossier_id):
        """Start a payment of the dossier's fee; send the applicant to redirect_url."""
        resp.media = self.call(req, "start_payment", dossier_id, req.remote_addr)
        resp.status = falcon.HTTP_201


class Refund(Resource):
    def on_post(self, req, resp, dossier_id):
        resp.media = self.call(req, "refund_payment", dossier_id, json_object(req))


class Callback(Resource):
    """The provider's server-to-server callback: answered with its own codes."""

    def on_get(self, req, resp):
        resp.media = self.call(req, "payment_callback", dict(req.params))


def reconciliation_rows(answer):
    return [
        [row.get(key) for key, _ in RECONCILIATION_COLUMNS] for row in answer["items"]
    ]


class Reconciliation(Resource):
    def on_get(self, req, resp):
        fmt = format_of(req, ("json", "csv"))
        answer = self.call(req, "reconcile_payments", req.get_param("date") or "")
        if fmt == "json":
            resp.media = answer
            return
        headers = [label for _, label in RECONCILIATION_COLUMNS]
        name = f"doi-soat-{answer['date']}"
        send(resp, fmt, headers, reconciliation_rows(answer), "Đối soát", name)


def routes(rpc):
    base = "/api/v1/dossiers/{dossier_id}/payments"
    return [
        (base, Payments(rpc)),
        (f"{base}/refund", Refund(rpc)),
        (pages.PAGES["payment_ipn"], Callback(rpc)),
        ("/api/v1/payments/reconciliation", Reconciliation(rpc)),
    ]


class CallbackQuery(Input):
    """The provider's signed parameters (`vnp_…`), passed on as they came."""

    vnp_TxnRef = fields.String()  # noqa: N815 - the provider's names
    vnp_Amount = fields.String()  # noqa: N815
    vnp_ResponseCode = fields.String()  # noqa: N815
    vnp_SecureHash = fields.String()  # noqa: N815

    class Meta:
        unknown = "include"


class ReconciliationQuery(Input):
    date = fields.Date(required=True, metadata={"description": "Vietnamese date."})
    format = fields.String(validate=validate.OneOf(("json", "csv")))


BASE = "/api/v1/dossiers/{dossier_id}/payments"
OPERATIONS = {
    f"GET {BASE}": op(
        "A dossier's payments (attempts at the provider).", ok=res.PaymentPage
    ),
    f"POST {BASE}": op(
        "Start paying the dossier's fee online (level 4; the applicant).",
        ok=res.PaymentStarted,
        status=201,
        body_required=False,
        errors=(409, 503),
        description="Send the browser to `redirect_url`. 409 PAYMENT_NOT_DUE when "
        "nothing is owed; the provider's callback, not the browser's return, "
        "confirms the payment (`payment_state_changed`).",
    ),
    f"POST {BASE}/refund": op(
        "Refund the dossier's confirmed payment (province admin).",
        body=RefundSchema,
        ok=res.Payment,
        errors=(409, 503),
        description="409 PAYMENT_NOT_REFUNDABLE; 503 PAYMENT_PROVIDER_UNAVAILABLE.",
    ),
    "GET " + pages.PAGES["payment_ipn"]: op(
        "The payment provider's signed server-to-server callback (IPN).",
        query=CallbackQuery,
        ok=res.CallbackAnswer,
        auth=PUBLIC,
        description="Answered with the provider's RspCode: 00 confirmed, 01 order "
        "not found, 02 already confirmed, 04 invalid amount, 97 invalid signature, "
        "99 other. Nothing but a valid, first callback changes a payment.",
    ),
    "GET /api/v1/payments/reconciliation": op(
        "One day's payments against the provider's records (province admin).",
        query=ReconciliationQuery,
        ok=res.Reconciliation,
        media=(CSV,),
        errors=(503,),
    ),
}
