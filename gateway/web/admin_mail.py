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
from .base import Page, field_errors, form_of, page, redirect

TEMPLATE_KEYS = (
    "account_activation",
    "password_reset",
    "dossier_submitted",
    "dossier_received",
    "dossier_rejected",
    "supplement_requested",
    "dossier_status_changed",
    "dossier_completed",
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


class TemplateEdit(Page):
    """Edit a province template: preview it, see why it is refused, save it."""

    @page(login=True)
    def on_get(self, req, resp, key):
        lang = self._lang(req.get_param("lang"))
        found = self.call(req, "notify", "get_template", key, lang)
        self.show(req, resp, key, lang, found.get("source") or "", {}, found)

    @page(login=True)
    def on_post(self, req, resp, key):
        """Preview (`do=preview`) or save; a refused source comes back with why."""
        form = form_of(req)
        lang = self._lang(form.get("lang"))
        data = {"key": key, "lang": lang, "source": form.get("source") or ""}
        method = "preview_template" if form.get("do") == "preview" else "save_template"
        try:
            answer = self.call(req, "notify", method, data)
        except ServiceError as exc:
            if exc.status != 422:
                raise
            errors = {"source": source_error(exc, req.context.lang)}
            return self.show(req, resp, key, lang, data["source"], errors, status=422)
        if method == "preview_template":
            return self.show(req, resp, key, lang, data["source"], {}, preview=answer)
        redirect(resp, f"/quan-tri/mau-thu/{key}?lang={lang}&ok=1")

    @staticmethod
    def _lang(value):
        return value if value in LANGS else "vi"

    def show(self, req, resp, key, lang, source, errors, found=None, status=200,
             preview=None):  # fmt: skip
        found = found or self._found(req, key, lang)
        self.render(
            req, resp, "admin_template.html", http_status=status, key=key,
            template_lang=lang, source=source, errors=errors, found=found,
            saved=req.get_param("ok") == "1", preview=preview,
        )  # fmt: skip

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


class BulkCompose(Page):
    @page(login=True)
    def on_get(self, req, resp):
        self.show(req, resp, {}, {})

    @page(login=True)
    def on_post(self, req, resp):
        """Create the draft and show its preview (nothing is sent yet)."""
        form = form_of(req)
        data = bulk_from(form)
        try:
            draft = self.call(req, "notify", "create_bulk_mail", data)
        except ServiceError as exc:
            if exc.status != 422:
                raise
            return self.show(req, resp, form, field_errors(exc, req.context.lang))
        self.render(req, resp, "admin_bulk.html", bulk=draft, preview=draft["preview"])

    def show(self, req, resp, values, errors):
        agency = values.get("criteria.agency") or req.context.caller.get("agency")
        options = choices.load(self.web, req, agency).with_values(
            values.get("criteria.agency"), values.get("criteria.department")
        )
        self.render(
            req, resp, "admin_bulk_compose.html", values=values, errors=errors,
            choices=options,
            criteria=CRITERIA, http_status=422 if errors else 200,
        )  # fmt: skip


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
