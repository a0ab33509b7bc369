"""Public pages: home with procedure search, a procedure, lookup, static files."""

import logging
import mimetypes
import re
from pathlib import Path

import falcon

from services.shared import provinces
from services.shared.caller import is_authenticated
from services.shared.errors import NotFound, ServiceError

from .base import NATIONAL, Page, page
from .render import gettext

STATIC = Path(__file__).resolve().parents[1] / "static"
STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}$")
RECEIPT = re.compile(r"^[A-Za-z0-9._-]{3,64}$")
SHOWN = 50  # procedures a catalogue page lists
# the national search answers in milliseconds; a search service that does not
# answer within this gives way to the catalogue's own list
SEARCH_TIMEOUT = 3.0

log = logging.getLogger(__name__)


def national_catalogue(page, req, text, near, size=SHOWN):
    """Every province's procedures matching `text`, `near`'s first: the search
    index (`search_procedures`), or while search is down the dossiers service's
    own list (at most 200, matched without folding diacritics)."""
    try:
        found = page.call(
            req, "search", "search_procedures", text or None, near, 1, size,
            timeout=SEARCH_TIMEOUT,
        )  # fmt: skip
        return found["items"]
    except ServiceError as exc:
        if exc.status < 500:
            raise
        log.warning("national search unavailable (%s): the catalogue's list", exc.code)
    return page.call(
        req, "dossiers", "list_procedures", province=near, q=text or None,
        national=True,
    )[:size]  # fmt: skip


class Home(Page):
    @page()
    def on_get(self, req, resp):
        """The procedure search: by name or code, in the caller's province."""
        query = (req.get_param("q") or "").strip()[:100]
        chosen = self.web.chosen_province(req, resp, national=True)
        national = chosen == NATIONAL
        # nationally: the citizen's own province (or the portal's) first
        near = self.web.province_of(req) if national else chosen
        if national:
            items = national_catalogue(self, req, query, near)
        else:
            items = self.call(
                req, "dossiers", "list_procedures", province=near, q=query or None
            )
        self.render(
            req, resp, "home.html", query=query, procedures=items[:SHOWN],
            chosen=chosen, national=national, provinces=province_choices(req),
        )  # fmt: skip


def province_choices(req):
    """(code, name) of the 34 provinces in force, in the page's language."""
    english = req.context.lang == "en"
    return [
        (code, unit["name_en"] if english else unit["name"])
        for code, unit in sorted(provinces.in_force().items())
    ]


def provinces_offering(page, req, proc):
    """(code, name) of the provinces offering procedure `proc`'s code (the
    national search), its own always; every province while search is down."""
    choices = province_choices(req)
    try:
        found = page.call(
            req, "search", "search_procedures", proc["code"], proc["province"], 1,
            100, timeout=SEARCH_TIMEOUT,
        )  # fmt: skip
    except ServiceError as exc:
        if exc.status < 500:
            raise
        log.warning("national search unavailable (%s): every province", exc.code)
        return choices
    offering = {i["province"] for i in found["items"] if i["code"] == proc["code"]}
    offering.add(proc["province"])
    return [(code, name) for code, name in choices if code in offering]


class ProcedurePage(Page):
    @page()
    def on_get(self, req, resp, code):
        """One procedure: steps, documents, fee, time, legal basis, level, forms."""
        province = self.web.chosen_province(req, resp)
        proc = self.call(req, "dossiers", "get_procedure", code, province)
        uploaded = self.call(req, "files", "list_templates", proc["code"], province)
        self.render(
            req,
            resp,
            "procedure.html",
            proc=proc,
            uploaded_templates=uploaded or [],
            signed_in=is_authenticated(req.context.caller),
        )


class Lookup(Page):
    @page()
    def on_get(self, req, resp):
        """Look a dossier up by its receipt number (in full for who may see it)."""
        number = (req.get_param("so") or "").strip()
        found, problem = (None, None) if not number else self._find(req, number)
        errors = {"so": gettext(problem, req.context.lang)} if problem else {}
        labels = {"so": gettext("lookup.label", req.context.lang)}
        self.render(
            req, resp, "lookup.html", number=number, found=found, errors=errors,
            labels=labels,
        )  # fmt: skip

    def _find(self, req, number):
        """The dossier by receipt number; anyone gets its status and appointment."""
        if not RECEIPT.match(number):
            return None, "error.not_found"
        try:
            return self.call(req, "dossiers", "lookup", number), None
        except NotFound:
            return None, "error.not_found"


class Static:
    """Serve the portal's CSS and JS (small files; a proxy may serve them instead)."""

    def on_get(self, req, resp, name):
        path = STATIC / name
        if not STATIC_NAME.match(name) or not path.is_file():
            raise falcon.HTTPNotFound()
        resp.content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        resp.set_header("Cache-Control", "public, max-age=3600")
        resp.data = path.read_bytes()
