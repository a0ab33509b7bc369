"""Agency successions: replace or merge agencies on a date, and see what moved.

`/quan-tri/sap-xep` lists the successions in the caller's scope and, for who may
manage agencies, a form (successor, predecessors, date); `/quan-tri/sap-xep/{id}`
is the report: the staff, departments and API clients accounts moved, and the open
dossiers (receipt numbers kept) and procedure versions the dossiers service moved.
accounts and dossiers check every permission and scope.
"""

import re

from services.shared.errors import NotFound, ValidationFailed

from .base import Page, field_errors, form_of, page, redirect

PATH = "/quan-tri/sap-xep"
KEYS = ("successor", "predecessors", "effective_date")


def succession_body(form):
    """The form's fields as `succeed_agencies` takes them (codes split on spaces,
    commas or lines)."""
    body = {k: (form.get(k) or "").strip() for k in KEYS}
    body["predecessors"] = [c for c in re.split(r"[\s,;]+", body["predecessors"]) if c]
    return {k: v for k, v in body.items() if v}


class Successions(Page):
    @page(login=True)
    def on_get(self, req, resp):
        self.show(req, resp, {}, {})

    @page(login=True)
    def on_post(self, req, resp):
        form = form_of(req)
        try:
            made = self.call(req, "accounts", "succeed_agencies", succession_body(form))
        except ValidationFailed as exc:
            return self.show(req, resp, form, field_errors(exc, req.context.lang))
        redirect(resp, f"{PATH}/{made['id']}")

    def show(self, req, resp, values, errors):
        items = self.call(req, "accounts", "list_successions")
        self.render(
            req, resp, "admin_successions.html", successions=items, values=values,
            errors=errors, http_status=422 if errors else 200,
        )  # fmt: skip


class Succession(Page):
    @page(login=True)
    def on_get(self, req, resp, succession_id):
        found = self.call(req, "accounts", "get_succession", succession_id)
        try:
            moves = self.call(req, "dossiers", "succession_report", succession_id)
        except NotFound:  # the dossiers service has not carried it out yet
            moves = None
        self.render(
            req, resp, "admin_succession.html", succession=found, moves=moves
        )  # fmt: skip


def routes(web):
    return [
        (PATH, Successions(web)),
        (f"{PATH}/{{succession_id}}", Succession(web)),
    ]
