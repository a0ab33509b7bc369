"""A citizen claims a paper dossier registered at the desk (dossiers `claim_dossier`).

The receipt slip carries the receipt number and an access code; the citizen types
them (or the receipt number and their national ID) and the dossier becomes theirs.
"""

from services.shared.routes import PAGES, link

from ..i18n import error_text
from .base import FormPage, field_errors
from .render import gettext

FIELDS = ("receipt_number", "national_id", "access_code")


class ClaimPaper(FormPage):
    """Claim; a refusal is shown at the receipt number, never which part failed."""

    template = "claim.html"

    def initial(self, req):
        """The receipt number filled in from `?so=` (the slip's QR)."""
        return {"receipt_number": (req.get_param("so") or "").strip()[:96]}

    def read(self, req, form):
        return {k: (form.get(k) or "").strip() for k in FIELDS}

    def refuses(self, exc):
        return exc.status in (422, 429)

    def send(self, req, resp, values):
        data = {k: v for k, v in values.items() if v}
        data.setdefault("receipt_number", "")
        dossier = self.call(req, "dossiers", "claim_dossier", data)
        return link("citizen_dossier", {"ok": "claimed"}, dossier_id=dossier["id"])

    def errors_of(self, req, exc):
        lang = req.context.lang
        if exc.status == 429:
            return {"receipt_number": error_text(exc, lang)}
        errors = field_errors(exc, lang)
        if "claim" in errors:
            errors["receipt_number"] = errors.pop("claim")
        return errors

    def view(self, req, values, errors):
        lang = req.context.lang
        return {"labels": {k: gettext(f"claim.{k}", lang) for k in FIELDS}}


def routes(web):
    return [(PAGES["claim_paper"], ClaimPaper(web))]
