"""Admin pages of the organisation: provinces, agencies, departments, staff, clients.

accounts checks every permission (`agency.manage` for province admins,
`department.manage`/`staff.manage` for agency admins, `api_client.manage` and
`province.manage` for the national operator) and the scope; a page only shows
what the caller's role permits (menus from the shared permission table) and turns
field errors into messages.
"""

from services.shared.errors import ValidationFailed

from . import choices
from .base import Page, field_errors, form_of, page, redirect

STAFF_ROLES = ("desk", "officer", "leader", "admin", "province_admin")
PROVINCE_KINDS = ("province", "city")
SCOPES = ("dossiers:read", "dossiers:write", "procedures:read")


def clean(form, keys):
    return {k: (form.get(k) or "").strip() for k in keys if (form.get(k) or "").strip()}


class Agencies(Page):
    @page(login=True)
    def on_get(self, req, resp):
        self.show(req, resp, {}, {})

    @page(login=True)
    def on_post(self, req, resp):
        """Create an agency in the caller's province."""
        data = clean(form_of(req), ("code", "name"))
        data["province"] = self.web.province_of(req)
        try:
            self.call(req, "accounts", "create_agency", data)
        except ValidationFailed as exc:
            return self.show(req, resp, data, field_errors(exc, req.context.lang))
        redirect(resp, f"/quan-tri/co-quan/{data['code']}")

    def show(self, req, resp, values, errors):
        agencies = self.call(
            req, "accounts", "list_agencies", self.web.province_of(req)
        )
        self.render(
            req, resp, "admin_agencies.html", agencies=agencies, values=values,
            errors=errors, http_status=422 if errors else 200,
        )  # fmt: skip


class Departments(Page):
    @page(login=True)
    def on_get(self, req, resp, code):
        self.show(req, resp, code, {}, {})

    @page(login=True)
    def on_post(self, req, resp, code):
        """Add a department to the agency."""
        data = dict(clean(form_of(req), ("code", "name")), agency=code)
        try:
            self.call(req, "accounts", "create_department", data)
        except ValidationFailed as exc:
            return self.show(req, resp, code, data, field_errors(exc, req.context.lang))
        redirect(resp, f"/quan-tri/co-quan/{code}")

    def show(self, req, resp, code, values, errors):
        agency = self.call(req, "accounts", "get_agency", code)
        self.render(
            req, resp, "admin_agency.html", agency=agency, values=values,
            errors=errors, http_status=422 if errors else 200,
        )  # fmt: skip


class Staff(Page):
    @page(login=True)
    def on_get(self, req, resp):
        self.show(req, resp, {}, {})

    @page(login=True)
    def on_post(self, req, resp):
        """Create a staff account, or deactivate one (deactivate=<user id>)."""
        form = form_of(req)
        if form.get("deactivate"):
            self.call(req, "accounts", "deactivate_user", form["deactivate"])
            return redirect(resp, "/quan-tri/can-bo?ok=deactivated")
        keys = ("email", "full_name", "password", "role", "agency", "department")
        data = clean(form, keys)
        data.setdefault("agency", req.context.caller.get("agency") or "")
        data["province"] = self.web.province_of(req)
        data = {k: v for k, v in data.items() if v}
        try:
            self.call(req, "accounts", "create_staff", data)
        except ValidationFailed as exc:
            data.pop("password", None)
            return self.show(req, resp, data, field_errors(exc, req.context.lang))
        redirect(resp, "/quan-tri/can-bo?ok=created")

    def show(self, req, resp, values, errors):
        agency = req.get_param("co_quan") or req.context.caller.get("agency")
        people = self.call(req, "accounts", "list_staff", agency=agency)
        options = choices.load(self.web, req, agency or values.get("agency"))
        options.with_values(values.get("agency") or agency, values.get("department"))
        self.render(
            req, resp, "admin_staff.html", staff=people[:500], values=values,
            errors=errors, roles_offered=STAFF_ROLES, agency=agency or "",
            choices=options,
            http_status=422 if errors else 200, ok=req.get_param("ok"),
        )  # fmt: skip


class ApiClients(Page):
    @page(login=True)
    def on_get(self, req, resp):
        self.show(req, resp, {}, {})

    @page(login=True)
    def on_post(self, req, resp):
        """Create a client; its secret is shown on this answer only (never stored)."""
        data = clean(form_of(req), ("name", "agency", "province"))
        chosen = [s for s in SCOPES if form_of(req).get(f"scope.{s}") == "true"]
        data["scopes"] = chosen
        try:
            created = self.call(req, "accounts", "create_api_client", data)
        except ValidationFailed as exc:
            return self.show(req, resp, data, field_errors(exc, req.context.lang))
        self.show(req, resp, {}, {}, created=created)

    def show(self, req, resp, values, errors, created=None):
        clients = self.call(req, "accounts", "list_api_clients")
        options = choices.load(self.web, req, departments=False)
        self.render(
            req, resp, "admin_clients.html", clients=clients, values=values,
            choices=options.with_values(values.get("agency")),
            errors=errors, scopes=SCOPES, created=created,
            http_status=422 if errors else 200,
        )  # fmt: skip


class Provinces(Page):
    """The national operator's provinces: list and create (`province.manage`)."""

    @page(login=True)
    def on_get(self, req, resp):
        self.show(req, resp, {}, {})

    @page(login=True)
    def on_post(self, req, resp):
        data = clean(form_of(req), ("code", "name", "name_en", "kind"))
        try:
            self.call(req, "accounts", "create_province", data)
        except ValidationFailed as exc:
            return self.show(req, resp, data, field_errors(exc, req.context.lang))
        redirect(resp, "/quan-tri/tinh?ok=created")

    def show(self, req, resp, values, errors):
        provinces = self.call(req, "accounts", "list_provinces")
        self.render(
            req, resp, "admin_provinces.html", provinces=provinces, values=values,
            errors=errors, kinds=PROVINCE_KINDS, ok=req.get_param("ok"),
            http_status=422 if errors else 200,
        )  # fmt: skip


def routes(web):
    return [
        ("/quan-tri/tinh", Provinces(web)),
        ("/quan-tri/co-quan", Agencies(web)),
        ("/quan-tri/co-quan/{code}", Departments(web)),
        ("/quan-tri/can-bo", Staff(web)),
        ("/quan-tri/ung-dung", ApiClients(web)),
    ]
