"""A citizen claims a paper dossier registered at the desk (dossiers `claim_dossier`).

The receipt slip carries the receipt number and an access code; the citizen types
them (or the receipt number and their national ID) and the dossier becomes theirs.
"""

from services.shared.errors import ServiceError
from services.shared.routes import PAGES, link

from ..i18n import error_text
from .base import Page, field_errors, form_of, page, redirect
from .render import gettext

FIELDS = ("receipt_number", "national_id", "access_code")


class ClaimPaper(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """The claim form, the receipt number filled in from `?so=` (the slip's QR)."""
        values = {"receipt_number": (req.get_param("so") or "").strip()[:96]}
        self._show(req, resp, values, {})

    @page(login=True)
    def on_post(self, req, resp):
        """Claim; a refusal is shown at the receipt number, never which part failed."""
        form = form_of(req)
        values = {k: (form.get(k) or "").strip() for k in FIELDS}
        data = {k: v for k, v in values.items() if v}
        data.setdefault("receipt_number", "")
        try:
            dossier = self.call(req, "dossiers", "claim_dossier", data)
        except ServiceError as exc:
            if exc.status not in (422, 429):
                raise
            return self._show(req, resp, values, self._errors(req, exc))
        redirect(
            resp, link("citizen_dossier", {"ok": "claimed"}, dossier_id=dossier["id"])
        )

    @staticmethod
    def _errors(req, exc):
        lang = req.context.lang
        if exc.status == 429:
            return {"receipt_number": error_text(exc, lang)}
        errors = field_errors(exc, lang)
        if "claim" in errors:
            errors["receipt_number"] = errors.pop("claim")
        return errors

    def _show(self, req, resp, values, errors):
        lang = req.context.lang
        labels = {k: gettext(f"claim.{k}", lang) for k in FIELDS}
        self.render(
            req, resp, "claim.html", values=values, errors=errors, labels=labels
        )


def routes(web):
    return [(PAGES["claim_paper"], ClaimPaper(web))]
