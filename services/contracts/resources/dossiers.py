"""Dossiers (hồ sơ), their history, comments, tasks, lookup and statistics."""

from marshmallow import fields, validate

from .common import Nullable, Resource, Sent, page_of

STATUSES = (
    "draft",
    "waiting_reception",
    "to_transfer",
    "transferred",
    "processing",
    "supplement_requested",
    "pending_approval",
    "approved",
    "returned",
    "completed",
    "rejected",
    "cancelled",
)
DEADLINE_STATES = (
    "on_time",
    "due_soon",
    "overdue",
    "completed_on_time",
    "completed_late",
    "cancelled",
)
PAYMENT_STATES = ("not_due", "due", "pending", "paid", "refunded", "failed")
Status = fields.String


class ProcedureRef(Resource):
    code = Sent(fields.String)
    name = Sent(fields.String)
    version = Sent(fields.Integer)
    processing_days = fields.Integer()


class Applicant(Resource):
    id = fields.String(allow_none=True, metadata={"description": "Null: on paper."})
    kind = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class DossierSummary(Resource):
    """A dossier as lists, the search index and events see it (no ID numbers)."""

    id = Sent(fields.UUID)
    receipt_number = Nullable(fields.String)
    province = Nullable(fields.String)
    agency = Nullable(fields.String)
    department = Nullable(fields.String)
    receiving_province = Nullable(
        fields.String,
        metadata={"description": "The receiving desk's province."},
    )
    receiving_agency = Nullable(
        fields.String,
        metadata={
            "description": "The one-stop desk that received it and hands the "
            "result back; `agency` resolves it (the same unless filed elsewhere)."
        },
    )
    transferred_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Sent on by the receiving desk."},
    )
    returned_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "The result sent back to the receiving desk."},
    )
    procedure = Sent(fields.Nested, ProcedureRef)
    applicant = Sent(fields.Nested, Applicant)
    owner = Nullable(fields.String)
    status = Sent(Status, validate=validate.OneOf(STATUSES))
    deadline_state = Nullable(fields.String, validate=validate.OneOf(DEADLINE_STATES))
    days_late = Nullable(fields.Integer)
    appointment_date = Nullable(fields.Date)
    submitted_at = Nullable(fields.DateTime)
    received_at = Nullable(fields.DateTime)
    received_by = Nullable(fields.String)
    completed_at = Nullable(fields.DateTime)
    updated_at = Nullable(fields.DateTime)
    assignees = Sent(fields.List, fields.String())
    assignee_names = fields.List(
        fields.String(), metadata={"description": "Search lists: their names."}
    )
    fee = Nullable(fields.Integer)
    payment_state = fields.String(
        validate=validate.OneOf(PAYMENT_STATES),
        metadata={"description": "The fee paid online (level 4); not_due: none."},
    )
    fee_amount = fields.Integer(
        allow_none=True, metadata={"description": "What the dossier owes (VND)."}
    )
    value = Nullable(
        fields.Float,
        metadata={"description": "The form field the procedure names as its value."},
    )
    form_text = Nullable(fields.String)
    paper = Sent(fields.Boolean)
    step = Nullable(fields.String)
    step_due_date = Nullable(fields.Date)
    step_state = Nullable(fields.String)
    # not in the search index's lists: the dossier itself and events carry them
    result_file_id = fields.String(
        allow_none=True,
        metadata={"description": "The signed result's file (level 4, online)."},
    )
    rescheduled_date = fields.Date(
        allow_none=True,
        metadata={
            "description": "A late dossier's new promised date; the appointment "
            "date stays the legal deadline it is counted late against."
        },
    )
    version = Sent(
        fields.Integer,
        metadata={"description": "Send back as expected_version to update safely."},
    )


class DocumentSlot(Resource):
    slot = Sent(fields.String)
    name = Sent(fields.String)


class Dossier(DossierSummary):
    """One dossier in full, with the actions the caller may take now."""

    form = Sent(fields.Dict, metadata={"description": "Field name → value."})
    documents = Sent(fields.List, fields.Nested(DocumentSlot))
    actions = Sent(fields.List, fields.String())
    access_code = fields.String(
        metadata={
            "description": "Paper dossiers not yet claimed, to the desk only: "
            "printed on the slip; lets the applicant claim it."
        }
    )


class PaperDossier(Dossier):
    access_code = Sent(
        fields.String,
        metadata={"description": "Printed on the slip; lets the applicant claim it."},
    )


class Lookup(Resource):
    """A dossier found by receipt number (in full only for its owner and staff)."""

    receipt_number = Sent(fields.String)
    status = Sent(Status, validate=validate.OneOf(STATUSES))
    appointment_date = Nullable(fields.Date)
    id = fields.UUID()
    deadline_state = fields.String(allow_none=True)
    procedure = fields.Nested(ProcedureRef)


class Person(Resource):
    id = Nullable(fields.String)
    full_name = Nullable(fields.String)
    role = Nullable(fields.String)


class Change(Resource):
    """One field an edit changed (old None: added; new None: removed)."""

    field = Sent(fields.String)
    old = Nullable(fields.Raw)
    new = Nullable(fields.Raw)


class HistoryEntry(Resource):
    action = Sent(fields.String)
    from_ = Nullable(fields.String, data_key="from")
    to = Nullable(fields.String)
    actor = Sent(fields.Nested, Person)
    note = Nullable(fields.String)
    public = Sent(fields.Boolean)
    changes = Sent(fields.List, fields.Nested(Change))
    at = Sent(fields.DateTime)


class Comment(Resource):
    id = Sent(fields.Integer)
    body = Sent(fields.String)
    internal = Sent(fields.Boolean)
    author = Sent(fields.Nested, Person)
    task_id = Nullable(fields.Integer)
    file_ids = Sent(fields.List, fields.String())
    at = Sent(fields.DateTime)


class Task(Resource):
    id = Sent(fields.Integer)
    title = Sent(fields.String)
    assignee = Nullable(fields.String)
    created_by = Nullable(fields.String)
    due_date = Nullable(fields.Date)
    due_state = Nullable(fields.String)
    status = Sent(fields.String, validate=validate.OneOf(["open", "done", "cancelled"]))


class GroupCount(Resource):
    key = Sent(fields.String)
    count = Sent(fields.Integer)


class DossierStats(Resource):
    group_by = Sent(fields.String)
    items = Sent(fields.List, fields.Nested(GroupCount))
    total = Sent(fields.Integer)
    completed = Sent(fields.Integer)
    on_time = Sent(fields.Integer)
    on_time_rate = Nullable(fields.Float, metadata={"description": "0–1; null: none."})


def counts():
    return fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class MyWork(Resource):
    """The caller's own work since a date."""

    since = Sent(fields.Date)
    done = counts()
    assigned_open = counts()
    tasks = counts()


class Payment(Resource):
    """One attempt to pay a dossier's fee at the provider."""

    ref = Sent(fields.String, metadata={"description": "Transaction reference."})
    amount = Sent(fields.Integer, metadata={"description": "VND."})
    currency = Sent(fields.String)
    state = Sent(
        fields.String,
        validate=validate.OneOf(("pending", "paid", "failed", "refunded")),
    )
    provider = Sent(fields.String)
    provider_txn = Nullable(fields.String)
    created_at = Sent(fields.DateTime)
    paid_at = Nullable(fields.DateTime)
    refunded_at = Nullable(fields.DateTime)


class PaymentStarted(Resource):
    """A new payment and the provider page to send the applicant to."""

    payment = Sent(fields.Nested, Payment)
    redirect_url = Sent(fields.String)


class PaymentReturn(Resource):
    """What the provider's return shows: the portal's own state (the callback
    decides; the browser's parameters only find the payment)."""

    verified = Sent(fields.Boolean)
    dossier_id = Nullable(fields.String)
    payment_state = Nullable(fields.String, validate=validate.OneOf(PAYMENT_STATES))
    provider_success = fields.Boolean()
    payment = fields.Nested(Payment)


class CallbackAnswer(Resource):
    """The answer the provider expects from its server-to-server callback."""

    RspCode = Sent(fields.String)  # noqa: N815 - the provider's name
    Message = Sent(fields.String)  # noqa: N815


class ReconciliationRow(Resource):
    ref = Sent(fields.String)
    dossier_id = Sent(fields.String)
    receipt_number = Nullable(fields.String)
    amount = Sent(fields.Integer)
    portal_state = Sent(fields.String)
    provider_state = Nullable(fields.String)
    provider_amount = Nullable(fields.Integer)
    provider_txn = Nullable(fields.String)
    agrees = Sent(fields.Boolean)
    duplicate = Sent(
        fields.Boolean,
        metadata={"description": "The dossier was paid more than once that day."},
    )


class Reconciliation(Resource):
    """One day's payments in the portal against the provider's books."""

    date = Sent(fields.Date)
    items = Sent(fields.List, fields.Nested(ReconciliationRow))
    paid_count = Sent(fields.Integer)
    paid_amount = Sent(fields.Integer)
    disagreements = Sent(fields.Integer)


DossierPage = page_of(DossierSummary, "DossierPage")
PaymentPage = page_of(Payment, "PaymentPage")
HistoryPage = page_of(HistoryEntry, "HistoryPage")
CommentPage = page_of(Comment, "CommentPage")
TaskPage = page_of(Task, "TaskPage")

EXAMPLES = {
    "Dossier": {
        "id": "aa576ef5-fa62-4cdc-ab93-6800c21c3324",
        "receipt_number": "000.00.01.H26-261201-0001",
        "province": "01",
        "agency": "000.00.01.H26",
        "department": "TP",
        "receiving_province": "01",
        "receiving_agency": "000.00.01.H26",
        "procedure": {
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "version": 2,
            "processing_days": 3,
        },
        "applicant": {
            "id": "c6e8d816-1417-406b-8552-8955e769ff34",
            "kind": "citizen",
            "full_name": "Nguyễn Thị Hằng",
            "email": "hang.nguyen@example.vn",
            "phone": "0912345678",
        },
        "owner": "c6e8d816-1417-406b-8552-8955e769ff34",
        "status": "processing",
        "deadline_state": "on_time",
        "days_late": 0,
        "appointment_date": "2026-12-04",
        "submitted_at": "2026-12-01T09:15:00+07:00",
        "received_at": "2026-12-01T10:02:00+07:00",
        "received_by": "8b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3",
        "completed_at": None,
        "updated_at": "2026-12-01T10:02:00+07:00",
        "assignees": ["13531452-e37a-44b6-9c06-b7618ffc869b"],
        "fee": 8000,
        "value": None,
        "form_text": "Nguyễn Văn An",
        "paper": False,
        "step": "processing",
        "step_due_date": "2026-12-03",
        "step_state": "on_time",
        "result_file_id": None,
        "rescheduled_date": None,
        "version": 6,
        "form": {"child_name": "Nguyễn Văn An", "born": "2026-11-25"},
        "documents": [{"slot": "giay_chung_sinh", "name": "Giấy chứng sinh"}],
        "actions": ["request_supplement", "send_for_approval", "reject"],
    }
}


class MovedDossier(Resource):
    id = Sent(fields.String)
    receipt_number = Nullable(fields.String, metadata={"description": "Kept."})
    status = Sent(fields.String)
    from_agency = Sent(fields.String)


class MovedProcedure(Resource):
    procedure = Sent(fields.String)
    province = Sent(fields.String)
    version = Sent(fields.Integer, metadata={"description": "The version published."})
    from_agency = Sent(fields.String)


class SuccessionMoves(Resource):
    """What the dossiers service moved for one agency succession."""

    succession_id = Sent(fields.String)
    successor = Sent(fields.String)
    predecessors = Sent(fields.List, fields.String())
    received_at = Sent(fields.DateTime)
    finished_at = Nullable(fields.DateTime)
    dossiers = Sent(fields.List, fields.Nested(MovedDossier))
    procedures = Sent(fields.List, fields.Nested(MovedProcedure))
