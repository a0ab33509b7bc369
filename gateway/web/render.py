"""The Jinja2 environment, translation and Vietnamese formats of the web portal.

`Renderer` is built once by `gateway.web.routes` (called from `create_app`) and
shared by every page; it holds no per-request state.
"""

import datetime as dt
from pathlib import Path

import falcon
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from services.shared import permissions, routes
from services.shared.clock import VN_TZ

from . import (
    catalogue,
    catalogue_admin,
    catalogue_files,
    catalogue_lists,
    catalogue_payments,
    catalogue_results,
    catalogue_stats,
    catalogue_work,
    files_view,
)
from .linkify import linkify

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
MESSAGES = {
    **catalogue.MESSAGES,
    **catalogue_work.MESSAGES,
    **catalogue_admin.MESSAGES,
    **catalogue_stats.MESSAGES,
    **catalogue_payments.MESSAGES,
    **catalogue_files.MESSAGES,
    **catalogue_lists.MESSAGES,
    **catalogue_results.MESSAGES,
}
LANG_INDEX = {"vi": 0, "en": 1}
HTML = "text/html; charset=utf-8"
MANAGERS = frozenset({"admin", "province_admin", "operator", "leader"})


def gettext(key, lang):
    """The catalogue text of `key` in `lang` (the key itself when it is unknown)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry[LANG_INDEX.get(lang, 0)]


def label(prefix, key, lang):
    """The translation of `prefix.key`, or `key` itself when the catalogue lacks it."""
    full = f"{prefix}.{key}"
    return gettext(full, lang) if full in MESSAGES else str(key)


def to_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def fmt_date(value, lang="vi"):
    """dd/mm/yyyy in both languages (the format Vietnamese forms use)."""
    day = to_date(value)
    return format_date(day, "dd/MM/yyyy", locale=lang) if day else ""


def fmt_datetime(value, lang="vi"):
    """dd/mm/yyyy HH:mm in Vietnam's time (UTC+7)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return f"{fmt_date(moment, lang)} {moment:%H:%M}"


def fmt_number(value, lang="vi"):
    """1.234.567 in Vietnamese, 1,234,567 in English."""
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=lang)


def field_id(name):
    """The HTML id of a form field (`form.full_name` → `f-form-full_name`)."""
    return "f-" + str(name).replace(".", "-")


def page_link(url):
    """`url` when it is a web page (http, https or a local path), else "".

    Procedures are checked where they enter (dossiers `LINK_NOT_ALLOWED`); this
    keeps a `javascript:` link stored before that check from ever being a link.
    """
    text = str(url or "").strip()
    if text.startswith("/") and not text.startswith("//"):
        return text
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    return text if scheme in ("http", "https") else ""


class Renderer:
    """Render templates with the request's language, caller and form token."""

    def __init__(self, directory=TEMPLATES, names=None):
        self.env = Environment(
            loader=FileSystemLoader(str(directory)),
            autoescape=select_autoescape(("html",), default_for_string=True),
            undefined=ChainableUndefined,  # service data omits optional keys
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["field_id"] = field_id
        self.env.globals["page_link"] = page_link
        # agencies and departments by name on every page (gateway/names.py)
        self.names = names
        if names is not None:
            self.env.globals["agency_name"] = names.agency
            self.env.globals["department_name"] = names.department
        else:
            self.env.globals["agency_name"] = lambda code: code or ""
            self.env.globals["department_name"] = lambda code, agency=None: code or ""
        # every link a template writes to a named page (services/shared/routes.py);
        # not `link`: pages pass a `link` of their own (the message page)
        self.env.globals["url_for"] = routes.link
        self.env.globals["file_views"] = files_view.views
        self.env.filters["linkify"] = linkify

    def page(self, req, template, **context):
        """Return the HTML text of `template` for this request."""
        lang = getattr(req.context, "lang", "vi")
        caller = getattr(req.context, "caller", {}) or {}
        base = {
            "lang": lang,
            "_": lambda key: gettext(key, lang),
            "date": lambda v: fmt_date(v, lang),
            "datetime": lambda v: fmt_datetime(v, lang),
            "number": lambda v: fmt_number(v, lang),
            "label": lambda prefix, key: label(prefix, key, lang),
            "caller": caller,
            "can": lambda action: permissions.can(caller, action),
            "roles": set(caller.get("roles") or []),
            "is_manager": bool(set(caller.get("roles") or []) & MANAGERS),
            "path": req.path,
            "csrf": getattr(req.context, "form_token", ""),
            "other_lang": "en" if lang == "vi" else "vi",
            "errors": {},
            "notice": None,
        }
        base.update(context)
        return self.env.get_template(template).render(base)

    def respond(self, req, resp, template, http_status=falcon.HTTP_200, **context):
        resp.status = http_status
        resp.content_type = HTML
        resp.set_header("Cache-Control", "no-store")
        resp.text = self.page(req, template, **context)
