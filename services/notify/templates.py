"""Jinja2 e-mail templates: files per kind and language, overridable per province.

A template is one source with three blocks: `subject`, `text` and `html`. Every
source, file or override, is compiled in an immutable sandbox (autoescape on for
html only), given only the variables of its kind (`kinds.py`) and the link helpers
(`links.py`); its html is sanitised (`safehtml.py`) and wrapped in the system's
layout, then the system writes the links. An override is checked by `check` before
it is saved and again before it is used (a stored one that fails is ignored).
"""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from markupsafe import escape

from . import kinds, safehtml
from .domain import LANGS
from .links import LinkSet
from .sandbox import MailSandbox, TemplateInvalid, compile_checked

DIRECTORY = Path(__file__).resolve().parent / "templates"
BLOCKS = ("subject", "text", "html")
LAYOUT = (
    '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"></head>'
    '<body style="font-family:Arial,sans-serif">{}</body></html>'
)
STATUS_LABELS = {
    "vi": {
        "draft": "Bản nháp",
        "waiting_reception": "Chờ tiếp nhận",
        "processing": "Đang xử lý",
        "rejected": "Từ chối tiếp nhận",
        "supplement_requested": "Yêu cầu bổ sung",
        "pending_approval": "Chờ phê duyệt",
        "approved": "Đã phê duyệt",
        "completed": "Đã trả kết quả",
        "cancelled": "Đã hủy",
    },
    "en": {},
}

__all__ = ["Rendered", "Renderer", "TemplateInvalid"]


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def vn_date(value):
    """Format an ISO date or datetime as dd/mm/yyyy."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def status_label(status, lang="vi"):
    """Name a dossier status in `lang`."""
    return STATUS_LABELS.get(lang, {}).get(status, str(status).replace("_", " "))


def _environment(autoescape, strict, loader=None):
    env = MailSandbox(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined if strict else _lenient(),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vn_date"] = vn_date
    env.globals["status_label"] = status_label
    return env


def _lenient():
    from jinja2 import ChainableUndefined

    return ChainableUndefined


def _block(template, name, context):
    if name not in template.blocks:
        raise TemplateInvalid("TEMPLATE_INVALID", [f"missing block {name}"])
    ctx = template.new_context(dict(context))
    return "".join(template.blocks[name](ctx)).strip()


class Renderer:
    """Render a template key in a language from files or an override source."""

    def __init__(self, directory=DIRECTORY, public_url="http://127.0.0.1:8000"):
        loader = FileSystemLoader(str(directory))
        self.directory = Path(directory)
        self.public_url = public_url.rstrip("/")
        self.host = urlsplit(self.public_url).hostname
        self.text_env = _environment(False, False, loader)
        self.html_env = _environment(True, False, loader)
        self.strict_text = _environment(False, True)
        self.strict_html = _environment(True, True)

    def exists(self, key, lang="vi"):
        try:
            self.text_env.get_template(f"{lang}/{key}.j2")
            return key in kinds.VARIABLES
        except TemplateNotFound:
            return False

    def source(self, key, lang):
        return (self.directory / lang / f"{key}.j2").read_text(encoding="utf-8")

    def render(self, key, lang, context, override=None, link=None):
        """Return the rendered subject, text and html of `key` in `lang`."""
        lang = lang if lang in LANGS else "vi"
        data = kinds.context_for(key, {**context, "lang": lang})
        if override:
            text_t, html_t = _compiled(self, key, override)
        else:
            name = f"{lang}/{key}.j2"
            text_t = self.text_env.get_template(name)
            html_t = self.html_env.get_template(name)
        return self._parts(text_t, html_t, data, link, lang)

    def _parts(self, text_t, html_t, data, link, lang):
        plain = LinkSet(self.public_url, link)
        marked = LinkSet(self.public_url, link, html=True)
        subject = _block(text_t, "subject", {**data, **plain.helpers()})
        text = _block(text_t, "text", {**data, **plain.helpers()})
        html = _block(html_t, "html", {**data, **marked.helpers()})
        html = marked.fill(safehtml.clean(html, self.host))
        return Rendered(
            " ".join(plain.drop(subject).split()),
            plain.fill(text),
            LAYOUT.format(escape(lang), html),
        )

    def check(self, key, source, sample):
        """Raise TemplateInvalid (with its code) unless `source` is a safe `key`."""
        text_t, html_t = compile_checked(
            self.strict_text, self.strict_html, source, kinds.allowed(key)
        )
        plain = LinkSet(self.public_url, sample.get("link"))
        marked = LinkSet(self.public_url, sample.get("link"), html=True)
        data = kinds.context_for(key, sample)
        try:
            parts = {
                "subject": _block(text_t, "subject", {**data, **plain.helpers()}),
                "text": _block(text_t, "text", {**data, **plain.helpers()}),
                "html": _block(html_t, "html", {**data, **marked.helpers()}),
            }
        except TemplateInvalid:
            raise
        except Exception as exc:  # noqa: BLE001 - any render failure refuses it
            raise TemplateInvalid.from_error(exc) from None
        self._refuse_content(parts, plain, marked)

    def _refuse_content(self, parts, plain, marked):
        empty = [f"block {b} renders empty" for b in BLOCKS if not parts[b]]
        if empty:
            raise TemplateInvalid("TEMPLATE_INVALID", empty)
        found = safehtml.problems(parts["html"], self.host)
        found += safehtml.outside_urls(parts["text"], self.host)
        found += safehtml.outside_urls(parts["subject"], self.host)
        if plain.nonce in parts["subject"]:
            found.append("subject: portal_link")
        if plain.stray(parts["text"]) or marked.stray(
            safehtml.clean(parts["html"], self.host)
        ):
            found.append("portal_link: not alone")
        if found:
            raise TemplateInvalid("TEMPLATE_CONTENT_REFUSED", found)

    def preview(self, key, lang, source, sample):
        """Check `source` and return what `sample` renders to."""
        self.check(key, source, sample)
        text_t, html_t = _compiled(self, key, source)
        return self._parts(text_t, html_t, kinds.context_for(key, sample),
                           sample.get("link"), lang)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _compiled(renderer, key, source):
    """Compile an override once; refuse one that uses what its kind may not."""
    return compile_checked(
        renderer.text_env, renderer.html_env, source, kinds.allowed(key)
    )
