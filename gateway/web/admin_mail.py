"""Admin pages of e-mail: templates (notify) and bulk e-mail.

notify has no RPC listing template keys, so the list is the keys its README names
(`services/notify/templates/<lang>/<key>.j2`); `get_template` answers 404 for any it
drops. Bulk e-mail is composed (recipients by criteria or CSV, pasted or read from a
file by the page's script), previewed from `create_bulk_mail`'s answer, then
confirmed or cancelled; its progress page reads `get_bulk_mail`.
"""

from services.shared.errors import ServiceError
from services.shared.permissions import require

from ..i18n import error_text, render_detail
from . import choices
from .base import FormPage, Page, form_of, page, redirect

TEMPLATE_KEYS = (
    "account_activation",
    "password_reset",
    "dossier_submitted",
    "dossier_received",
    "dossier_rejected",
    "supplement_requested",
    "dossier_status_changed",
    "dossier_completed",
    "dossier_returned",
    "dossier_apology",
    "comment_added",
    "task_assigned",
    "reminder_digest",
    "leader_digest",
)
LANGS = ("vi", "en")
CRITERIA = ("department_staff", "procedure_applicants")
CRITERIA_KEYS = ("agency", "department", "role", "procedure", "from", "to")
BULK_ACTIONS = {"cancel": "cancel_bulk_mail", "approve": "approve_bulk_mail"}


class Templates(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """List the keys; only a province admin (or operator) edits templates."""
        require(req.context.caller, "template.manage")
        self.render(req, resp, "admin_templates.html", keys=TEMPLATE_KEYS, langs=LANGS)


class TemplateEdit(FormPage):
    """Edit a province template: preview it (`do=preview`), see why it is refused,
    save it."""

    template = "admin_template.html"

    def initial(self, req, key):
        lang = self._lang(req.get_param("lang"))
        found = self.call(req, "notify", "get_template", key, lang)
        return {"lang": lang, "source": found.get("source") or "", "found": found}

    def read(self, req, form, key):
        return {
            "lang": self._lang(form.get("lang")),
            "source": form.get("source") or "",
            "do": form.get("do"),
        }

    def send(self, req, resp, values, key):
        data = {"key": key, "lang": values["lang"], "source": values["source"]}
        if values["do"] != "preview":
            self.call(req, "notify", "save_template", data)
            return f"/quan-tri/mau-thu/{key}?lang={values['lang']}&ok=1"
        preview = self.call(req, "notify", "preview_template", data)
        self.show(req, resp, dict(values, preview=preview), {}, key=key)

    def errors_of(self, req, exc):
        return {"source": source_error(exc, req.context.lang)}

    def view(self, req, values, errors, key):
        lang = values["lang"]
        return {
            "key": key, "template_lang": lang, "source": values["source"],
            "found": values.get("found") or self._found(req, key, lang),
            "saved": req.get_param("ok") == "1", "preview": values.get("preview"),
        }  # fmt: skip

    @staticmethod
    def _lang(value):
        return value if value in LANGS else "vi"

    def _found(self, req, key, lang):
        """What the kind may use (shown beside the editor), or {} if unavailable."""
        try:
            return self.call(req, "notify", "get_template", key, lang) or {}
        except ServiceError:
            return {}


def source_error(exc, lang):
    """One message for the source field: why it is refused, naming each reason."""
    reasons = [
        render_detail(r, lang)
        for values in (exc.details or {}).values()
        for r in values
    ]
    message = error_text(exc, lang)
    return f"{message}: {'; '.join(reasons)}" if reasons else message


def bulk_from(form):
    """The `create_bulk_mail` body of the compose form."""
    data = {k: (form.get(k) or "").strip() for k in ("subject", "body")}
    data["lang"] = form.get("lang") if form.get("lang") in LANGS else "vi"
    if (form.get("csv") or "").strip():
        data["csv"] = form["csv"]
    elif form.get("criteria") in CRITERIA:
        crit = {k: (form.get(f"criteria.{k}") or "").strip() for k in CRITERIA_KEYS}
        data["criteria"] = dict(
            {k: v for k, v in crit.items() if v}, kind=form["criteria"]
        )
    return data


class BulkCompose(FormPage):
    """Compose a bulk e-mail; the post creates the draft and shows its preview
    (nothing is sent yet)."""

    template = "admin_bulk_compose.html"

    def send(self, req, resp, values):
        draft = self.call(req, "notify", "create_bulk_mail", bulk_from(values))
        self.render(req, resp, "admin_bulk.html", bulk=draft, preview=draft["preview"])

    def view(self, req, values, errors):
        agency = values.get("criteria.agency") or req.context.caller.get("agency")
        options = choices.load(self.web, req, agency).with_values(
            values.get("criteria.agency"), values.get("criteria.department")
        )
        return {"choices": options, "criteria": CRITERIA}


class BulkMail(Page):
    @page(login=True)
    def on_get(self, req, resp, bulk_id):
        """Progress of a bulk e-mail: counts by state."""
        bulk = self.call(req, "notify", "get_bulk_mail", bulk_id)
        self.render(req, resp, "admin_bulk.html", bulk=bulk, preview=None)

    @page(login=True)
    def on_post(self, req, resp, bulk_id):
        """Confirm (start sending), cancel, or approve an uploaded list."""
        method = BULK_ACTIONS.get(form_of(req).get("do"), "confirm_bulk_mail")
        self.call(req, "notify", method, bulk_id)
        redirect(resp, f"/quan-tri/thu-hang-loat/{bulk_id}")


def routes(web):
    return [
        ("/quan-tri/mau-thu", Templates(web)),
        ("/quan-tri/mau-thu/{key}", TemplateEdit(web)),
        ("/quan-tri/thu-hang-loat", BulkCompose(web)),
        ("/quan-tri/thu-hang-loat/{bulk_id}", BulkMail(web)),
    ]
