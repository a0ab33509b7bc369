"""Shapes every area shares: the error body, pages, simple status answers."""

from marshmallow import Schema, fields


class Resource(Schema):
    """Base of every answer: no `unknown` rule, so the document leaves it open."""


def Nullable(field_class, *args, **kwargs):  # noqa: N802 - reads as a field type
    """A field that is always sent but may be null."""
    return field_class(*args, required=True, allow_none=True, **kwargs)


def Sent(field_class, *args, **kwargs):  # noqa: N802
    """A field that is always sent and never null."""
    return field_class(*args, required=True, **kwargs)


def page_of(item, name):
    """`{items: [item], total}`: every list the API answers."""
    page = Resource.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(
                required=True, metadata={"description": "Items in the whole list."}
            ),
        },
        name=name,
    )
    page.__module__ = item.__module__
    return page


class DetailCode(Resource):
    """One field problem for programs: a stable code and params, or a plain value."""

    code = fields.String(metadata={"description": "Stable detail code (required…)."})
    params = fields.Dict(metadata={"description": "The code's parameters (max…)."})
    value = fields.String(metadata={"description": "A detail that has no code."})


class ErrorDetail(Resource):
    code = Sent(
        fields.String,
        metadata={"description": "Stable code (VALIDATION_ERROR, DOSSIER_NOT_FOUND…)."},
    )
    message = Sent(fields.String, metadata={"description": "In Accept-Language."})
    params = Sent(
        fields.Dict,
        metadata={"description": "The message's parameters (successor, max…)."},
    )
    details = Sent(
        fields.Dict,
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Field (dotted path: form.child_name, documents.to_khai, "
            "q, Accept-Language…) → messages; empty when no field is at fault."
        },
    )
    detail_codes = Sent(
        fields.Dict,
        keys=fields.String(),
        values=fields.List(fields.Nested(DetailCode)),
        metadata={"description": "The same details as codes and params."},
    )


class Error(Resource):
    """The one error body of every failure."""

    error = Sent(fields.Nested, ErrorDetail)


class StatusAnswer(Resource):
    """`{status}`: an accepted request whose effect is not shown (e-mail sent…)."""

    status = Sent(fields.String)


EXAMPLES = {
    "Error": {
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "Dữ liệu không hợp lệ",
            "details": {
                "national_id": ["Số định danh cá nhân phải gồm 12 chữ số."],
                "form.child_name": ["Trường này là bắt buộc."],
            },
            "params": {},
            "detail_codes": {
                "national_id": [{"code": "invalid_national_id", "params": {}}],
                "form.child_name": [{"code": "required", "params": {}}],
            },
        }
    }
}
