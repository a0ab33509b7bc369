"""Admin pages of the organisation: provinces, agencies, departments, staff, clients.

accounts checks every permission (`agency.manage` for province admins,
`department.manage`/`staff.manage` for agency admins, `api_client.manage` and
`province.manage` for the national operator) and the scope; a page only shows
what the caller's role permits (menus from the shared permission table) and turns
field errors into messages.
"""

from . import choices
from .base import FormPage

STAFF_ROLES = ("desk", "officer", "leader", "admin", "province_admin")
PROVINCE_KINDS = ("province", "city")
SCOPES = ("dossiers:read", "dossiers:write", "procedures:read")


def clean(form, keys):
    return {k: (form.get(k) or "").strip() for k in keys if (form.get(k) or "").strip()}


class Agencies(FormPage):
    """Create an agency in the caller's province."""

    template = "admin_agencies.html"

    def read(self, req, form):
        return dict(clean(form, ("code", "name")), province=self.web.province_of(req))

    def send(self, req, resp, values):
        self.call(req, "accounts", "create_agency", values)
        return f"/quan-tri/co-quan/{values['code']}"

    def view(self, req, values, errors):
        province = self.web.province_of(req)
        return {"agencies": self.call(req, "accounts", "list_agencies", province)}


class Departments(FormPage):
    """One agency and its departments; add a department to it."""

    template = "admin_agency.html"

    def read(self, req, form, code):
        return dict(clean(form, ("code", "name")), agency=code)

    def send(self, req, resp, values, code):
        self.call(req, "accounts", "create_department", values)
        return f"/quan-tri/co-quan/{code}"

    def view(self, req, values, errors, code):
        return {"agency": self.call(req, "accounts", "get_agency", code)}


class Staff(FormPage):
    """Create a staff account, or deactivate one (deactivate=<user id>)."""

    template = "admin_staff.html"
    secret = ("password",)
    KEYS = ("email", "full_name", "password", "role", "agency", "department")

    def read(self, req, form):
        if form.get("deactivate"):
            return {"deactivate": form["deactivate"]}
        data = clean(form, self.KEYS)
        data.setdefault("agency", req.context.caller.get("agency") or "")
        data["province"] = self.web.province_of(req)
        return {k: v for k, v in data.items() if v}

    def send(self, req, resp, values):
        if "deactivate" in values:
            self.call(req, "accounts", "deactivate_user", values["deactivate"])
            return "/quan-tri/can-bo?ok=deactivated"
        self.call(req, "accounts", "create_staff", values)
        return "/quan-tri/can-bo?ok=created"

    def view(self, req, values, errors):
        agency = req.get_param("co_quan") or req.context.caller.get("agency")
        people = self.call(req, "accounts", "list_staff", agency=agency)
        options = choices.load(self.web, req, agency or values.get("agency"))
        options.with_values(values.get("agency") or agency, values.get("department"))
        return {
            "staff": people[:500], "roles_offered": STAFF_ROLES,
            "agency": agency or "", "choices": options, "ok": req.get_param("ok"),
        }  # fmt: skip


class ApiClients(FormPage):
    """Create a client; its secret is shown on this answer only (never stored)."""

    template = "admin_clients.html"

    def read(self, req, form):
        data = clean(form, ("name", "agency", "province"))
        data["scopes"] = [s for s in SCOPES if form.get(f"scope.{s}") == "true"]
        return data

    def send(self, req, resp, values):
        created = self.call(req, "accounts", "create_api_client", values)
        self.render(
            req, resp, self.template, values={}, errors={},
            **self.view(req, {}, {}, created=created),
        )  # fmt: skip

    def view(self, req, values, errors, created=None):
        options = choices.load(self.web, req, departments=False)
        return {
            "clients": self.call(req, "accounts", "list_api_clients"),
            "choices": options.with_values(values.get("agency")),
            "scopes": SCOPES, "created": created,
        }  # fmt: skip


class Provinces(FormPage):
    """The national operator's provinces: list and create (`province.manage`)."""

    template = "admin_provinces.html"

    def read(self, req, form):
        return clean(form, ("code", "name", "name_en", "kind"))

    def send(self, req, resp, values):
        self.call(req, "accounts", "create_province", values)
        return "/quan-tri/tinh?ok=created"

    def view(self, req, values, errors):
        return {
            "provinces": self.call(req, "accounts", "list_provinces"),
            "kinds": PROVINCE_KINDS, "ok": req.get_param("ok"),
        }  # fmt: skip


def routes(web):
    return [
        ("/quan-tri/tinh", Provinces(web)),
        ("/quan-tri/co-quan", Agencies(web)),
        ("/quan-tri/co-quan/{code}", Departments(web)),
        ("/quan-tri/can-bo", Staff(web)),
        ("/quan-tri/ung-dung", ApiClients(web)),
    ]
