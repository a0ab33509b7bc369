"""One rule for text entering the system: valid Unicode, no NUL, no lone surrogate.

PostgreSQL refuses NUL in text and JSONB, and a lone surrogate (which JSON's
`"\\ud800"` escape produces in Python) cannot be encoded as UTF-8, so either one,
once stored, breaks every response that carries it. The gateway refuses such text
where it enters (`gateway/text_guard.py`) and every service schema refuses it again
(`services/shared/schemas.py`), so an RPC called directly cannot store it either.
Problems are field detail codes (`services/shared/errors.py`).
"""

from .codes import detail

NUL = detail("text_nul")
SURROGATE = detail("text_surrogate")
NOT_UNICODE = detail("text_not_utf8")
NOT_TEXT = "invalid_string"

# The longest string any input may carry when its schema sets no tighter limit
# (an e-mail template's source is the longest text the portal edits).
MAX_TEXT = 100_000
# How deep JSON documents may nest (forms and procedures need four or five levels).
MAX_DEPTH = 32


def text_error(value, limit=MAX_TEXT):
    """Return why `value` (a str) may not enter the system, or None."""
    if "\x00" in value:
        return NUL
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    if limit is not None and len(value) > limit:
        return detail("too_long", max=limit)
    return None


def bytes_error(raw, limit=MAX_TEXT):
    """Return why UTF-8 `raw` bytes may not enter the system as text, or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UNICODE
    return text_error(text, limit)


def find_bad_text(data, limit=MAX_TEXT, depth=MAX_DEPTH, path=""):
    """Return {dotted path: [message]} for each bad string (or key) inside `data`.

    Lists and dicts are walked down to `depth` levels; deeper nesting is itself
    an error, so a hostile document costs at most `depth` frames.
    """
    if isinstance(data, str):
        problem = text_error(data, limit)
        return {path or "_schema": [problem]} if problem else {}
    if not isinstance(data, dict | list):
        return {}
    if depth <= 0:
        return {path or "_schema": [detail("too_deep", max=MAX_DEPTH)]}
    items = data.items() if isinstance(data, dict) else enumerate(data)
    found = {}
    for key, value in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and (problem := text_error(key, 200)):
            found[path or "_schema"] = [problem]
            continue
        found.update(find_bad_text(value, limit, depth - 1, name))
    return found
