"""The marshmallow base every payload schema extends, and one way to load input."""

from marshmallow import RAISE, Schema
from marshmallow import ValidationError as MarshmallowError

from .errors import ValidationFailed


class BaseSchema(Schema):
    """Refuse unknown fields; every schema of the project derives from this."""

    class Meta:
        unknown = RAISE


def load(schema, data, partial=False):
    """Load `data` with `schema` or raise ValidationFailed with field details."""
    if not isinstance(data, dict):
        raise ValidationFailed("Invalid payload", {"_schema": ["Invalid input type."]})
    try:
        return schema.load(data, partial=partial)
    except MarshmallowError as exc:
        raise ValidationFailed("Invalid input", _flatten(exc.messages)) from None


def _flatten(messages, prefix=""):
    """Turn nested marshmallow messages into {"a.b": [msgs]}."""
    flat = {}
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = [str(m) for m in value]
    return flat
