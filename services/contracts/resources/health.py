"""Liveness and readiness answers."""

from marshmallow import fields, validate

from .common import Resource, Sent


class Liveness(Resource):
    status = Sent(fields.String, validate=validate.OneOf(["ok"]))


class Readiness(Resource):
    status = Sent(fields.String, validate=validate.OneOf(["ok", "unavailable"]))
    checks = Sent(
        fields.Dict,
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Each service and component → `ok` or `error: <code>`."
        },
    )
