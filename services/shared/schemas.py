"""The marshmallow base every payload schema extends, and one way to load input.

Every schema refuses unknown fields and text that may not be stored (see
`services/shared/text.py`): before loading, the whole input is walked, dicts of free
form values included, and any NUL, lone surrogate or over-long string is refused
with its dotted path. A String field without its own Length validator gets
DEFAULT_MAX characters, a free-form Dict's strings MAX_TEXT each, and page numbers
and sizes are bounded wherever a schema names them.
"""

import functools

from marshmallow import RAISE, Schema, fields, pre_load, validate
from marshmallow import ValidationError as MarshmallowError

from .details import detail_of
from .errors import ValidationFailed
from .text import MAX_TEXT, find_bad_text

# A String field's length when its schema gives none (names, codes, notes).
DEFAULT_MAX = 20_000
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500


def _has_length(field):
    return any(isinstance(v, validate.Length) for v in field.validators)


def _free_form_ok(value):
    """Bound the strings of a free-form dict (a dossier's form values)."""
    problems = find_bad_text(value, limit=MAX_TEXT)
    if problems:
        raise MarshmallowError(problems)


def _bound(field):
    """Give String fields (also inside List and Dict) a default maximum length."""
    if isinstance(field, fields.String) and not _has_length(field):
        field.validators.append(validate.Length(max=DEFAULT_MAX))
    if isinstance(field, fields.Dict) and field.value_field is None:
        field.validators.append(_free_form_ok)
    for inner in (
        getattr(field, "inner", None),
        getattr(field, "key_field", None),
        getattr(field, "value_field", None),
    ):
        if inner is not None:
            _bound(inner)


def _bound_page(name, field):
    """Keep page numbers and sizes in a range a database can count to."""
    if not isinstance(field, fields.Integer) or name not in ("page", "page_size"):
        return
    ranges = [v for v in field.validators if isinstance(v, validate.Range)]
    if not any(r.max is not None for r in ranges):
        top = MAX_PAGE if name == "page" else MAX_PAGE_SIZE
        field.validators.append(validate.Range(1, top))


class BaseSchema(Schema):
    """Refuse unknown fields and unstorable text; every schema derives from this."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name, field_obj):
        """Bound every String field's length and every page number."""
        _bound(field_obj)
        _bound_page(field_name, field_obj)

    # set on a schema nested in another: its input is part of the parent's, walked
    # by the parent's `refuse_bad_text` already (walking it again at every level
    # was a fifth of the cost of reading a dossier event)
    _walked_by_parent = False
    _children_marked = False

    @pre_load
    def refuse_bad_text(self, data, **kwargs):
        """Refuse NUL and lone surrogates anywhere in the input (lengths: per field)."""
        if not self._children_marked:
            for field in self.load_fields.values():
                _mark_nested(field)
            self._children_marked = True
        if self._walked_by_parent:
            return data
        problems = find_bad_text(data, limit=None)
        if problems:
            raise MarshmallowError(problems)
        return data


def _mark_nested(field):
    """Mark the schemas nested in `field` (also in a List or Dict) as walked by the
    schema that holds it (each Nested field has its own schema instance)."""
    if isinstance(field, fields.Nested):
        if isinstance(field.schema, BaseSchema):
            field.schema._walked_by_parent = True
        return
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if inner is not None:
            _mark_nested(inner)


@functools.cache
def instance(schema_class):
    """One instance of a schema class per process: building one copies its declared
    fields (and binds their bounds), which cost more than many a load; loading keeps
    no state on the instance, so every worker shares it."""
    return schema_class()


def load(schema, data, partial=False):
    """Load `data` with `schema` (an instance, or a class: its shared `instance`) or
    raise ValidationFailed with field details."""
    if isinstance(schema, type):
        schema = instance(schema)
    if not isinstance(data, dict):
        raise ValidationFailed("Invalid payload", {"_schema": ["invalid_type"]})
    try:
        return schema.load(data, partial=partial)
    except MarshmallowError as exc:
        raise ValidationFailed("Invalid input", flatten(exc.messages)) from None


def flatten(messages, prefix=""):
    """Turn nested marshmallow messages into {"a.b": [detail codes]}."""
    flat = {}
    if isinstance(messages, list | str):
        return {prefix or "_schema": _details(messages)}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and "code" not in value:
            flat.update(flatten(value, name))
        else:
            flat[name] = _details(value)
    return flat


def _details(messages):
    items = messages if isinstance(messages, list) else [messages]
    return [detail_of(m) for m in items]
