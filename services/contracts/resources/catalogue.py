"""The procedure catalogue and the holiday calendars."""

from marshmallow import fields, validate

from services.shared.profile import PROFILE_KEYS

from .common import Nullable, Resource, Sent, page_of

FIELD_TYPES = ("text", "textarea", "number", "date", "select", "checkbox")


class FormField(Resource):
    name = Sent(fields.String)
    label = Sent(fields.String)
    label_en = fields.String(allow_none=True)
    type = Sent(fields.String, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean()
    options = fields.List(fields.String())
    max_length = fields.Integer()
    min = fields.Float()
    max = fields.Float()
    profile = fields.String(
        validate=validate.OneOf(tuple(PROFILE_KEYS)),
        metadata={"description": "The applicant's profile value that prefills it."},
    )


class Form(Resource):
    value_field = fields.String(
        metadata={"description": "The number field that is the dossier's value."}
    )
    fields = Sent(fields.List, fields.Nested(FormField))


class RequiredDocument(Resource):
    slot = Sent(fields.String)
    name = Sent(fields.String)
    required = fields.Boolean()
    accept = fields.List(fields.String(), metadata={"description": "MIME types."})
    max_count = fields.Integer()


class ProcedureTemplate(Resource):
    name = Sent(fields.String)
    file_id = fields.String()
    url = fields.String()


class Procedure(Resource):
    """A procedure's published version (a dossier keeps the one it was filed under)."""

    code = Sent(fields.String)
    province = Nullable(fields.String)
    name = Sent(fields.String)
    name_en = Nullable(fields.String)
    level = Sent(fields.Integer, validate=validate.Range(1, 4))
    processing_days = Sent(fields.Integer, metadata={"description": "Working days."})
    after_15h_next_working_day = Sent(fields.Boolean)
    fee = Nullable(fields.Integer, metadata={"description": "VND."})
    fee_rule = Nullable(
        fields.Dict,
        metadata={
            "description": "Paid online (level 4): {kind: none|fixed|by_field, "
            "amount?, field?, amounts?, due: submission|result}."
        },
    )
    agencies = Sent(fields.List, fields.String())
    legal_basis = Sent(fields.List, fields.String())
    steps = Sent(fields.List, fields.String())
    form = Sent(fields.Nested, Form)
    documents = Sent(fields.List, fields.Nested(RequiredDocument))
    templates = Sent(fields.List, fields.Nested(ProcedureTemplate))
    step_limits = Sent(fields.Dict, keys=fields.String(), values=fields.Integer())
    received_elsewhere = fields.Boolean(
        metadata={
            "description": "A desk of another agency, any province, may "
            "receive it and transfer it to the resolving agency."
        }
    )
    version = Sent(fields.Integer)
    version_id = Sent(fields.Integer)
    published_at = Nullable(fields.DateTime)
    withdrawn_at = fields.DateTime(
        metadata={"description": "Only for a procedure no longer offered (a "
                  "withdrawal's answer, its managers' reads): since when."}
    )  # fmt: skip


class Holiday(Resource):
    date = Sent(fields.Date)
    name = Sent(fields.String)


ProcedurePage = page_of(Procedure, "ProcedurePage")
HolidayPage = page_of(Holiday, "HolidayPage")

EXAMPLES = {
    "Procedure": {
        "code": "1.001193",
        "province": "01",
        "name": "Đăng ký khai sinh",
        "name_en": "Birth registration",
        "level": 4,
        "processing_days": 3,
        "after_15h_next_working_day": True,
        "fee": 8000,
        "fee_rule": {"kind": "fixed", "amount": 8000, "due": "submission"},
        "agencies": ["000.00.01.H26"],
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
        "steps": ["Nộp tờ khai và giấy chứng sinh", "Nhận kết quả"],
        "form": {
            "fields": [
                {
                    "name": "child_name",
                    "label": "Họ tên trẻ",
                    "type": "text",
                    "required": True,
                },
                {
                    "name": "born",
                    "label": "Ngày sinh",
                    "type": "date",
                    "required": True,
                },
            ]
        },
        "documents": [
            {
                "slot": "giay_chung_sinh",
                "name": "Giấy chứng sinh",
                "required": True,
                "accept": ["application/pdf", "image/jpeg"],
                "max_count": 5,
            }
        ],
        "templates": [{"name": "Tờ khai đăng ký khai sinh"}],
        "step_limits": {"reception": 1, "processing": 1, "approval": 1},
        "version": 2,
        "version_id": 7,
        "published_at": "2026-11-20T08:30:00+07:00",
    }
}
