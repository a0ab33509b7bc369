"""Field details as stable codes: marshmallow's own messages mapped to their keys.

Marshmallow formats its messages in English ("Longer than maximum length 200.");
`detail_of` turns each back into the code of its message key with the values it
names (`too_long`, `{"max": "200"}`), matching marshmallow's own templates, so
callers and the gateway's catalogue (`gateway/locale/`) never parse English.
Our own details are already codes (`errors.detail`) and pass through.
"""

import re

from marshmallow import Schema, fields, validate

from .codes import detail

_FIELD = fields.Field.default_error_messages
_RANGE = validate.Range

# detail code → the marshmallow template it stands for (the field types we use).
MARSHMALLOW = {
    "required": _FIELD["required"],
    "null": _FIELD["null"],
    "validator_failed": _FIELD["validator_failed"],
    "unknown_field": Schema._default_error_messages["unknown"],
    "invalid_type": Schema._default_error_messages["type"],
    "invalid_nested": fields.Nested.default_error_messages["type"],
    "invalid_string": fields.String.default_error_messages["invalid"],
    "invalid_utf8": fields.String.default_error_messages["invalid_utf8"],
    "invalid_integer": fields.Integer.default_error_messages["invalid"],
    "invalid_number": fields.Number.default_error_messages["invalid"],
    "number_too_large": fields.Number.default_error_messages["too_large"],
    "special_number": fields.Float.default_error_messages["special"],
    "invalid_boolean": fields.Boolean.default_error_messages["invalid"],
    "invalid_date": fields.Date.default_error_messages["invalid"],
    "invalid_datetime": fields.DateTime.default_error_messages["invalid"].format(
        obj_type="datetime"
    ),
    "invalid_list": fields.List.default_error_messages["invalid"],
    "invalid_mapping": fields.Dict.default_error_messages["invalid"],
    "invalid_email": fields.Email.default_error_messages["invalid"],
    "invalid_uuid": fields.UUID.default_error_messages["invalid_uuid"],
    "too_short": validate.Length.message_min,
    "too_long": validate.Length.message_max,
    "length_between": validate.Length.message_all,
    "length_equal": validate.Length.message_equal,
    "not_one_of": validate.OneOf.default_message,
    "no_match": validate.Regexp.default_message,
    "at_least": _RANGE.message_min.format(min_op=_RANGE.message_gte),
    "more_than": _RANGE.message_min.format(min_op=_RANGE.message_gt),
    "at_most": _RANGE.message_max.format(max_op=_RANGE.message_lte),
    "less_than": _RANGE.message_max.format(max_op=_RANGE.message_lt),
    "between": _RANGE.message_all.format(
        min_op=_RANGE.message_gte, max_op=_RANGE.message_lte
    ),
}

CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _pattern(template):
    """A regex matching `template` formatted, capturing each {name}."""
    escaped = re.escape(template)
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.*)", escaped) + "$")


# Longest first: "Must be … {min} and … {max}." before "Must be … {min}.".
PATTERNS = [
    (code, _pattern(template))
    for code, template in sorted(MARSHMALLOW.items(), key=lambda i: -len(i[1]))
]


def detail_of(message):
    """The detail of one marshmallow (or already coded) field message."""
    if isinstance(message, dict) or CODE.match(str(message)):
        return message
    for code, pattern in PATTERNS:
        found = pattern.match(str(message))
        if found:
            return detail(code, **found.groupdict())
    return str(message)
