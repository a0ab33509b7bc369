"""Input schemas of the dossiers service's RPCs (unknown fields are refused)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.errors import detail
from services.shared.schemas import BaseSchema

from . import domain, forms

Str = fields.String
CODE = validate.Regexp(r"^[A-Za-z0-9._-]{1,64}$")
USER_ID = validate.Length(max=64)  # the width of tasks.assignee
ROW_ID = validate.Range(1, 2**31 - 1)  # a PostgreSQL integer key


class FieldDef(BaseSchema):
    name = Str(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$"))
    label = Str(required=True, validate=validate.Length(1, 300))
    label_en = Str()
    type = Str(required=True, validate=validate.OneOf(forms.FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    options = fields.List(Str())
    max_length = fields.Integer(validate=validate.Range(1, 100_000))
    min = fields.Float()
    max = fields.Float()


class FormDef(BaseSchema):
    fields = fields.List(fields.Nested(FieldDef), load_default=list)


class DocumentDef(BaseSchema):
    slot = Str(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$"))
    name = Str(required=True)
    required = fields.Boolean(load_default=False)
    accept = fields.List(Str(), load_default=list)
    max_count = fields.Integer(load_default=10, validate=validate.Range(1, 100))


class Template(BaseSchema):
    name = Str(required=True)
    file_id = Str()
    url = Str()


# A procedure's level of online service (1 information ... 4 full service online).
LEVEL = validate.Range(1, 4)


class ProcedureSchema(BaseSchema):
    code = Str(required=True, validate=CODE)
    province = Str(validate=validate.Length(2, 8))
    name = Str(required=True, validate=validate.Length(1, 1000))
    name_en = Str()
    level = fields.Integer(required=True, validate=LEVEL)
    processing_days = fields.Integer(required=True, validate=validate.Range(0, 365))
    after_15h_next_working_day = fields.Boolean(load_default=False)
    fee = fields.Integer(allow_none=True, load_default=None)
    agencies = fields.List(Str(validate=CODE), load_default=list)
    legal_basis = fields.List(Str(), load_default=list)
    steps = fields.List(Str(), load_default=list)
    form = fields.Nested(FormDef, load_default=lambda: {"fields": []})
    documents = fields.List(fields.Nested(DocumentDef), load_default=list)
    templates = fields.List(fields.Nested(Template), load_default=list)
    # working days per workflow step, e.g. {reception: 1, processing: 5, approval: 1}
    step_limits = fields.Dict(
        keys=Str(validate=validate.OneOf(domain.STEPS)),
        values=fields.Integer(validate=validate.Range(0, 365)),
        load_default=dict,
    )


class HolidaySchema(BaseSchema):
    date = fields.Date(required=True)
    name = Str(required=True, validate=validate.Length(1, 300))


class HolidaysSchema(BaseSchema):
    holidays = fields.List(fields.Nested(HolidaySchema), required=True)


class CreateDossierSchema(BaseSchema):
    procedure = Str(required=True, validate=CODE)
    agency = Str(required=True, validate=CODE)
    province = Str(validate=validate.Length(2, 8))
    form = fields.Dict(load_default=dict)


class PatchDossierSchema(BaseSchema):
    form = fields.Dict(required=True)
    expected_version = fields.Integer()


NATIONAL_ID = validate.Regexp(r"^[0-9]{12}$", error=detail("invalid_national_id"))
TAX_CODE = validate.Regexp(r"^[0-9]{10}(-[0-9]{3})?$", error=detail("invalid_tax_code"))
PHONE = validate.Regexp(r"^\+?[0-9 .-]{8,20}$", error=detail("invalid_phone"))


class ApplicantSchema(BaseSchema):
    """Who brought a paper dossier, as the desk reads it from their papers.

    No account id: the dossier belongs to nobody until the applicant claims it.
    """

    full_name = Str(required=True, validate=validate.Length(1, 200))
    email = fields.Email(load_default=None, allow_none=True)
    phone = Str(load_default=None, allow_none=True, validate=PHONE)
    kind = Str(load_default="citizen", validate=validate.OneOf(["citizen", "business"]))
    national_id = Str(load_default=None, allow_none=True, validate=NATIONAL_ID)
    tax_code = Str(load_default=None, allow_none=True, validate=TAX_CODE)

    @validates_schema
    def identified_and_reachable(self, data, **kwargs):
        needed = "tax_code" if data.get("kind") == "business" else "national_id"
        errors = {}
        if not data.get(needed):
            errors[needed] = ["required"]
        if not (data.get("email") or data.get("phone")):
            errors["email"] = [detail("email_or_phone_required")]
        if errors:
            raise ValidationError(errors)


class ClaimSchema(BaseSchema):
    """A receipt number with the applicant's national ID (or tax code) or the code."""

    receipt_number = Str(required=True, validate=validate.Length(3, 96))
    national_id = Str(
        load_default=None, allow_none=True, validate=validate.Length(1, 20)
    )
    access_code = Str(
        load_default=None, allow_none=True, validate=validate.Length(1, 20)
    )

    @validates_schema
    def one_proof(self, data, **kwargs):
        if bool(data.get("national_id")) == bool(data.get("access_code")):
            raise ValidationError([detail("national_id_or_access_code")], "national_id")


class PaperDossierSchema(BaseSchema):
    procedure = Str(required=True, validate=CODE)
    applicant = fields.Nested(ApplicantSchema, required=True)
    department = Str(required=True, validate=CODE)
    form = fields.Dict(load_default=dict)
    note = Str(load_default=None, allow_none=True)


class ActSchema(BaseSchema):
    action = Str(required=True, validate=validate.OneOf(domain.ACTIONS))
    note = Str(load_default=None, allow_none=True, validate=validate.Length(0, 5000))
    reason = Str(load_default=None, allow_none=True, validate=validate.Length(0, 5000))
    # staff may address a note to the applicant; otherwise it stays internal
    note_public = fields.Boolean(load_default=None, allow_none=True)
    department = Str(load_default=None, allow_none=True, validate=CODE)
    assignee = Str(load_default=None, allow_none=True, validate=USER_ID)
    expected_version = fields.Integer(load_default=None, allow_none=True)


class CommentSchema(BaseSchema):
    body = Str(required=True, validate=validate.Length(1, 20_000))
    # unset: the applicant's comments are public, staff's internal (safe default)
    internal = fields.Boolean(load_default=None, allow_none=True)
    task_id = fields.Integer(load_default=None, allow_none=True, validate=ROW_ID)
    file_ids = fields.List(Str(), load_default=list)


class TaskSchema(BaseSchema):
    title = Str(required=True, validate=validate.Length(1, 500))
    assignee = Str(load_default=None, allow_none=True, validate=USER_ID)
    due_date = fields.Date(load_default=None, allow_none=True)


class TaskPatchSchema(BaseSchema):
    title = Str(validate=validate.Length(1, 500))
    assignee = Str(allow_none=True, validate=USER_ID)
    due_date = fields.Date(allow_none=True)
    status = Str(validate=validate.OneOf(["open", "done", "cancelled"]))


class ProcedureQuery(BaseSchema):
    """The filters of a procedure list (an empty one is no filter)."""

    province = Str()
    agency = Str()
    q = Str()
    level = fields.Integer(validate=LEVEL)


class ListFilters(BaseSchema):
    status = Str()
    procedure = Str()
    agency = Str()
    department = Str()
    province = Str()
    assignee = Str()
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(1, 200))


class StatsQuery(BaseSchema):
    group_by = Str(
        load_default="status",
        validate=validate.OneOf(
            ["status", "procedure", "agency", "department", "deadline_state", "month"]
        ),
    )
    province = Str()
    agency = Str()
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class MyStatsQuery(BaseSchema):
    date_from = fields.Date(data_key="from")


class ApplicantsQuery(BaseSchema):
    procedure = Str(required=True, validate=CODE)
    date_from = fields.Date(load_default=None, allow_none=True)
    date_to = fields.Date(load_default=None, allow_none=True)
