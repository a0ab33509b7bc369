"""Babel extractor of the codes errors carry (`gateway/locale/babel.cfg`).

Message ids of the catalogue are codes, not English text, so there is no `_()` to
find: this reads the source (never imports it) and yields
- error codes: a class's `code = "X"`, a `code="X"` argument, the third argument
  of an error class (`ServiceError(message, details, "X")`), the code argument of
  `CodedHTTPError(status, "X", …)` and the values of a `*_CODES` dict;
- detail codes: the first argument of `detail("x", …)` (with its param names as a
  comment for translators) and the keys of `MARSHMALLOW` (marshmallow's own
  messages, `services/shared/details.py`).
"""

import ast
import re

ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
DETAIL_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _text(node, pattern):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if pattern.match(node.value):
            return node.value
    return None


def _name(func):
    return getattr(func, "id", None) or getattr(func, "attr", None)


def _from_call(node):
    name = _name(node.func)
    if name == "detail" and node.args:
        code = _text(node.args[0], DETAIL_CODE)
        params = sorted(k.arg for k in node.keywords if k.arg)
        if code:
            yield code, [f"params: {', '.join(params)}"] if params else []
    if name == "CodedHTTPError" and len(node.args) > 1:
        code = _text(node.args[1], ERROR_CODE)
        if code:
            yield code, []
    # ServiceError(message, details, code, …): an error class's third argument
    if name and name[0].isupper() and len(node.args) > 2:
        code = _text(node.args[2], ERROR_CODE)
        if code:
            yield code, []
    for keyword in node.keywords:
        if keyword.arg == "code" and (code := _text(keyword.value, ERROR_CODE)):
            yield code, []


def _from_assign(node):
    names = [getattr(t, "id", None) for t in node.targets]
    if "code" in names and (code := _text(node.value, ERROR_CODE)):
        yield code, []
    if isinstance(node.value, ast.Dict):
        if any(name and name.endswith("_CODES") for name in names):
            for value in node.value.values:
                if code := _text(value, ERROR_CODE):
                    yield code, []
        if "MARSHMALLOW" in names:
            for key in node.value.keys:
                if code := _text(key, DETAIL_CODE):
                    yield code, []


def found(source):
    """(line, code, comments) of every code in Python `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            items = _from_call(node)
        elif isinstance(node, ast.Assign):
            items = _from_assign(node)
        else:
            continue
        for code, comments in items:
            yield node.lineno, code, comments


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction method interface: (lineno, funcname, message, comments)."""
    for line, code, comments in found(fileobj.read().decode("utf-8")):
        yield line, None, code, comments
