"""Payload schemas of the notify RPCs."""

from marshmallow import fields, validate

from services.shared.schemas import BaseSchema

from .domain import LANGS

# An uploaded recipient list (the gateway reads at most 5 MiB of CSV).
CSV_MAX = 5 * 1024 * 1024


class TemplateSchema(BaseSchema):
    key = fields.String(required=True, validate=validate.Length(1, 60))
    lang = fields.String(load_default="vi", validate=validate.OneOf(LANGS))
    province = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(2, 8)
    )
    source = fields.String(required=True, validate=validate.Length(1, 100_000))


class CriteriaSchema(BaseSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("department_staff", "procedure_applicants")),
    )
    agency = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=40)
    )
    department = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=40)
    )
    role = fields.String(load_default=None, allow_none=True)
    procedure = fields.String(load_default=None, allow_none=True)
    date_from = fields.Date(load_default=None, allow_none=True, data_key="from")
    date_to = fields.Date(load_default=None, allow_none=True, data_key="to")


class BulkSchema(BaseSchema):
    subject = fields.String(required=True, validate=validate.Length(1, 250))
    body = fields.String(required=True, validate=validate.Length(1, 50_000))
    attachments = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=10)
    )
    csv = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=CSV_MAX)
    )
    criteria = fields.Nested(CriteriaSchema, load_default=None, allow_none=True)
    rate = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=10_000)
    )
    lang = fields.String(load_default="vi", validate=validate.OneOf(LANGS))


class PageSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    status = fields.String(load_default=None, allow_none=True)
