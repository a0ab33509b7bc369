"""Dossier commands and reads (functions over a session; the service wires them)."""

import uuid

from sqlalchemy import cast, func, select
from sqlalchemy.dialects.postgresql import JSONB

from services.contracts import dossiers as contract
from services.shared import permissions
from services.shared.caller import is_authenticated
from services.shared.errors import ValidationFailed, detail
from services.shared.schemas import load

from . import (
    catalogue,
    changes,
    claims,
    domain,
    forms,
    references,
    results,
    store,
    workflow,
)
from .exceptions import DossierNotFound, UploadsClosed
from .models import Dossier
from .payments import ledger

STAFF_SLOTS = {
    "result": {"accept": ["application/pdf"], "max_count": 10},
    "attachment": {"accept": [], "max_count": 50},
}


def province_for(caller, requested=None):
    """The province a catalogue/admin call acts in (national roles may choose)."""
    if permissions.scope_of(caller) == "national" or not caller.get("province"):
        return requested or caller.get("province")
    return caller["province"]


def procedure_province(caller, data):
    """The province a procedure is managed in (taken out of `data`); 422 if none."""
    return references.procedure_province(
        province_for(caller, data.pop("province", None))
    )


def manage_procedure(session, caller, province, data, new=True):
    """Create (or publish a new version of) a procedure in the caller's scope."""
    references.manages(caller, data["agencies"])
    if new:
        return catalogue.create_procedure(session, province, data)
    # a withdrawn one too: publishing a new version offers it again
    _, current = catalogue.current_version(
        session, province, data["code"], withdrawn=True
    )
    references.manages(caller, current.agencies)
    return catalogue.publish_version(session, province, data["code"], data)


def withdraw_procedure(session, caller, province, code):
    """Withdraw a procedure in the caller's scope (as publishing it: an agency
    admin only one that lists his agency)."""
    _, last = catalogue.current_version(session, province, code, withdrawn=True)
    references.manages(caller, last.agencies)
    return catalogue.withdraw_procedure(session, province, code)


def require_national(caller, action):
    """Only national operators (and the system) may run this."""
    if permissions.scope_of(caller) != "national":
        store.require_login(caller)
        raise permissions.Forbidden("Not permitted", {"action": [action]})


def applicant_of(caller):
    return {
        "id": caller.get("user_id"),
        "kind": caller.get("kind"),
        "full_name": caller.get("full_name"),
        "email": caller.get("email"),
        "phone": caller.get("phone"),
    }


def _new_dossier(session, province, code, agency, directory, desk=None):
    """A dossier of procedure `code` resolved by `agency` (checked), received by
    `desk` (an agency of any province; checked) or else by `agency` itself."""
    proc, version = catalogue.current_version(session, province, code)
    references.receiving_agency(directory, version, province, agency)
    received = references.receiving_desk(directory, version, desk, agency)
    return version, Dossier(
        public_id=uuid.uuid4(),
        province=province,
        agency=agency,
        receiving_agency=desk if received else agency,
        receiving_province=received["province"] if received else province,
        procedure_code=proc.code,
        procedure_version_id=version.id,
        created_at=store.now(),
        updated_at=store.now(),
        paused_days=0,
        pauses=[],
        assignees=[],
    )


def create(session, caller, data, directory):
    """Start an online draft (levels 3 and 4 only) at an agency that may receive it."""
    store.require_login(caller)
    permissions.require(caller, "dossier.create")
    data = load(contract.CreateDossierSchema, data)
    province = data.get("province") or caller.get("province")
    _, current = catalogue.current_version(session, province, data["procedure"])
    references.online(current)
    version, dossier = _new_dossier(
        session,
        province,
        data["procedure"],
        data["agency"],
        directory,
        data.get("receiving_agency"),
    )
    _check_values(version, data["form"])
    dossier.owner_id = caller.get("user_id")
    dossier.applicant = applicant_of(caller)
    dossier.status = domain.DRAFT
    dossier.form = data["form"]
    session.add(dossier)
    session.flush()
    store.record_history(session, dossier, caller, "create", to_state=domain.DRAFT)
    return store.detail(session, caller, dossier)


def _check_values(version, values):
    errors = forms.check_values(version.form, values)
    if errors:
        raise ValidationFailed("Invalid input", errors)


def update(session, caller, dossier_id, data):
    """Patch form values; invalid input changes nothing (what was saved stays).

    The desk may also correct a paper dossier's form for its applicant.
    """
    dossier = store.load(session, caller, dossier_id)
    on_behalf = dossier.paper and permissions.can(caller, "dossier.register_paper")
    if not on_behalf:
        permissions.require(caller, "dossier.update")
    data = load(contract.PatchDossierSchema, data)
    workflow.check_version(dossier, data.get("expected_version"))
    if dossier.status not in domain.EDITABLE_STATES:
        raise workflow.InvalidTransition(
            "Action not allowed in the dossier's current state",
            {"status": [dossier.status], "action": ["update"]},
        )
    _check_values(store.version_of(session, dossier), data["form"])
    before = dict(dossier.form or {})
    dossier.form = {**before, **data["form"]}
    dossier.updated_at = store.now()
    store.record_history(
        session, dossier, caller, "update", note=", ".join(sorted(data["form"])),
        changes=changes.diff(before, dossier.form, sorted(data["form"])),
    )  # fmt: skip
    if dossier.status != domain.DRAFT:
        store.emit(
            session,
            dossier,
            "dossier_updated",
            {"changes": sorted(data["form"]), "actor": store.actor_of(caller)},
        )
    session.flush()
    return store.detail(session, caller, dossier)


def submit(session, caller, dossier_id, checks, files=None, expected=None):
    """Submit (or resubmit) a dossier; `checks` = (file index, directory)."""
    file_index, directory = checks
    dossier = store.load(session, caller, dossier_id)
    workflow.check_version(dossier, expected)
    workflow.resolve(caller, dossier, "submit")
    version = store.version_of(session, dossier)
    # Asked first, read last: files answers while accounts checks the agency (two
    # round trips in the time of one). Never the caller's own list.
    stored_files = file_index.asked(str(dossier.public_id))
    if not dossier.paper:
        # What may be done online, and where, is the procedure's as published now.
        _, current = catalogue.current_version(
            session, dossier.province, dossier.procedure_code
        )
        references.online(current)
        references.receiving_agency(
            directory, current, dossier.province, dossier.agency
        )
        references.receiving_desk(
            directory, current, dossier.receiving_agency, dossier.agency
        )
    workflow.validate_for_submit(version, dossier, stored_files())
    if ledger.waits_for_payment(session, caller, dossier, version):
        return store.detail(session, caller, dossier)  # the payment submits it
    data = {"expected_version": expected}
    event = workflow.transition(
        session, caller, dossier, "submit", data, None, event="dossier_submitted"
    )
    return store.detail(session, caller, dossier, event["dossier"])


def act(session, caller, dossier_id, data, directory, files):
    data = load(contract.ActSchema, data)
    workflow.require_agency_move(data)
    dossier = store.load(session, caller, dossier_id)
    results.before_move(session, caller, dossier, data, files)
    event = workflow.transition(
        session, caller, dossier, data["action"], data, directory
    )
    return store.detail(session, caller, dossier, event["dossier"])


def register_paper(session, caller, data, directory):
    """Register a dossier brought to the desk: received at once, owned by nobody.

    The applicant is who the desk read from their papers; the dossier becomes an
    account's only when that person claims it (`claims.claim`).
    """
    permissions.require(caller, "dossier.register_paper")
    data = load(contract.PaperDossierSchema, data)
    desk = caller.get("agency")
    agency = data.get("agency") or desk
    province = data.get("province") or caller.get("province")
    if agency != desk and not data.get("province"):
        province = (directory.agency(agency) or {}).get("province") or province
    version, dossier = _new_dossier(
        session, province, data["procedure"], agency, directory, desk
    )
    transferred = store.route(dossier) == domain.TRANSFER
    _check_values(version, data["form"])
    errors = forms.check_complete(version.form, data["form"])
    if errors:
        raise ValidationFailed("Invalid input", errors)
    dossier.owner_id = None
    dossier.applicant = dict(data["applicant"], id=None)
    dossier.access_code = claims.new_code()
    dossier.form = data["form"]
    dossier.paper = True
    dossier.status = domain.WAITING
    dossier.submitted_at = store.now()
    session.add(dossier)
    session.flush()
    # received here: resolved here, or to be transferred to the resolving agency
    action = "receive_for_transfer" if transferred else "receive"
    event = workflow.transition(
        session, caller, dossier, action, data, directory, label="register_paper"
    )
    return store.detail(session, caller, dossier, event["dossier"])


def get(session, caller, dossier_id):
    store.require_login(caller)
    permissions.require(caller, "dossier.read")
    dossier = store.load_to_read(session, caller, dossier_id)
    return store.detail(session, caller, dossier)


def scope_filter(caller, query):
    return store.scope_filter(caller, query)


FILTERS = ("status", "agency", "receiving_agency", "department", "province")


def list_(session, caller, filters):
    store.require_login(caller)
    permissions.require(caller, "dossier.read")
    data = load(contract.ListFilters, filters or {})
    query = scope_filter(caller, select(Dossier))
    for name in FILTERS:
        if data.get(name):
            query = query.where(getattr(Dossier, name) == data[name])
    if data.get("procedure"):
        query = query.where(Dossier.procedure_code == data["procedure"])
    if data.get("assignee"):
        query = query.where(cast(Dossier.assignees, JSONB).contains([data["assignee"]]))
    # The page and the count in SQL: a list never loads the dossiers it does not show.
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    start = (data["page"] - 1) * data["page_size"]
    page = session.scalars(
        query.order_by(Dossier.id.desc()).offset(start).limit(data["page_size"])
    ).all()
    return {"items": [store.snapshot(session, d) for d in page], "total": total}


PUBLIC_LOOKUP = ("receipt_number", "status", "appointment_date")


def lookup(session, caller, receipt_number):
    """A dossier by receipt number: in full to who sees it, else the public part."""
    dossier = session.scalar(
        select(Dossier).where(Dossier.receipt_number == receipt_number)
    )
    if dossier is None:
        raise DossierNotFound("Dossier not found", {"receipt_number": [receipt_number]})
    snap = store.snapshot(session, dossier)
    readable = is_authenticated(caller) and permissions.can(caller, "dossier.read")
    if not (readable and store.visible(caller, dossier)):
        # Anyone holding the slip may follow it: status and appointment date only.
        return {k: snap[k] for k in PUBLIC_LOOKUP}
    keys = ("id", "receipt_number", "status", "appointment_date", "deadline_state")
    return {k: snap[k] for k in keys} | {"procedure": snap["procedure"]}


def check_upload(session, caller, dossier_id, slot):
    permissions.require(caller, "file.upload")
    dossier = store.load(session, caller, dossier_id)
    applicant = permissions.scope_of(caller) == "own"
    slots = {d["slot"]: d for d in store.version_of(session, dossier).documents}
    if not applicant:
        slots = {**slots, **STAFF_SLOTS}
    if slot not in slots:
        raise ValidationFailed("Invalid input", {"slot": [detail("unknown_slot")]})
    states = domain.EDITABLE_STATES if applicant else domain.OPEN_STATES
    if dossier.status not in states:
        raise UploadsClosed(
            "Files cannot be added in the dossier's current state",
            {"status": [dossier.status]},
        )
    return {
        "accept": slots[slot].get("accept") or [],
        "max_count": slots[slot].get("max_count") or 10,
        "province": dossier.province,
        "agency": dossier.agency,
        "department": dossier.department,
        "owner": dossier.owner_id,
        "status": dossier.status,
    }


def count(session):
    return session.scalar(select(func.count(Dossier.id)))
