"""Input schemas of the accounts RPCs (marshmallow, unknown fields refused)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.errors import detail
from services.shared.permissions import CLIENT_SCOPES
from services.shared.schemas import BaseSchema

from . import domain

LANGS = validate.OneOf(("vi", "en"))
CODE = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", error=detail("invalid_code")
)
PROVINCE = validate.Regexp(r"^\d{2}$", error=detail("invalid_province_code"))


def rule(check):
    """Turn a domain check (None or message) into a marshmallow validator."""

    def validator(value):
        message = check(value)
        if message:
            raise ValidationError(message)

    return validator


def text(maximum, required=True, **kw):
    return fields.String(required=required, validate=validate.Length(1, maximum), **kw)


class RegisterSchema(BaseSchema):
    kind = fields.String(
        required=True, validate=validate.OneOf(("citizen", "business"))
    )
    full_name = text(200)
    email = fields.String(required=True, validate=rule(domain.email_error))
    phone = fields.String(required=True, validate=rule(domain.phone_error))
    password = fields.String(required=True, validate=rule(domain.password_error))
    national_id = fields.String(validate=rule(domain.national_id_error))
    tax_code = fields.String(validate=rule(domain.tax_code_error))
    business_name = text(255, required=False)
    address = text(500, required=False)
    province = fields.String(required=True, validate=PROVINCE)
    lang = fields.String(load_default="vi", validate=LANGS)

    @validates_schema
    def fields_of_kind(self, data, **kwargs):
        needed = {
            "citizen": ("national_id",),
            "business": ("tax_code", "business_name", "address"),
        }.get(data.get("kind"), ())
        missing = {n: ["required"] for n in needed}
        missing = {n: m for n, m in missing.items() if not data.get(n)}
        if missing:
            raise ValidationError(missing)


class ProfileSchema(BaseSchema):
    full_name = text(200, required=False)
    phone = fields.String(validate=rule(domain.phone_error))
    address = text(500, required=False)
    lang = fields.String(validate=LANGS)
    business_name = text(255, required=False)


class EmailSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254))


class ResetSchema(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(1, 200))
    password = fields.String(required=True, validate=rule(domain.password_error))


class LoginSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class ProvinceSchema(BaseSchema):
    code = fields.String(required=True, validate=PROVINCE)
    name = text(120)
    name_en = text(120, required=False)
    kind = fields.String(
        load_default="province", validate=validate.OneOf(("province", "city"))
    )


class AgencySchema(BaseSchema):
    code = fields.String(required=True, validate=CODE)
    name = text(255)
    province = fields.String(required=True, validate=PROVINCE)
    valid_from = fields.Date()
    replaces = fields.String(validate=CODE)


class DepartmentSchema(BaseSchema):
    code = fields.String(required=True, validate=CODE)
    name = text(255)
    agency = fields.String(required=True, validate=CODE)


class StaffSchema(BaseSchema):
    email = fields.String(required=True, validate=rule(domain.email_error))
    full_name = text(200)
    password = fields.String(validate=rule(domain.password_error))
    role = fields.String(
        required=True, validate=validate.OneOf(domain.STAFF_ROLES + ("operator",))
    )
    agency = fields.String(validate=CODE)
    department = fields.String(validate=CODE)
    province = fields.String(validate=PROVINCE)
    phone = fields.String(validate=rule(domain.phone_error))
    lang = fields.String(load_default="vi", validate=LANGS)


class ApiClientSchema(BaseSchema):
    name = text(200)
    scopes = fields.List(
        fields.String(validate=validate.OneOf(CLIENT_SCOPES)),
        required=True,
        validate=validate.Length(min=1),
    )
    province = fields.String(validate=PROVINCE)
    agency = fields.String(validate=CODE)


class PageSchema(BaseSchema):
    """A page of a list (BaseSchema bounds both numbers)."""

    page = fields.Integer(load_default=1)
    page_size = fields.Integer(load_default=50)
