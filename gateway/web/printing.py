"""Printing: generated slips (files service `generate_document`) and print pages.

A slip is a PDF the files service renders once per dossier + kind + version; the
page asks for it and sends the browser to the stored PDF, so printing it twice
never renders it twice. The dossier, discussion and history print from a page with
no forms or navigation (print CSS hides the rest). One uploaded file prints from its
own page: an image as an image, any other file as its PDF in a same-origin frame
whose print button prints the frame (the browser's PDF viewer), not the page.
"""

from services.shared.errors import NotFound
from services.shared.permissions import scope_of
from services.shared.routes import PAGES, link

from . import files_view
from .base import Page, page, redirect

KINDS = ("receipt", "control", "supplement_request", "refusal", "apology")


def documents_for(dossier):
    """The slips worth offering for the dossier (the files service decides more)."""
    kinds = []
    if dossier.get("receipt_number"):
        kinds += ["receipt", "control"]
    if dossier.get("status") == "supplement_requested":
        kinds.append("supplement_request")
    if dossier.get("status") == "rejected":
        kinds.append("refusal")
    if dossier.get("deadline_state") == "overdue":
        kinds.append("apology")
    return kinds


def agency_names(page, req, dossier):
    """{agency_name, department_name} of the dossier for its slips (the names
    helper; the codes themselves when accounts cannot say)."""
    names = page.web.renderer.names
    extra = {"agency_name": names.agency(dossier["agency"])}
    desk = dossier.get("receiving_agency")
    if desk and desk != dossier["agency"]:
        # received at another agency's desk: the slip names it too
        extra["receiving_agency_name"] = names.agency(desk)
    if dossier.get("department"):
        extra["department_name"] = names.department(
            dossier["department"], dossier["agency"]
        )
    return extra


class Slip(Page):
    @page(login=True)
    def on_get(self, req, resp, dossier_id, kind):
        """Generate (or reuse) the dossier's slip of `kind` and open its PDF."""
        if kind not in KINDS:
            raise NotFound("Document kind not found", {"kind": [kind]})
        dossier = dict(self.call(req, "dossiers", "get_dossier", dossier_id))
        dossier.update(agency_names(self, req, dossier))
        meta = self.call(req, "files", "generate_document", kind, dossier)
        redirect(resp, link("file_content", file_id=meta["id"]))


class PrintDossier(Page):
    @page(login=True)
    def on_get(self, req, resp, dossier_id):
        """The dossier, its form, files, discussion and history, ready to print."""
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        proc = self.call(
            req, "dossiers", "get_procedure", dossier["procedure"]["code"],
            dossier["province"],
        )  # fmt: skip
        fields = (proc.get("form") or {}).get("fields", [])
        self.render(
            req, resp, "print_dossier.html", dossier=dossier,
            field_labels={f["name"]: f.get("label") or f["name"] for f in fields},
            history=self.call(req, "dossiers", "history", dossier_id),
            comments=self.call(req, "dossiers", "list_comments", dossier_id),
            files=self.call(req, "files", "list_files", dossier_id),
        )  # fmt: skip


class PrintFile(Page):
    @page(login=True)
    def on_get(self, req, resp, file_id):
        """One file ready to print, for whoever may see it (files decides: 404)."""
        meta = self.call(req, "files", "get_file", file_id)
        dossier, back = None, None
        if meta.get("dossier_id"):
            dossier = self.call(req, "dossiers", "get_dossier", meta["dossier_id"])
            own = scope_of(req.context.caller) == "own"
            name = "citizen_dossier" if own else "staff_dossier"
            back = link(name, dossier_id=dossier["id"])
        self.render(
            req, resp, "print_file.html", file=meta, views=files_view.views(meta),
            dossier=dossier, back=back,
        )  # fmt: skip


def routes(web):
    return [
        (PAGES["slip"], Slip(web)),
        (PAGES["print_dossier"], PrintDossier(web)),
        (PAGES["file_print"], PrintFile(web)),
    ]
