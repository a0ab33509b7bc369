"""The building blocks of every contract: the caller, the event envelope, a method.

A `Method` names an RPC's arguments in their order, each a marshmallow field, and its
result schema (or None). The same `Method` loads the arguments on the serving side
(`services/shared/entrypoint.py`) and dumps them on the calling side
(`services/shared/peers.py`, `gateway/rpc.py`), so both sides read one definition.
"""

from marshmallow import ValidationError as MarshmallowError
from marshmallow import fields, validate

from services.shared.errors import Unauthenticated, ValidationFailed
from services.shared.schemas import BaseSchema, flatten

Str = fields.String


class Caller(BaseSchema):
    """Who is calling: what `services/shared/caller.py` loads on every RPC."""

    user_id = Str(load_default=None, allow_none=True)
    kind = Str(load_default="anonymous")
    roles = fields.List(Str(), load_default=list)
    province = Str(load_default=None, allow_none=True)
    agency = Str(load_default=None, allow_none=True)
    department = Str(load_default=None, allow_none=True)
    scopes = fields.List(Str(), load_default=list)
    full_name = Str(load_default=None, allow_none=True)
    email = Str(load_default=None, allow_none=True)
    request_id = Str(load_default=None, allow_none=True)


class Envelope(BaseSchema):
    """What the outbox adds to every event payload (`services/shared/outbox.py`)."""

    event_id = Str(required=True, validate=validate.Length(1, 36))
    occurred_at = fields.DateTime(required=True)
    province = Str(allow_none=True, load_default=None)
    request_id = Str(allow_none=True, load_default=None)


class Status(BaseSchema):
    """An answer that only says what happened: {status}."""

    status = Str(required=True)


class IdStatus(BaseSchema):
    """An answer naming the record and its new state: {id, status}."""

    id = Str(required=True)
    status = Str(required=True)


class Health(BaseSchema):
    """{component: state} of one instance; free-form by nature."""

    class Meta:
        unknown = "include"


# --- argument fields -----------------------------------------------------------------
def caller():
    """The caller argument (None stands for the anonymous caller)."""
    return fields.Nested(Caller, required=True, allow_none=True)


class Body(fields.Nested):
    """A request body: a JSON object at the boundary, loaded with its schema by the
    method itself once it has checked who may call it — so a caller without the
    right gets 403 whatever it sent, never a 422 that describes the body first. The
    schema stays named here (documents, generated payloads, the handler's load)."""

    default_error_messages = {"type": "Invalid input type."}

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, dict):
            raise self.make_error("type")
        return value


def body(schema, required=True):
    """A request body; its field errors are reported as the body's own (`email`)."""
    return Body(
        schema, required=required, allow_none=not required, metadata={"body": True}
    )


def text(required=True, **kw):
    """A short text argument (an id, a code, a token)."""
    return Str(required=required, allow_none=not required, **kw)


def opt(field):
    """An optional argument: absent or None keeps the method's own default."""
    field.required = False
    field.allow_none = True
    return field


def free(required=False):
    """A free-form dict the method validates itself (its own error codes)."""
    return fields.Dict(required=required, allow_none=not required)


def many(schema):
    """A list of records each matching `schema`."""
    return fields.List(fields.Nested(schema))


class Method:
    """One RPC: its arguments (in order) and its result schema."""

    def __init__(self, result=None, refusal=ValidationFailed, **params):
        self.refusal = refusal
        self.params = tuple(params)
        self.fields = params
        self.result = result
        self.bodies = {n for n, f in params.items() if f.metadata.get("body")}
        self.schema = BaseSchema.from_dict(dict(params), name="Arguments")()
        self.name = self.service = None

    def __repr__(self):
        return f"<Method {self.service}.{self.name}({', '.join(self.params)})>"

    def arguments(self, args, kwargs):
        """Name the positional arguments; refuse too many (a caller's bug)."""
        if len(args) > len(self.params):
            raise TypeError(f"{self.name}() takes {len(self.params)} arguments")
        named = dict(zip(self.params, args, strict=False))
        twice = set(named) & set(kwargs)
        if twice:
            raise TypeError(f"{self.name}() got {sorted(twice)} twice")
        return named | kwargs

    def load(self, arguments):
        """Load named arguments; 422 VALIDATION_ERROR with field details if refused."""
        try:
            return self.schema.load(arguments)
        except MarshmallowError as exc:
            raise self._refusal(exc.messages) from None

    def dump(self, args, kwargs):
        """The keyword arguments to send: loaded (refused like the server would),
        then dumped with the same schema, so the server loads the same values."""
        return self.schema.dump(self.load(self.arguments(args, kwargs)))

    def result_errors(self, result):
        """Field errors of a result against `result` ({} when none is declared)."""
        if self.result is None:
            return {}
        schema = self._result_schema()
        if isinstance(result, list):
            return schema.validate(result, many=True)
        if not isinstance(result, dict):
            return {"_schema": ["Invalid result type."]}
        return schema.validate(result)

    def _result_schema(self):
        # built once: a schema instance copies its declared fields (every answer
        # of every method was checked with a new one)
        if getattr(self, "_result", None) is None:
            result = self.result
            self._result = result() if isinstance(result, type) else result
        return self._result

    def _refusal(self, messages):
        if "caller" in messages:
            return Unauthenticated("Invalid caller")
        details = {}
        for name, problems in messages.items():
            head, _, rest = name.partition(".")
            if name in self.bodies and isinstance(problems, dict):
                details.update(flatten(problems))
            elif head in self.bodies and rest:  # the text guard's dotted paths
                details.update(flatten({rest: problems}))
            else:
                details.update(flatten({name: problems}))
        return self.refusal("Invalid input", details)


def table(service, **methods):
    """Name each Method of a service's RPC table."""
    for name, method in methods.items():
        method.name, method.service = name, service
    return methods
