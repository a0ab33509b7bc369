"""The result's pages: the officer drafts it, a late dossier gets a new date, and
anyone holding the QR code of a signed result verifies it.

The rules live in the services (files drafts, signs at approval and verifies;
dossiers reschedules); these pages post to them and show what they answer.
"""

from services.shared.errors import NotFound, ServiceError
from services.shared.routes import PAGES, link

from .agency import Workspace
from .base import Page, field_errors, form_of, page, redirect


class DraftResult(Page):
    """POST only: a refusal shows the workspace again with the message."""

    def __init__(self, web):
        super().__init__(web)
        self.workspace = Workspace(web)

    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        """Draft from the procedure's template, or from an uploaded PDF (`file_id`)."""
        file_id = (form_of(req).get("file_id") or "").strip()
        body = {"file_id": file_id} if file_id else {}
        try:
            self.call(req, "files", "draft_result", dossier_id, body)
        except ServiceError as exc:
            return self.refused(req, resp, dossier_id, exc, "result")
        redirect(resp, link("staff_dossier", {"ok": "result"}, dossier_id=dossier_id))

    def refused(self, req, resp, dossier_id, exc, field):
        if exc.status not in (409, 422):
            raise exc
        message = " ".join(field_errors(exc, req.context.lang).values())
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        return self.workspace.show(req, resp, dossier, {field: message}, status=422)


class Reschedule(DraftResult):
    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        """`new_date`, `reason`: the apology letter goes to the applicant."""
        form = form_of(req)
        body = {
            "new_date": (form.get("new_date") or "").strip(),
            "reason": (form.get("reason") or "").strip(),
            "expected_version": form.get("version") or None,
        }
        try:
            self.call(req, "dossiers", "reschedule", dossier_id, body)
        except ServiceError as exc:
            return self.refused(req, resp, dossier_id, exc, "reschedule")
        done = link("staff_dossier", {"ok": "reschedule"}, dossier_id=dossier_id)
        redirect(resp, done)


class Verify(Page):
    @page()
    def on_get(self, req, resp, code):
        """Who signed the result with this code, when; and whether it still holds."""
        try:
            found = self.call(req, "files", "verify_result", code)
        except NotFound:
            found = None
        self.render(
            req, resp, "verify.html", code=code, found=found,
            http_status=200 if found else 404,
        )  # fmt: skip


def routes(web):
    return [
        (PAGES["verify_result"], Verify(web)),
        (PAGES["staff_result"], DraftResult(web)),
        (PAGES["staff_reschedule"], Reschedule(web)),
    ]
