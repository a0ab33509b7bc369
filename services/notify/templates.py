"""Jinja2 e-mail templates: files per event type and language, overridable per province.

A template is one source with three blocks: `subject`, `text` and `html`. Each source
is compiled twice in a sandbox (autoescape off for subject and text, on for html).
Province overrides are validated by rendering with sample data under StrictUndefined.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
)
from jinja2.sandbox import SandboxedEnvironment

from .domain import LANGS

DIRECTORY = Path(__file__).resolve().parent / "templates"
BLOCKS = ("subject", "text", "html")
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


class TemplateInvalid(Exception):
    """Raised by `validate` with a readable reason."""


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


def _environment(autoescape, strict, loader=None):
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined if strict else _lenient(),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vn_date"] = vn_date
    env.globals["status_label"] = lambda status, lang="vi": STATUS_LABELS.get(
        lang, {}
    ).get(status, str(status).replace("_", " "))
    return env


def _lenient():
    from jinja2 import ChainableUndefined

    return ChainableUndefined


def _block(template, name, context):
    if name not in template.blocks:
        raise TemplateInvalid(f"missing block {name}")
    ctx = template.new_context(dict(context))
    return "".join(template.blocks[name](ctx)).strip()


class Renderer:
    """Render a template key in a language from files or an override source."""

    def __init__(self, directory=DIRECTORY):
        loader = FileSystemLoader(str(directory))
        self.text_env = _environment(False, False, loader)
        self.html_env = _environment(True, False, loader)
        self.strict_text = _environment(False, True)
        self.strict_html = _environment(True, True)

    def exists(self, key, lang="vi"):
        try:
            self.text_env.get_template(f"{lang}/{key}.j2")
            return True
        except TemplateNotFound:
            return False

    def source(self, key, lang):
        path = DIRECTORY / lang / f"{key}.j2"
        return path.read_text(encoding="utf-8")

    def render(self, key, lang, context, override=None):
        """Return the rendered subject, text and html of `key` in `lang`."""
        lang = lang if lang in LANGS else "vi"
        context = {**context, "lang": lang}
        if override:
            text_t, html_t = _compiled(self, override)
        else:
            name = f"{lang}/{key}.j2"
            text_t = self.text_env.get_template(name)
            html_t = self.html_env.get_template(name)
        subject = " ".join(_block(text_t, "subject", context).split())
        return Rendered(
            subject,
            _block(text_t, "text", context),
            _block(html_t, "html", context),
        )

    def validate(self, source, sample):
        """Raise TemplateInvalid unless `source` renders `sample` in all blocks."""
        try:
            text_t = self.strict_text.from_string(source)
            html_t = self.strict_html.from_string(source)
            for block in BLOCKS:
                template = html_t if block == "html" else text_t
                if not _block(template, block, sample):
                    raise TemplateInvalid(f"block {block} renders empty")
        except TemplateInvalid:
            raise
        except TemplateError as exc:
            raise TemplateInvalid(f"{type(exc).__name__}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - any render failure refuses it
            raise TemplateInvalid(f"{type(exc).__name__}: {exc}") from None


@functools.lru_cache(maxsize=256)
def _compiled(renderer, source):
    return renderer.text_env.from_string(source), renderer.html_env.from_string(source)
