"""How a dashboard group's keys read for people: names, not codes.

The search service answers codes (statuses, procedure codes, agency and department
codes, user ids, dates); the statistics page and the dashboard exports show them
through one `Labels` per request: statuses and deadline states from the catalogue,
procedures by name, agencies and departments through the names helper, officers by
their names from accounts, dates as dd/mm/yyyy (mm/yyyy per month).
"""

import logging

from services.shared import provinces
from services.shared.errors import ServiceError

from .render import fmt_date, gettext, label

log = logging.getLogger(__name__)

TIME_GROUPS = ("month", "overdue_series", "due_soon_series")
ATTENTION_GROUPS = ("attention_by_officer", "attention_by_department")


def _procedure_names(call, province):
    try:
        found = call("dossiers", "list_procedures", province=province)
    except ServiceError as exc:
        log.warning("procedures not listed; showing codes: %s", exc)
        return {}
    return {p["code"]: p.get("name") or p["code"] for p in found or ()}


def _staff_names(call, caller):
    try:
        found = call("accounts", "list_staff", agency=caller.get("agency"))
    except ServiceError as exc:
        log.warning("staff not listed; showing ids: %s", exc)
        return {}
    return {p["id"]: p.get("full_name") or p["id"] for p in found or ()}


class Labels:
    """The label of each key of each group, in one language, for one caller."""

    def __init__(self, names, call, caller, province, lang, interval="month"):
        self.names, self.caller, self.lang = names, caller, lang
        self.interval = interval
        self._call, self._province = call, province
        self._procedures = self._staff = None

    def title(self, group):
        return gettext(f"dash.g.{group}", self.lang)

    def _when(self, key):
        text = str(key)
        if self.interval == "month" and len(text) >= 7:
            return f"{text[5:7]}/{text[:4]}"
        return fmt_date(text, self.lang) or text

    def _procedure(self, key):
        if self._procedures is None:
            self._procedures = _procedure_names(self._call, self._province)
        return self._procedures.get(key, key)

    def _person(self, key):
        if self._staff is None:
            self._staff = _staff_names(self._call, self.caller)
        return self._staff.get(key, key)

    def _province_name(self, key):
        unit = provinces.in_force().get(key)
        if unit is None:
            return str(key)
        return unit["name"] if self.lang == "vi" else unit["name_en"]

    def key(self, group, key):
        """The readable label of `key` in `group`."""
        if key in (None, ""):
            return gettext("dash.unassigned", self.lang)
        readers = {
            "status": lambda k: label("status", k, self.lang),
            "deadline_state": lambda k: label("deadline", k, self.lang),
            "procedure": self._procedure,
            "agency": self.names.agency,
            "department": lambda k: self.names.department(k, self.caller.get("agency")),
            "assignee": self._person,
            "overdue_by_days_late": lambda k: f"{k} {gettext('dash.days', self.lang)}",
        }
        readers["province"] = self._province_name
        readers["performance_by_province"] = readers["province"]
        readers["performance_by_agency"] = readers["agency"]
        readers["received_by_province"] = readers["province"]
        readers["received_by_agency"] = readers["agency"]
        readers["attention_by_department"] = readers["department"]
        readers["attention_by_officer"] = readers["assignee"]
        for group_name in TIME_GROUPS:
            readers[group_name] = self._when
        return readers.get(group, str)(key)

    def rows(self, group, rows):
        """Rows with their `label` added (the key stays for programs)."""
        return [dict(row, label=self.key(group, row.get("key"))) for row in rows]
