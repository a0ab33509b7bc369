"""Citizen pages: my dossiers, a new dossier, editing and submitting, a dossier.

The form is rendered from the procedure's definition (`form.fields`); values are
sent typed (numbers, booleans) and the dossiers service validates them, answering
errors keyed `form.<field>` / `documents.<slot>` that land next to each field.
Files are uploaded by the page's script to the JSON upload endpoint.
"""

import math

import falcon

from services.shared import provinces
from services.shared.errors import ServiceError, ValidationFailed
from services.shared.profile import prefill
from services.shared.routes import PAGES, link, path

from ..errors import CodedHTTPError
from .base import FormPage, Page, field_errors, form_of, page, procedure_once, redirect
from .public import provinces_offering
from .render import gettext
from .result_info import result_of
from .uploads import max_body, max_file, upload_one


def reminders_of(web, req, dossier_id):
    """The caller's own reminders on the dossier ([] when notify does not answer)."""
    try:
        return web.call(req, "notify", "list_reminders", dossier_id)["items"]
    except ServiceError:
        return []


EDITABLE = ("draft", "supplement_requested")
PAGE_SIZE = 20
NOTICES = {
    "created": "dossier.created",
    "saved": "dossier.saved",
    "submitted": "dossier.submitted_ok",
    "updated": "dossier.updated_ok",
    "uploaded": "upload.done",
    "claimed": "dossier.claimed_ok",
    "replied": "citizen.replied_ok",
    "reminder": "reminder.set_ok",
    "nothing_to_pay": "pay.not_due",
    "fee_due": "pay.waits",
}


def typed(field, raw):
    """Turn a posted string into the value the field's type expects."""
    kind = field.get("type", "text")
    if kind == "checkbox":
        return raw in ("true", "on", "1")
    raw = (raw or "").strip() if kind != "textarea" else raw or ""
    if raw == "":
        return None
    if kind == "number":
        try:
            number = (
                int(raw) if raw.lstrip("-").isdigit() else float(raw.replace(",", "."))
            )
        except ValueError:
            return raw  # the service answers "Not a valid number." for this field
        # "nan" and "1e999" parse as floats that JSON and PostgreSQL cannot carry.
        return number if math.isfinite(number) else raw
    return raw


def form_values(procedure, posted):
    fields = (procedure.get("form") or {}).get("fields", [])
    return {f["name"]: typed(f, posted.get(f"form.{f['name']}")) for f in fields}


def labels_of(procedure, lang):
    out = {f"form.{f['name']}": f.get("label") or f["name"]
           for f in (procedure.get("form") or {}).get("fields", [])}  # fmt: skip
    for doc in procedure.get("documents") or []:
        out[f"documents.{doc['slot']}"] = doc.get("name") or doc["slot"]
    out["agency"] = gettext("dossier.agency_choice", lang)
    return out


def notice_of(req):
    key = NOTICES.get(req.get_param("ok") or "")
    return gettext(key, req.context.lang) if key else None


class MyDossiers(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """The caller's dossiers, newest first, one page at a time."""
        number = max(req.get_param_as_int("trang", default=1) or 1, 1)
        found = self.call(
            req, "dossiers", "list_dossiers", {"page": number, "page_size": PAGE_SIZE}
        )
        self.render(
            req, resp, "my_dossiers.html", dossiers=found["items"],
            total=found["total"], page_number=number, page_size=PAGE_SIZE,
            notice=notice_of(req),
        )  # fmt: skip


class NewDossier(FormPage):
    """A new draft of one procedure (`?thu_tuc=`), prefilled from the profile."""

    template = "new_dossier.html"

    def initial(self, req):
        proc = self._procedure(req, req.get_param("thu_tuc") or "")
        return {"procedure": proc["code"], "province": proc["province"],
                "agency": None, "form": self._prefilled(req, proc)}  # fmt: skip

    def read(self, req, form):
        posted = form.get("province")
        province = posted if posted in provinces.in_force() else None
        proc = self._procedure(req, form.get("procedure") or "", province)
        values = form_values(proc, form)
        return {"procedure": proc["code"], "province": proc["province"],
                "agency": form.get("agency") or None, "form": values}  # fmt: skip

    def send(self, req, resp, values):
        proc = self._procedure(req, values["procedure"], values["province"])
        data = {
            "procedure": proc["code"],
            "agency": values["agency"],
            "province": proc["province"],
            "form": {k: v for k, v in values["form"].items() if v is not None},
        }
        dossier = self.call(req, "dossiers", "create_dossier", data)
        return link("edit_dossier", {"ok": "created"}, dossier_id=dossier["id"])

    def view(self, req, values, errors):
        """The inputs are the procedure's fields: a post's `form`, or a blank
        form's profile values (said to be prefilled)."""
        proc = self._procedure(req, values["procedure"], values["province"])
        fields = values["form"]
        agencies = proc.get("agencies") or []
        return {
            "proc": proc, "values": fields,
            "provinces": provinces_offering(self, req, proc),
            "prefilled": sorted(fields) if req.method == "GET" else (),
            "labels": labels_of(proc, req.context.lang),
            "agencies": self.web.renderer.names.agencies(agencies),
            "agency": values.get("agency")
            or (agencies[0] if len(agencies) == 1 else ""),
        }  # fmt: skip

    def _procedure(self, req, code, province=None):
        """The procedure of the province picked (`tinh`: the page's picker, or the
        posted form's), else the citizen's own: a dossier may be filed anywhere."""
        province = province or self.web.chosen_province(req)
        return procedure_once(self, req, code, province)

    def _prefilled(self, req, proc):
        """The applicant's own profile values for the fields the procedure maps."""
        caller = req.context.caller
        if caller.get("kind") not in ("citizen", "business"):
            return {}
        me = self.call(req, "accounts", "get_user", caller["user_id"])
        return prefill(proc.get("form"), me)


class EditDossier(FormPage):
    """Save the draft, or save and submit ("Cập nhật hồ sơ" when supplementing)."""

    template = "edit_dossier.html"

    def initial(self, req, dossier_id):
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        if dossier["status"] not in EDITABLE:
            raise falcon.HTTPSeeOther(link("citizen_dossier", dossier_id=dossier_id))
        return {"form": dossier.get("form") or {}, "dossier": dossier}

    def read(self, req, form, dossier_id):
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        proc = self._procedure(req, dossier)
        return {
            "form": form_values(proc, form), "do": form.get("do"),
            "version": form.get("version") or None, "status": dossier["status"],
        }  # fmt: skip

    def refuses(self, exc):
        return exc.status in (409, 422)

    def send(self, req, resp, values, dossier_id):
        saved = self.call(
            req, "dossiers", "update_dossier", dossier_id,
            {"form": values["form"], "expected_version": values["version"]},
        )  # fmt: skip
        if values["do"] == "submit":
            saved = self.call(req, "dossiers", "submit_dossier", dossier_id)
        outcome = self._outcome(values["status"], values["do"])
        if values["do"] == "submit" and saved["status"] == "draft":
            outcome = "fee_due"  # submitted once the fee is paid (the pay button)
        # The desk supplements a paper dossier here too, then goes back to its desk.
        staff = req.context.caller.get("kind") == "staff"
        done = ("staff_dossier" if staff else "citizen_dossier", dossier_id)
        page_name, target = (
            done if outcome != "saved" else ("edit_dossier", saved["id"])
        )
        return link(page_name, {"ok": outcome}, dossier_id=target)

    @staticmethod
    def _outcome(status, do):
        if do != "submit":
            return "saved"
        return "updated" if status == "supplement_requested" else "submitted"

    def _procedure(self, req, dossier):
        code, province = dossier["procedure"]["code"], dossier["province"]
        return procedure_once(self, req, code, province)

    def view(self, req, values, errors, dossier_id):
        """The dossier as it is now (a refused post shows its fresh version)."""
        dossier = values.get("dossier") or self.call(
            req, "dossiers", "get_dossier", dossier_id
        )
        proc = self._procedure(req, dossier)
        return {
            "dossier": dossier, "proc": proc, "values": values["form"],
            "files": self.call(req, "files", "list_files", dossier["id"]),
            "labels": labels_of(proc, req.context.lang), "notice": notice_of(req),
        }  # fmt: skip


class UploadFiles(EditDossier):
    """The upload form without the page's script: multipart `slot` and `file`s."""

    def __init__(self, web):
        super().__init__(web)
        self.max_body = max_body()

    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        """Stream each chosen file into the slot, then back to the edit page."""
        parts = getattr(req.context, "parts", None)
        slot, count = "", 0
        try:
            for upload in parts.files(max_file()) if parts else ():
                slot = parts.get("slot") or ""
                upload_one(self.web, req, dossier_id, slot, upload)
                count += 1
        except (ServiceError, CodedHTTPError) as exc:
            return self._refused(req, resp, dossier_id, slot, exc)
        if not count:
            slot = parts.get("slot", "") if parts else ""
            return self._refused(req, resp, dossier_id, slot, None)
        redirect(resp, link("edit_dossier", {"ok": "uploaded"}, dossier_id=dossier_id))

    def _refused(self, req, resp, dossier_id, slot, exc):
        lang = req.context.lang
        if isinstance(exc, ServiceError):
            if exc.status not in (409, 422):
                raise exc
            message = "; ".join(field_errors(exc, lang).values())
        else:
            key = "upload.too_large" if exc else "upload.choose"
            message = gettext(key, lang)
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        values = {"form": dossier.get("form") or {}, "dossier": dossier}
        self.show(
            req, resp, values, {f"documents.{slot}": message}, dossier_id=dossier_id
        )


class DossierPage(Page):
    """The applicant's page of one dossier, shown by its view and by a refused reply."""

    def show(self, req, resp, dossier, errors, status="200 OK"):
        dossier_id = dossier["id"]
        proc = self.call(
            req, "dossiers", "get_procedure", dossier["procedure"]["code"],
            dossier["province"],
        )  # fmt: skip
        fields = (proc.get("form") or {}).get("fields", [])
        self.render(
            req, resp, "dossier.html", http_status=status, dossier=dossier,
            errors=errors, reminders=reminders_of(self.web, req, dossier_id),
            field_labels={f["name"]: f.get("label") or f["name"] for f in fields},
            history=self.call(req, "dossiers", "history", dossier_id),
            comments=[c for c in self.call(req, "dossiers", "list_comments", dossier_id)
                      if not c.get("internal")],
            files=self.call(req, "files", "list_files", dossier_id),
            editable=dossier["status"] in EDITABLE, notice=notice_of(req),
            result=result_of(self.web, req, dossier_id),
        )  # fmt: skip


class DossierView(DossierPage):
    @page(login=True)
    def on_get(self, req, resp, dossier_id):
        """Status, history, messages from the agency and documents to download."""
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        self.show(req, resp, dossier, {})


class Reply(DossierPage):
    """The applicant's reply or comment from the dossier's page (always public)."""

    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        body = (form_of(req).get("body") or "").strip()
        try:
            self.call(req, "dossiers", "add_comment", dossier_id, {"body": body})
        except ValidationFailed as exc:
            dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
            errors = field_errors(exc, req.context.lang)
            return self.show(req, resp, dossier, errors, "422 Unprocessable Entity")
        redirect(
            resp,
            f"{path('citizen_dossier', dossier_id=dossier_id)}?ok=replied#messages",
        )


def routes(web):
    return [
        (PAGES["my_dossiers"], MyDossiers(web)),
        (PAGES["new_dossier"], NewDossier(web)),
        (PAGES["citizen_dossier"], DossierView(web)),
        (PAGES["edit_dossier"], EditDossier(web)),
        (PAGES["citizen_upload"], UploadFiles(web)),
        (f"{PAGES['citizen_dossier']}/y-kien", Reply(web)),
    ]
