"""Agency pages: the dossier workspace, paper dossiers, admin.

The workspace shows only the actions the dossiers service lists as allowed for the
caller in the dossier's state (`get_dossier(...)["actions"]`); the service checks
them again when the form is posted.
"""

from gateway.errors import CodedHTTPError
from services.shared import provinces
from services.shared.errors import ServiceError
from services.shared.routes import PAGES, link

from . import choices, desk_provinces
from .base import (
    PROVINCE_PARAM,
    FormPage,
    Page,
    field_errors,
    form_of,
    page,
    procedure_once,
    redirect,
)
from .citizen import form_values, labels_of, reminders_of
from .printing import documents_for
from .render import MESSAGES, gettext
from .result_info import result_of
from .uploads import max_body, max_file, upload_one

# The extra input each action needs: (field, catalogue key of its label).
ACTION_INPUT = {
    "receive": ("department", "work.department"),
    "accept_transfer": ("department", "work.department"),
    # the resolving agency declines a transferred dossier; the receiving desk may
    # then send it to another agency of the procedure
    "decline_transfer": ("reason", "work.decline_reason"),
    "transfer": ("agency", "dossier.resolving_agency"),
    "reject": ("reason", "work.reason"),
    "cancel": ("reason", "work.reason"),
    "request_supplement": ("note", "work.note"),
    "send_back": ("note", "work.note"),
}
# Actions whose note is internal unless staff tick "show it to the applicant".
PRIVATE_NOTES = ("send_back",)
# The slots staff upload into from the workspace (the dossiers service's STAFF_SLOTS
# decides; a result is public, an attachment internal: services/files/domain.py).
STAFF_UPLOAD_SLOTS = ("result", "attachment")


def done_notice(action, lang):
    """ "Đã thực hiện: Tiếp nhận" after a successful action (None otherwise)."""
    if action == "uploaded":
        return gettext("files.uploaded", lang)
    if action == "reminder":
        return gettext("reminder.set_ok", lang)
    if action in ("result", "reschedule"):
        return gettext(f"result.done_{action}", lang)
    if not action or f"action.{action}" not in MESSAGES:
        return None
    return f"{gettext('work.done', lang)}: {gettext('action.' + action, lang)}"


def deliveries_of(web, req, dossier_id):
    """The dossier's e-mails and their delivery state; None when notify does not
    answer or the caller may not read them (the page still shows)."""
    try:
        return web.call(req, "notify", "list_deliveries", dossier_id)["items"]
    except ServiceError:
        return None


def resolvers(page, req, proc):
    """(code, name) of the agencies that may resolve the procedure."""
    listed = proc.get("agencies") or []
    found = page.call(req, "accounts", "list_agencies", province=proc.get("province"))
    return [(a["code"], a["name"]) for a in found
            if not listed or a["code"] in listed]  # fmt: skip


class Workspace(Page):
    @page(login=True)
    def on_get(self, req, resp, dossier_id):
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        self.show(req, resp, dossier, {}, req.get_param("ok"))

    def show(self, req, resp, dossier, errors, done=None, status=None):
        lang = req.context.lang
        actions = [a for a in dossier.get("actions") or [] if a != "submit"]
        extra = {
            "departments": self._departments(req, dossier)
            if {"receive", "accept_transfer"} & set(actions)
            else [],
            "resolvers": self._resolvers(req, dossier) if "transfer" in actions else [],
            "staff": self._staff(req, dossier),
            "field_labels": self._field_labels(req, dossier),
            # a supplemented paper dossier: the desk completes it for the applicant
            "on_behalf": bool(dossier.get("paper"))
            and "submit" in (dossier.get("actions") or []),
        }
        dossier_id = dossier["id"]
        self.render(
            req, resp, "workspace.html", http_status=status or 200, dossier=dossier,
            actions=actions, inputs=ACTION_INPUT, private_notes=PRIVATE_NOTES,
            errors=errors,
            labels={f"{a}.{f}": gettext(k, lang) for a, (f, k) in ACTION_INPUT.items()},
            history=self.call(req, "dossiers", "history", dossier_id),
            comments=self.call(req, "dossiers", "list_comments", dossier_id),
            tasks=self.call(req, "dossiers", "list_tasks", dossier_id),
            files=self.call(req, "files", "list_files", dossier_id),
            notice=done_notice(done, lang), staff_names=dict(extra["staff"]),
            documents=documents_for(dossier),
            upload_slots=[(s, gettext(f"files.slot.{s}", lang))
                          for s in STAFF_UPLOAD_SLOTS],
            deliveries=deliveries_of(self.web, req, dossier_id),
            reminders=reminders_of(self.web, req, dossier_id),
            result=result_of(self.web, req, dossier_id),
            **extra,
        )  # fmt: skip

    def _field_labels(self, req, dossier):
        proc = self.call(
            req, "dossiers", "get_procedure", dossier["procedure"]["code"],
            dossier["province"],
        )  # fmt: skip
        fields = (proc.get("form") or {}).get("fields", [])
        return {f["name"]: f.get("label") or f["name"] for f in fields}

    def _resolvers(self, req, dossier):
        """Agencies the receiving desk may transfer the dossier to (not itself)."""
        proc = procedure_once(
            self, req, dossier["procedure"]["code"], dossier["province"]
        )
        found = resolvers(self, req, proc) if proc else []
        return [(c, n) for c, n in found if c != dossier.get("receiving_agency")]

    def _departments(self, req, dossier):
        agency = self.call(req, "accounts", "get_agency", dossier["agency"])
        return [(d["code"], d["name"]) for d in agency.get("departments") or []]

    def _staff(self, req, dossier):
        if not dossier.get("department"):
            return []
        try:
            people = self.call(
                req, "accounts", "list_staff", agency=dossier["agency"],
                department=dossier["department"],
            )  # fmt: skip
        except ServiceError:
            return []  # not every role may list staff: the task form is then hidden
        return [(p["id"], p["full_name"]) for p in people]


class Act(Workspace):
    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        """Take one workflow action; field errors come back next to its input."""
        form = form_of(req)
        action = form.get("action") or ""
        options = {"expected_version": form.get("version") or None}
        field = ACTION_INPUT.get(action, (None,))[0]
        if field:
            options[field] = (form.get(field) or "").strip() or None
        if action in PRIVATE_NOTES:
            options["note_public"] = form.get("note_public") == "true"
        try:
            self.call(req, "dossiers", "act", dossier_id, action, **options)
        except ServiceError as exc:
            if exc.status not in (409, 422):
                raise
            dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
            errors = field_errors(exc, req.context.lang)
            message = errors.get(field) or " ".join(errors.values())
            errors = {f"{action}.{field}" if field else "action": message}
            return self.show(req, resp, dossier, errors, status=422)
        redirect(resp, link("staff_dossier", {"ok": action}, dossier_id=dossier_id))


class TaskForm(Page):
    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        form = form_of(req)
        body = {k: (form.get(k) or "").strip() for k in ("title", "assignee")}
        body["due_date"] = form.get("due_date") or None
        self.call(req, "dossiers", "create_task", dossier_id, body)
        redirect(resp, link("staff_dossier", dossier_id=dossier_id) + "#tasks")


class StaffUpload(Page):
    """Results and attachments from the workspace: multipart `slot` and `file`s.

    POST only: a refusal shows the workspace again with the message.
    """

    def __init__(self, web):
        super().__init__(web)
        self.workspace = Workspace(web)
        self.max_body = max_body()

    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        """Stream each chosen file into the slot, then back to the workspace."""
        parts = getattr(req.context, "parts", None)
        count = 0
        try:
            for upload in parts.files(max_file()) if parts else ():
                slot = parts.get("slot") or ""
                upload_one(self.web, req, dossier_id, slot, upload)
                count += 1
        except (ServiceError, CodedHTTPError) as exc:
            return self._refused(req, resp, dossier_id, exc)
        if not count:
            return self._refused(req, resp, dossier_id, None)
        redirect(resp, link("staff_dossier", {"ok": "uploaded"}, dossier_id=dossier_id))

    def _refused(self, req, resp, dossier_id, exc):
        lang = req.context.lang
        if isinstance(exc, ServiceError):
            if exc.status not in (409, 413, 422):
                raise exc
            message = "; ".join(field_errors(exc, lang).values())
        else:
            message = gettext("upload.too_large" if exc else "upload.choose", lang)
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        self.workspace.show(req, resp, dossier, {"upload": message}, status=422)


# Who brought the dossier, as read from their papers: no account id (they claim it).
APPLICANT = ("kind", "full_name", "national_id", "tax_code", "email", "phone")


class Paper(FormPage):
    """The desk registers a dossier brought in person (procedure, then its form).

    The procedure may be any province's (`?tinh=`) and resolved by another agency:
    the desk then receives the dossier and transfers it there (issue 18)."""

    template = "paper.html"

    def read(self, req, form):
        applicant = {k: (form.get(k) or "").strip() or None for k in APPLICANT}
        province = self._province(req, form.get("province"))
        proc = self._procedure(req, form.get("procedure") or "", province)
        return dict(form_values(proc, form), **applicant, procedure=proc["code"],
                    province=province, agency=form.get("agency") or None,
                    department=form.get("department") or None)  # fmt: skip

    def send(self, req, resp, values):
        proc = self._procedure(req, values["procedure"], values["province"])
        fields = (proc.get("form") or {}).get("fields", [])
        form = {f["name"]: values[f["name"]] for f in fields}
        data = {
            "procedure": values["procedure"],
            "applicant": {k: values[k] for k in APPLICANT if values.get(k)},
            "department": values["department"],
            "form": {k: v for k, v in form.items() if v is not None},
        }
        own = req.context.caller.get("agency")
        if values.get("agency") and values["agency"] != own:
            # received here, resolved there: the desk transfers it once received
            data.update(agency=values["agency"], province=values["province"])
        dossier = self.call(req, "dossiers", "register_paper_dossier", data)
        return link("staff_dossier", {"ok": "receive"}, dossier_id=dossier["id"])

    def _province(self, req, asked=None):
        """The province whose catalogue the desk files in (its own by default)."""
        asked = asked or req.get_param(PROVINCE_PARAM)
        if asked in provinces.in_force():
            return asked
        return req.context.caller.get("province")

    def _procedure(self, req, code, province=None):
        return procedure_once(self, req, code, province)

    def _resolving(self, req, proc):
        agency = req.context.caller.get("agency")
        return desk_provinces.resolvable(proc, resolvers(self, req, proc), agency)

    def view(self, req, values, errors):
        lang = req.context.lang
        province = self._province(req, values.get("province"))
        code = values.get("procedure") or req.get_param("thu_tuc")
        proc = self._procedure(req, code, province) if code else None
        refused = proc and not desk_provinces.receivable(req, [proc])
        if refused:
            proc = None  # named by hand: said so, no form the service would refuse
        labels = labels_of(proc, lang) if proc else {}
        for name in APPLICANT:
            labels[f"applicant.{name}"] = gettext(f"field.{name}", lang)
        labels["agency"] = gettext("dossier.resolving_agency", lang)
        kinds = [(k, gettext(f"kind.{k}", lang)) for k in ("citizen", "business")]
        agency = req.context.caller.get("agency")
        departments = []
        if agency:
            found = self.call(req, "accounts", "get_agency", agency)
            departments = [(d["code"], d["name"]) for d in found["departments"]]
        # the provinces with something this desk may receive first (or only)
        receivable, others = desk_provinces.offered(self, req, province)
        listed = self.call(req, "dossiers", "list_procedures", province=province)
        return {
            "procedures": desk_provinces.receivable(req, listed),
            "not_receivable": code if refused else None,
            "proc": proc, "labels": labels, "departments": departments,
            "kinds": kinds, "province": province,
            "provinces": receivable, "other_provinces": others,
            "resolving": self._resolving(req, proc) if proc else [],
            "own_agency": agency,
        }  # fmt: skip


class Admin(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """Counts by status and deadline, on-time rate, and the agency's staff."""
        groups = ["status", "deadline_state", "on_time_rate"]
        try:
            board = self.call(req, "search", "dashboard", None, groups)
        except ServiceError as exc:
            if exc.status < 500 and exc.status != 403:
                raise
            board = None
        caller = req.context.caller
        try:
            staff = self.call(
                req, "accounts", "list_staff", agency=caller.get("agency")
            )
        except ServiceError:
            staff = []
        names = choices.load(self.web, req, agency=caller.get("agency"))
        self.render(
            req, resp, "admin.html", board=board, staff=staff[:200], choices=names
        )


def routes(web):
    return [
        (PAGES["staff_dossier"], Workspace(web)),
        (PAGES["staff_act"], Act(web)),
        (PAGES["task_create"], TaskForm(web)),
        (PAGES["staff_upload"], StaffUpload(web)),
        ("/can-bo/ho-so-giay", Paper(web)),
        ("/quan-tri", Admin(web)),
    ]
