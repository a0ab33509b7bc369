"""Payment pages: the applicant's pay step, the provider's return, the province
admin's daily reconciliation.

The pay button posts here; the answer is a page with a plain link to the provider
(the portal's CSP allows forms to post only to itself). The return page shows what
the portal knows (the provider's callback decides), never the browser's word.
"""

import datetime as dt

from services.shared.clock import VN_TZ
from services.shared.errors import Conflict, ServiceError
from services.shared.routes import PAGES, link

from .agency import Workspace
from .base import Page, field_errors, form_of, page, redirect


class Pay(Page):
    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        try:
            started = self.call(
                req, "dossiers", "start_payment", dossier_id, req.remote_addr
            )
        except Conflict:
            back = link(
                "citizen_dossier", {"ok": "nothing_to_pay"}, dossier_id=dossier_id
            )
            return redirect(resp, back)
        self.render(
            req, resp, "pay.html", started=started, dossier_id=dossier_id
        )  # fmt: skip


class PaymentReturn(Page):
    @page()
    def on_get(self, req, resp):
        shown = self.call(req, "dossiers", "payment_return", dict(req.params))
        self.render(req, resp, "payment_return.html", shown=shown)


class Refund(Workspace):
    """The province admin refunds a confirmed payment from the workspace."""

    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        reason = (form_of(req).get("reason") or "").strip()
        try:
            self.call(req, "dossiers", "refund_payment", dossier_id, {"reason": reason})
        except ServiceError as exc:
            if exc.status not in (409, 422):
                raise
            dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
            errors = field_errors(exc, req.context.lang)
            message = errors.get("reason") or " ".join(errors.values())
            return self.show(req, resp, dossier, {"refund.reason": message}, status=422)
        done = link("staff_dossier", {"ok": "payment_refunded"}, dossier_id=dossier_id)
        redirect(resp, done)


class Reconciliation(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """One day's payments (today by default) against the provider's records."""
        try:
            day = dt.date.fromisoformat(req.get_param("date") or "")
        except ValueError:
            day = dt.datetime.now(VN_TZ).date()
        found = self.call(req, "dossiers", "reconcile_payments", day.isoformat())
        self.render(req, resp, "reconciliation.html", found=found, day=day)


def routes(web):
    return [
        (PAGES["citizen_pay"], Pay(web)),
        (PAGES["payment_return"], PaymentReturn(web)),
        (PAGES["payment_reconciliation"], Reconciliation(web)),
        (PAGES["staff_refund"], Refund(web)),
    ]
