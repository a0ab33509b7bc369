"""The dossiers service's contract: its RPC methods with their arguments and results,
and the events it emits. Every event carries `dossier` (the index snapshot of
`services/dossiers/store.py`) and `version` (the dossier's integer version).
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.dossiers import domain, forms
from services.dossiers.payments import fees, states
from services.shared.errors import detail
from services.shared.profile import PROFILE_KEYS
from services.shared.schemas import BaseSchema

from .accounts import PROVINCE  # the code rule is accounts', which owns provinces
from .base import (
    Body,
    Envelope,
    Health,
    Method,
    body,
    caller,
    free,
    opt,
    table,
    text,
)
from .resources import accounts as accounts_res
from .resources import catalogue
from .resources import dossiers as res

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
    # the applicant's profile value that prefills it (services/shared/profile.py)
    profile = Str(validate=validate.OneOf(tuple(PROFILE_KEYS)))


class FormDef(BaseSchema):
    fields = fields.List(fields.Nested(FieldDef), load_default=list)
    # the number field that is the dossier's value (lists sort by it), e.g. the
    # declared value of a property
    value_field = Str(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$"))

    @validates_schema
    def value_field_is_a_number(self, data, **kwargs):
        name = data.get("value_field")
        numbers = {f["name"] for f in data.get("fields", ()) if f["type"] == "number"}
        if name and name not in numbers:
            raise ValidationError(detail("not_a_number_field"), "value_field")


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


class FeeRule(BaseSchema):
    """What a dossier pays online and when (services/dossiers/payments/fees.py)."""

    kind = Str(required=True, validate=validate.OneOf(fees.KINDS))
    amount = fields.Integer(validate=validate.Range(1, fees.MAX_AMOUNT))
    field = Str(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$"))
    amounts = fields.Dict(
        keys=Str(validate=validate.Length(1, 300)),
        values=fields.Integer(validate=validate.Range(1, fees.MAX_AMOUNT)),
    )
    due = Str(load_default="submission", validate=validate.OneOf(fees.DUE))


# A procedure's level of online service (1 information ... 4 full service online).
LEVEL = validate.Range(1, 4)


class ProcedureSchema(BaseSchema):
    code = Str(required=True, validate=CODE)
    province = Str(validate=PROVINCE)
    name = Str(required=True, validate=validate.Length(1, 1000))
    name_en = Str()
    level = fields.Integer(required=True, validate=LEVEL)
    processing_days = fields.Integer(required=True, validate=validate.Range(0, 365))
    after_15h_next_working_day = fields.Boolean(load_default=False)
    fee = fields.Integer(allow_none=True, load_default=None)
    fee_rule = fields.Nested(FeeRule, allow_none=True, load_default=None)
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
    # whether a desk of another agency (any province) may receive and transfer it
    received_elsewhere = fields.Boolean(load_default=True)

    @validates_schema
    def fee_rule_fits_the_form(self, data, **kwargs):
        rule = data.get("fee_rule")
        errors = fees.rule_errors(rule, (data.get("form") or {}).get("fields"))
        if errors:
            raise ValidationError(errors)


class HolidaySchema(BaseSchema):
    date = fields.Date(required=True)
    name = Str(required=True, validate=validate.Length(1, 300))


class HolidaysSchema(BaseSchema):
    holidays = fields.List(fields.Nested(HolidaySchema), required=True)


class CreateDossierSchema(BaseSchema):
    procedure = Str(required=True, validate=CODE)
    # the resolving agency; its province is the procedure's
    agency = Str(required=True, validate=CODE)
    province = Str(validate=PROVINCE)
    # the one-stop desk (any province) that receives it and hands the result back;
    # none: the resolving agency's own
    receiving_agency = Str(load_default=None, allow_none=True, validate=CODE)
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
    # the resolving agency and its province when it is not the desk's own agency:
    # the desk receives the dossier and transfers it there
    agency = Str(load_default=None, allow_none=True, validate=CODE)
    province = Str(load_default=None, allow_none=True, validate=PROVINCE)
    # the desk's own department (required unless the dossier is transferred: the
    # resolving agency's desk names its department when it accepts it)
    department = Str(load_default=None, allow_none=True, validate=CODE)
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
    # `transfer` only: another resolving agency of the procedure (the one the
    # dossier was sent to declined it)
    agency = Str(load_default=None, allow_none=True, validate=CODE)
    expected_version = fields.Integer(load_default=None, allow_none=True)


class RescheduleSchema(BaseSchema):
    """A late dossier's new date and why (the applicant reads the reason)."""

    new_date = fields.Date(required=True)
    reason = Str(required=True, validate=validate.Length(1, 5000))
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


class RefundSchema(BaseSchema):
    reason = Str(required=True, validate=validate.Length(1, 2000))


class DaySchema(BaseSchema):
    date = fields.Date(required=True)


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
    # the desk that received the dossier (`agency` resolves it)
    receiving_agency = Str()
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


# --- events ------------------------------------------------------------------------
def _none(field):
    """A payload field that is present but may be null."""
    field.allow_none = True
    field.load_default = None
    return field


class Actor(BaseSchema):
    id = _none(Str())
    full_name = _none(Str())
    role = _none(Str())


class ProcedureRef(BaseSchema):
    code = Str(required=True)
    name = Str(required=True)
    version = fields.Integer(required=True)


class ApplicantRef(BaseSchema):
    id = _none(Str())
    kind = _none(Str())
    full_name = _none(Str())
    email = _none(Str())


class Task(BaseSchema):
    id = fields.Integer(required=True)
    title = Str(required=True)
    assignee = _none(Str())
    created_by = _none(Str())
    due_date = _none(Str())
    due_state = _none(Str())
    status = Str(required=True)


class Snapshot(BaseSchema):
    """The dossier as the search index and every event sees it (no ID numbers)."""

    id = Str(required=True)
    receipt_number = _none(Str())
    province = Str(required=True)
    agency = Str(required=True)
    department = _none(Str())
    # the desk that received it (the resolving agency itself unless filed elsewhere)
    receiving_province = _none(Str())
    receiving_agency = _none(Str())
    transferred_at = _none(fields.DateTime())
    returned_at = _none(fields.DateTime())
    procedure = fields.Nested(ProcedureRef, required=True)
    applicant = fields.Nested(ApplicantRef, required=True)
    owner = _none(Str())
    status = Str(required=True)
    deadline_state = _none(Str())
    days_late = _none(fields.Integer())
    appointment_date = _none(fields.Date())
    submitted_at = _none(fields.DateTime())
    received_at = _none(fields.DateTime())
    received_by = _none(Str())
    completed_at = _none(fields.DateTime())
    updated_at = _none(fields.DateTime())
    assignees = fields.List(Str(), load_default=list)
    fee = _none(fields.Integer())
    payment_state = Str(load_default="not_due", validate=validate.OneOf(states.STATES))
    fee_amount = _none(fields.Integer())
    value = _none(fields.Float())
    form_text = _none(Str(validate=validate.Length(max=10_000_000)))
    paper = fields.Boolean(load_default=False)
    step = _none(Str())
    step_due_date = _none(fields.Date())
    step_state = _none(Str())
    result_file_id = _none(Str())
    rescheduled_date = _none(fields.Date())
    # every task of the dossier (the search index lists tasks from them)
    tasks = fields.List(fields.Nested(Task), load_default=list)
    version = fields.Integer(required=True)


class _DossierEvent(Envelope):
    dossier_id = Str(required=True)
    dossier = fields.Nested(Snapshot, required=True)
    version = fields.Integer(required=True)


class StatusChanged(_DossierEvent):
    """A move of the workflow (`from` → `to` by `action`)."""

    from_ = _none(Str(data_key="from"))
    to = Str(required=True)
    action = Str(required=True)
    actor = fields.Nested(Actor, required=True)
    note = _none(Str())
    reason = _none(Str())
    receipt_number = _none(Str())
    appointment_date = _none(Str())
    # a `transfer` to another resolving agency (after `decline_transfer`): the one
    # before; the snapshot names the new one
    previous_agency = _none(Str())


class Submitted(StatusChanged):
    """A (re)submission; `resubmission` when it answers a supplement request."""

    resubmission = fields.Boolean(load_default=False)


# Staff involved in a dossier's work (dossier and task assignees, task creators,
# staff who commented), user ids: who is told of a comment or a task change.
def _involved():
    return fields.List(Str(), load_default=list)


class Edit(BaseSchema):
    field = Str(required=True)
    old = fields.Raw(load_default=None, allow_none=True)
    new = fields.Raw(load_default=None, allow_none=True)


class Comment(BaseSchema):
    id = fields.Integer(required=True)
    body = Str(required=True)
    internal = fields.Boolean(required=True)
    author = fields.Dict(load_default=dict)
    task_id = _none(fields.Integer())
    file_ids = fields.List(Str(), load_default=list)
    at = _none(Str())


class CommentAdded(_DossierEvent):
    comment = fields.Nested(Comment, required=True)
    involved = _involved()


class TaskAssigned(_DossierEvent):
    task = fields.Nested(Task, required=True)
    actor = fields.Nested(Actor, load_default=None, allow_none=True)
    involved = _involved()


class Updated(_DossierEvent):
    """What changed (`form` field names, `owner`, `deadline_state`, `task`...)."""

    changes = fields.List(Str(), required=True)
    actor = fields.Nested(Actor, load_default=None, allow_none=True)
    # a task edit (`changes: ["task"]`): the task, its edits and who is told
    task = fields.Nested(Task, load_default=None, allow_none=True)
    edits = fields.List(fields.Nested(Edit), load_default=list)
    involved = _involved()


class Label(BaseSchema):
    vi = _none(Str())
    en = _none(Str())


class SubmissionRefused(_DossierEvent):
    """A submit answered 422 DOSSIER_INVALID (its own transaction; unchanged)."""

    problems = fields.Dict(keys=Str(), values=fields.List(Str()), required=True)
    labels = fields.Dict(keys=Str(), values=fields.Nested(Label), load_default=dict)
    actor = fields.Nested(Actor, required=True)


class PaymentRef(BaseSchema):
    ref = Str(required=True)
    amount = fields.Integer(required=True)
    currency = Str(required=True)
    state = Str(required=True)
    provider = Str(required=True)
    provider_txn = _none(Str())
    created_at = Str(required=True)
    paid_at = _none(Str())
    refunded_at = _none(Str())


class PaymentStateChanged(_DossierEvent):
    """The dossier's payment state moved (`from` → `to`); `payment` when a payment
    at the provider moved it."""

    from_ = Str(required=True, data_key="from")
    to = Str(required=True, validate=validate.OneOf(states.STATES))
    actor = fields.Nested(Actor, required=True)
    amount = _none(fields.Integer())
    payment = fields.Nested(PaymentRef, load_default=None, allow_none=True)


class IndexedProcedure(BaseSchema):
    """What the national catalogue index keeps of a procedure's current version
    (`catalogue.index_entry`): the event's `procedure`, `list_procedures_for_index`'s
    items."""

    code = Str(required=True)
    province = Str(required=True)
    name = Str(required=True)
    name_en = _none(Str())
    level = fields.Integer(required=True, validate=LEVEL)
    fee = _none(fields.Integer())
    agencies = fields.List(Str(validate=CODE), required=True)
    received_elsewhere = fields.Boolean(required=True)
    version = fields.Integer(required=True, validate=ROW_ID)
    # counts every change of the procedure (publish, withdrawal): the index's
    # order (an external version: positive)
    revision = fields.Integer(required=True, validate=ROW_ID)
    internal_id = fields.Integer(load_default=None)


PROCEDURE_CHANGES = ("created", "published", "withdrawn")


class ProcedureChanged(Envelope):
    """A procedure was created, had a new version published, or was withdrawn
    (`procedure` is then its last version, no longer offered)."""

    code = Str(required=True, validate=CODE)
    change = Str(required=True, validate=validate.OneOf(PROCEDURE_CHANGES))
    revision = fields.Integer(required=True, validate=ROW_ID)
    procedure = fields.Nested(IndexedProcedure, required=True)


PROCEDURE_CHANGED = "procedure_changed"


EVENTS = {
    "payment_state_changed": PaymentStateChanged,
    "dossier_submitted": Submitted,
    "dossier_status_changed": StatusChanged,
    "dossier_updated": Updated,
    "comment_added": CommentAdded,
    "task_assigned": TaskAssigned,
    "dossier_submission_refused": SubmissionRefused,
    PROCEDURE_CHANGED: ProcedureChanged,
}


# --- RPC methods ---------------------------------------------------------------------
def _id():
    return text(validate=validate.Length(1, 64))


def _code(required=False):
    field = Str(validate=validate.Length(1, 64))
    return text(validate=validate.Length(1, 64)) if required else opt(field)


class _Filter(fields.Integer):
    """An integer filter of a query string: numeric text is a number, empty is none."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":
            return None
        return super()._deserialize(value, attr, data, **kwargs)


def _number():
    """An integer argument; numeric strings are read as numbers, "" as absent."""
    return opt(_Filter())


RPC = table(
    "dossiers",
    health=Method(result=Health),
    list_procedures=Method(
        result=catalogue.Procedure,
        caller=caller(),
        province=_code(),
        agency=_code(),
        q=opt(Str(validate=validate.Length(max=200))),
        level=_number(),
        national=opt(fields.Boolean()),
    ),
    get_procedure=Method(
        result=catalogue.Procedure,
        caller=caller(),
        code=_code(True),
        province=_code(),
        withdrawn=opt(fields.Boolean()),
    ),
    # the method merges `code` in and loads ProcedureSchema itself
    create_procedure=Method(
        result=catalogue.Procedure, caller=caller(), data=body(ProcedureSchema)
    ),
    update_procedure=Method(
        result=catalogue.Procedure, caller=caller(), code=_code(True), data=free(True)
    ),
    get_holidays=Method(
        result=catalogue.Holiday,
        caller=caller(),
        province=_code(True),
        year=fields.Integer(required=True),
    ),
    put_holidays=Method(
        result=catalogue.Holiday,
        caller=caller(),
        province=_code(True),
        year=fields.Integer(required=True),
        # loaded by the method after its permission check, as a body is
        holidays=fields.List(Body(HolidaySchema), required=True),
    ),
    create_dossier=Method(
        result=res.Dossier, caller=caller(), data=body(CreateDossierSchema)
    ),
    update_dossier=Method(
        result=res.Dossier,
        caller=caller(),
        dossier_id=_id(),
        data=body(PatchDossierSchema),
    ),
    submit_dossier=Method(
        result=res.Dossier,
        caller=caller(),
        dossier_id=_id(),
        files=opt(fields.List(fields.Dict())),
        expected_version=_number(),
    ),
    # **options: the other fields of ActSchema
    act=Method(
        result=res.Dossier,
        caller=caller(),
        dossier_id=_id(),
        action=Str(required=True, validate=validate.OneOf(domain.ACTIONS)),
        note=opt(Str(validate=validate.Length(0, 5000))),
        reason=opt(Str(validate=validate.Length(0, 5000))),
        note_public=opt(fields.Boolean()),
        department=_code(),
        assignee=opt(Str(validate=USER_ID)),
        agency=_code(),
        expected_version=_number(),
    ),
    register_paper_dossier=Method(
        result=res.PaperDossier, caller=caller(), data=body(PaperDossierSchema)
    ),
    reschedule=Method(
        result=res.Dossier,
        caller=caller(),
        dossier_id=_id(),
        data=body(RescheduleSchema),
    ),
    claim_dossier=Method(result=res.Dossier, caller=caller(), data=body(ClaimSchema)),
    list_audit=Method(
        result=accounts_res.AuditPage,
        caller=caller(),
        page=_number(),
        page_size=_number(),
    ),
    get_dossier=Method(result=res.Dossier, caller=caller(), dossier_id=_id()),
    list_dossiers=Method(
        result=res.DossierPage,
        caller=caller(),
        filters=body(ListFilters, required=False),
    ),
    lookup=Method(result=res.Lookup, caller=caller(), receipt_number=text()),
    succession_report=Method(
        result=res.SuccessionMoves,
        caller=caller(),
        succession_id=text(validate=validate.Length(1, 64)),
    ),
    check_upload=Method(caller=caller(), dossier_id=_id(), slot=text()),
    history=Method(result=res.HistoryEntry, caller=caller(), dossier_id=_id()),
    add_comment=Method(
        result=res.Comment, caller=caller(), dossier_id=_id(), data=body(CommentSchema)
    ),
    list_comments=Method(
        result=res.Comment, caller=caller(), dossier_id=_id(), task_id=opt(fields.Raw())
    ),
    create_task=Method(
        result=res.Task, caller=caller(), dossier_id=_id(), data=body(TaskSchema)
    ),
    list_tasks=Method(result=res.Task, caller=caller(), dossier_id=_id()),
    update_task=Method(
        result=res.Task,
        caller=caller(),
        dossier_id=_id(),
        task_id=fields.Raw(required=True),
        data=body(TaskPatchSchema),
    ),
    list_for_index=Method(
        caller=caller(), after=_number(), limit=opt(fields.Integer())
    ),
    list_procedures_for_index=Method(
        result=IndexedProcedure,
        caller=caller(),
        after=_number(),
        limit=opt(fields.Integer()),
    ),
    withdraw_procedure=Method(
        result=catalogue.Procedure, caller=caller(), code=_code(True), province=_code()
    ),
    list_withdrawn_procedures=Method(
        result=catalogue.Procedure, caller=caller(), province=_code()
    ),
    my_stats=Method(
        result=res.MyWork, caller=caller(), query=body(MyStatsQuery, required=False)
    ),
    # **query: the other fields of StatsQuery ("from" and "to" as sent)
    stats=Method(
        caller=caller(),
        group_by=opt(Str()),
        province=opt(Str()),
        agency=opt(Str()),
        **{"from": opt(Str()), "to": opt(Str())},
    ),
    sweep_deadlines=Method(caller=caller()),
    list_applicants=Method(
        caller=caller(),
        procedure=_code(),
        date_from=opt(fields.Date()),
        date_to=opt(fields.Date()),
    ),
    list_due_work=Method(caller=caller(), within_days=_number()),
    # --- fees paid online (services/dossiers/payments) ---
    start_payment=Method(
        result=res.PaymentStarted,
        caller=caller(),
        dossier_id=_id(),
        client_ip=opt(Str(validate=validate.Length(max=64))),
    ),
    # the provider's callback and the browser's return: the provider's own
    # parameters, checked by the adapter (signature first)
    payment_callback=Method(result=res.CallbackAnswer, caller=caller(), params=free()),
    payment_return=Method(result=res.PaymentReturn, caller=caller(), params=free()),
    list_payments=Method(result=res.Payment, caller=caller(), dossier_id=_id()),
    refund_payment=Method(
        result=res.Payment,
        caller=caller(),
        dossier_id=_id(),
        data=body(RefundSchema),
    ),
    reconcile_payments=Method(
        result=res.Reconciliation, caller=caller(), date=fields.Date(required=True)
    ),
)
