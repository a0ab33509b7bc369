"""Pure validation of a dossier's form values and files against its procedure.

A procedure's form is `{fields: [{name, label, type, required, options, max_length,
min, max}], value_field}` (`value_field`: the number field that is the dossier's
value) and its documents `[{slot, name, required, accept, max_count}]`.
Errors come back keyed `form.<field>` and `documents.<slot>` so the citizen's page
can point at each one.
"""

import datetime as dt

from services.shared.errors import detail

FIELD_TYPES = ("text", "textarea", "number", "date", "select", "checkbox")

# Field detail codes, the same as marshmallow's where the rule is the same.
MISSING = "required"
UNKNOWN = "unknown_field"
NOT_STRING = "invalid_string"
NOT_NUMBER = "invalid_number"
NOT_DATE = "invalid_date"
NOT_BOOL = "invalid_boolean"
NOT_OPTION = detail("not_an_option")
MISSING_DOCUMENT = detail("missing_document")


def too_long(limit):
    return detail("too_long", max=limit)


def too_small(minimum):
    return detail("at_least", min=minimum)


def too_big(maximum):
    return detail("at_most", max=maximum)


def too_many_files(limit):
    return detail("too_many_files", max=limit)


def _empty(value):
    return value is None or value == "" or value == []


def _check_text(field, value):
    if not isinstance(value, str):
        return NOT_STRING
    limit = field.get("max_length")
    if limit and len(value) > int(limit):
        return too_long(limit)
    return None


def _check_number(field, value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NOT_NUMBER
    if field.get("min") is not None and value < field["min"]:
        return too_small(field["min"])
    if field.get("max") is not None and value > field["max"]:
        return too_big(field["max"])
    return None


def _check_date(field, value):
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return NOT_DATE
    return None if len(value) == 10 else NOT_DATE


def _check_select(field, value):
    return None if value in (field.get("options") or []) else NOT_OPTION


def _check_checkbox(field, value):
    return None if isinstance(value, bool) else NOT_BOOL


CHECKS = {
    "text": _check_text,
    "textarea": _check_text,
    "number": _check_number,
    "date": _check_date,
    "select": _check_select,
    "checkbox": _check_checkbox,
}


def check_values(form_def, values):
    """Type-check the given values only (draft saves); unknown names are errors."""
    fields = {f["name"]: f for f in (form_def or {}).get("fields", [])}
    errors = {}
    for name, value in (values or {}).items():
        field = fields.get(name)
        if field is None:
            errors[f"form.{name}"] = [UNKNOWN]
        elif not _empty(value):
            problem = CHECKS[field.get("type", "text")](field, value)
            if problem:
                errors[f"form.{name}"] = [problem]
    return errors


def check_complete(form_def, values):
    """Check a whole form for submission: types plus every required field."""
    errors = check_values(form_def, values)
    for field in (form_def or {}).get("fields", []):
        name = field["name"]
        if field.get("required") and _empty((values or {}).get(name)):
            errors.setdefault(f"form.{name}", [MISSING])
    return errors


def check_documents(documents, files):
    """Every required slot has a file, and no slot has more than its max count."""
    counts = {}
    for item in files or []:
        counts[item.get("slot")] = counts.get(item.get("slot"), 0) + 1
    errors = {}
    for doc in documents or []:
        slot, have = doc["slot"], counts.get(doc["slot"], 0)
        if doc.get("required") and have == 0:
            errors[f"documents.{slot}"] = [MISSING_DOCUMENT]
        elif doc.get("max_count") and have > int(doc["max_count"]):
            errors[f"documents.{slot}"] = [too_many_files(doc["max_count"])]
    return errors


def form_text(form_def, values):
    """The searchable text of a form: its string values, in field order."""
    parts = []
    for field in (form_def or {}).get("fields", []):
        value = (values or {}).get(field["name"])
        if isinstance(value, str) and value and field.get("type") != "date":
            parts.append(value)
    return " ".join(parts)


def value_of(form_def, values):
    """The dossier's value: the number in the field the procedure names (`value_field`),
    e.g. the declared value of a property; None when it names none or it is empty."""
    name = (form_def or {}).get("value_field")
    value = (values or {}).get(name) if name else None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None
