"""Admin pages of the catalogue: procedures (form fields and document slots as rows)
and the province's holidays per year.

The dossiers service checks `procedure.manage` / `holiday.manage` and the province;
these pages only turn rows of inputs into its JSON and its field errors (keyed like
`form.fields.0.name`) back into messages next to those inputs.
"""

import datetime as dt
from urllib.parse import quote

from services.shared.errors import ServiceError
from services.shared.permissions import can, require
from services.shared.profile import PROFILE_KEYS

from .admin_files import TemplateUpload, template_list
from .base import FormPage, Page, field_errors, page
from .render import gettext, label

FIELD_TYPES = ("text", "textarea", "number", "date", "select", "checkbox")
BLANK_ROWS = 2


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def codes(text):
    return [c.strip() for c in (text or "").replace(";", ",").split(",") if c.strip()]


def integer(raw, default=None):
    raw = (raw or "").strip()
    digits = raw.lstrip("-")
    return int(raw) if digits.isascii() and digits.isdigit() else (raw or default)


def rows(form, prefix, keys):
    """Rows `prefix.N.key` of the form, in order, skipping rows left blank.

    Each row gets `required` from its checkbox (`prefix.N.required`).
    """
    out, index = [], 0
    while any(f"{prefix}.{index}.{k}" in form for k in keys):
        row = {k: (form.get(f"{prefix}.{index}.{k}") or "").strip() for k in keys}
        if any(row[k] for k in keys[:2]):
            row["required"] = form.get(f"{prefix}.{index}.required") == "true"
            out.append(row)
        index += 1
    return out


def field_rows(form):
    fields = []
    keys = ("name", "label", "type", "options", "profile")
    for row in rows(form, "form.fields", keys):
        options = codes(row.pop("options"))
        if not row["profile"]:
            del row["profile"]  # not prefilled
        fields.append(dict(row, options=options) if options else row)
    return fields


def procedure_from(form):
    """The procedure JSON of the posted admin form."""
    return {
        "code": (form.get("code") or "").strip(),
        "name": (form.get("name") or "").strip(),
        "level": integer(form.get("level")),
        "processing_days": integer(form.get("processing_days")),
        "fee": integer(form.get("fee")),
        "agencies": codes(form.get("agencies")),
        "steps": lines(form.get("steps")),
        "legal_basis": lines(form.get("legal_basis")),
        "form": {"fields": field_rows(form)},
        "documents": rows(form, "documents", ("slot", "name")),
    }


def error_labels(errors, lang):
    """A readable label for each error key (`form.fields.0.name` → "Trường 1: Mã")."""
    out = {}
    for key in errors:
        parts = key.split(".")
        if len(parts) >= 3 and parts[-2].isdigit():
            row = gettext(f"procform.{parts[0]}_row", lang)
            what = label("procform", parts[-1], lang)
            out[key] = f"{row} {int(parts[-2]) + 1} — {what}"
        else:
            out[key] = label("procform", key, lang)
    return out


def padded(items):
    return list(items) + [{} for _ in range(BLANK_ROWS)]


def withdrawn_procedures(page, req):
    """The province's withdrawn procedures, for those who may offer them again."""
    if not can(req.context.caller, "procedure.manage"):
        return []
    province = page.web.province_of(req)
    return page.call(req, "dossiers", "list_withdrawn_procedures", province)


def procedure_or_withdrawn(page, req, code):
    """The procedure as offered now or, to its managers, as last published before
    it was withdrawn (with `withdrawn_at`): saving it publishes it again."""
    try:
        return page.call(
            req, "dossiers", "get_procedure", code, page.web.province_of(req)
        )
    except ServiceError as exc:
        if exc.status != 404:
            raise
        found = [p for p in withdrawn_procedures(page, req) if p["code"] == code]
        if not found:
            raise
        return found[0]


class Procedures(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """The procedures of the caller's province, then those withdrawn."""
        items = self.call(
            req, "dossiers", "list_procedures", province=self.web.province_of(req)
        )
        self.render(
            req, resp, "admin_procedures.html", procedures=items[:500],
            withdrawn_list=withdrawn_procedures(self, req)[:500],
            ok=req.get_param("ok"), withdrawn=req.get_param("ma"),
        )  # fmt: skip


class ProcedureForm(FormPage):
    """Create the procedure, or publish a new version of it."""

    template = "admin_procedure.html"

    def initial(self, req, code=None):
        if not code:
            return {}
        return procedure_or_withdrawn(self, req, code)

    def read(self, req, form, code=None):
        data = procedure_from(form)
        data["province"] = self.web.province_of(req)
        return dict(data, code=code or data.get("code"))

    def refuses(self, exc):
        # an agency admin outside its agency is shown at the agency list (403)
        return exc.status == 422 or exc.code == "PROCEDURE_OUT_OF_SCOPE"

    def send(self, req, resp, values, code=None):
        if code:
            data = {k: v for k, v in values.items() if k != "code"}
            # the form does not edit the online fee: the published rule stays
            current = procedure_or_withdrawn(self, req, code)
            data["fee_rule"] = current.get("fee_rule")
            self.call(req, "dossiers", "update_procedure", code, data)
        else:
            self.call(req, "dossiers", "create_procedure", values)
        return "/quan-tri/thu-tuc?ok=saved"

    def view(self, req, values, errors, code=None):
        form, lang = values.get("form") or {}, req.context.lang
        return {
            "proc": values, "editing": code, "field_types": FIELD_TYPES,
            "profile_keys": [(k, label("profile", k, lang)) for k in PROFILE_KEYS],
            "field_rows": padded(form.get("fields") or []),
            "doc_rows": padded(values.get("documents") or []),
            "templates": template_list(self.web, req, code) if code else [],
            "labels": error_labels(errors, lang), "saved": req.get_param("ok"),
            "withdrawn_at": values.get("withdrawn_at"),
        }  # fmt: skip


class ProcedureWithdrawal(FormPage):
    """Stop offering a procedure, after a confirmation page (a plain POST form, no
    script needed): dossiers `withdraw_procedure` (its managers; again: the same
    answer). Filed dossiers keep their version; a new version offers it again."""

    template = "admin_procedure_withdraw.html"

    def initial(self, req, code):
        require(req.context.caller, "procedure.manage")
        province = self.web.province_of(req)
        return self.call(req, "dossiers", "get_procedure", code, province)

    def read(self, req, form, code):
        return {"code": code}

    def refuses(self, exc):
        return False  # a refusal (403, 404) is a page of its own

    def send(self, req, resp, values, code):
        province = self.web.province_of(req)
        self.call(req, "dossiers", "withdraw_procedure", code, province)
        return f"/quan-tri/thu-tuc?ok=withdrawn&ma={quote(code, safe='')}"

    def view(self, req, values, errors, code):
        return {"proc": values, "code": code}


class Holidays(FormPage):
    """The province's holidays of one year; add one (date, name) or remove one
    (remove=<date>)."""

    template = "admin_holidays.html"

    def initial(self, req):
        return {"year": self._year(req)}

    def read(self, req, form):
        return dict(form, year=self._year(req, form.get("year")))

    def send(self, req, resp, values):
        year = values["year"]
        current = self._list(req, year)
        if values.get("remove"):
            wanted = [h for h in current if h["date"] != values["remove"]]
        else:
            new = {k: (values.get(k) or "").strip() for k in ("date", "name")}
            wanted = [h for h in current if h["date"] != new["date"]] + [new]
        self.call(req, "dossiers", "put_holidays", self.web.province_of(req),
                  year, sorted(wanted, key=lambda h: h["date"]))  # fmt: skip
        return f"/quan-tri/ngay-nghi?nam={year}"

    def errors_of(self, req, exc):
        """A holiday's error is said at its input (`holidays.2.date` → `date`)."""
        errors = field_errors(exc, req.context.lang)
        return {k.split(".")[-1]: v for k, v in errors.items()}

    def view(self, req, values, errors):
        year = values["year"]
        return {
            "year": year, "holidays": self._list(req, year),
            "labels": {"date": "date", "name": "name"},
        }  # fmt: skip

    def _year(self, req, posted=None):
        raw = posted or req.get_param("nam") or ""
        return (
            int(raw)
            if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100
            else (dt.date.today().year)
        )

    def _list(self, req, year):
        found = self.call(
            req, "dossiers", "get_holidays", self.web.province_of(req), year
        )
        return [{"date": h["date"], "name": h["name"]} for h in found]


def routes(web):
    form = ProcedureForm(web)
    return [
        ("/quan-tri/thu-tuc", Procedures(web)),
        ("/quan-tri/thu-tuc/moi", form),
        ("/quan-tri/thu-tuc/{code}", form),
        ("/quan-tri/thu-tuc/{code}/mau-don", TemplateUpload(web, form)),
        ("/quan-tri/thu-tuc/{code}/ngung-cung-cap", ProcedureWithdrawal(web)),
        ("/quan-tri/ngay-nghi", Holidays(web)),
    ]
