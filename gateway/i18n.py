"""Vietnamese first: the caller's language and the one catalogue errors render from.

Errors carry a stable code and params, field details carry detail codes
(`services/shared/errors.py`); their texts live in the gettext catalogues
`gateway/locale/<lang>/LC_MESSAGES/messages.po` (message id = code, placeholders
`%(name)s` = params), read once at start with Babel, so nothing needs compiling.
`Accept-Language` (or the signed-in user's language) picks `vi` (default) or `en`.
"""

import re
from pathlib import Path

from babel.messages.pofile import read_po

DEFAULT = "vi"
SUPPORTED = ("vi", "en")
LOCALE = Path(__file__).parent / "locale"
DOMAIN = "messages"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def po_path(lang):
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang):
    """The Babel catalogue of `lang` as it is on disk."""
    with open(po_path(lang), "rb") as fileobj:
        return read_po(fileobj, locale=lang, domain=DOMAIN)


def _texts(lang):
    return {m.id: m.string for m in read_catalogue(lang) if m.id and m.string}


TEXTS = {lang: _texts(lang) for lang in SUPPORTED}


def language(accept_language):
    """Pick `vi` or `en` from an Accept-Language header."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in SUPPORTED:
            return tag
    return DEFAULT


def knows(code):
    return code in TEXTS[DEFAULT]


def render(code, params=None, lang=DEFAULT, fallback=None):
    """The text of `code` in `lang` with `params` filled (a param not given: blank)."""
    text = TEXTS.get(lang, TEXTS[DEFAULT]).get(code)
    if text is None:
        return fallback if fallback is not None else code
    values = params if isinstance(params, dict) else {}
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


def _parts(entry):
    """(code, params) of a field detail, or (None, value) of a plain value."""
    if isinstance(entry, dict) and isinstance(entry.get("code"), str):
        return entry["code"], entry.get("params") or {}
    if isinstance(entry, str) and knows(entry):
        return entry, {}
    return None, entry


def render_detail(entry, lang):
    code, params = _parts(entry)
    return render(code, params, lang) if code else str(params)


def render_details(details, lang):
    """{field: [text]} of an error's details in `lang`."""
    return {
        field: [render_detail(e, lang) for e in _listed(entries)]
        for field, entries in (details or {}).items()
    }


def detail_codes(details):
    """{field: [{code, params}]} of an error's details; a plain value: {value}."""
    out = {}
    for field, entries in (details or {}).items():
        out[field] = []
        for entry in _listed(entries):
            code, params = _parts(entry)
            out[field].append(
                {"code": code, "params": params} if code else {"value": str(params)}
            )
    return out


def _listed(entries):
    return entries if isinstance(entries, list) else [entries]


def error_text(exc, lang):
    """The message of a ServiceError in `lang`."""
    return render(exc.code, exc.params, lang, fallback=exc.message)
