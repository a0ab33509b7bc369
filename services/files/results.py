"""A dossier's result: drafted by the officer, signed at the leader's approval,
downloaded by the applicant, verified by anyone holding its QR code.

- `draft_result`: while the dossier is processed, from the procedure's result
  template filled with the dossier's data (rendered like the slips) or from a PDF
  the officer uploaded into the dossier; the draft is internal (the applicant never
  sees an unsigned result).
- `sign_result`: while the dossier waits for approval, by who may approve; the
  draft's PDF is signed by the agency's key (`signing.ResultSigner`) with the
  leader's name, the agency and the time on the stamp and a QR code of the
  verification page; the signed PDF is a public generated file of the dossier. The
  row and the `result_signed` event commit together; signing twice answers the
  same result.
- `verify_result`: anyone; reads the stored bytes again, compares their sha256 with
  the one kept at signing and verifies the signature and its chain.
"""

import hashlib
import io
import secrets

from sqlalchemy import select

from services.contracts import files as contract
from services.shared import routes
from services.shared.errors import ValidationFailed, detail
from services.shared.outbox import record_event, utcnow
from services.shared.permissions import require
from services.shared.schemas import load
from services.shared.visibility import sees

from . import generated, generation, signing
from .conversion import ConversionError
from .exceptions import (
    ChecksumMismatch,
    ConverterUnavailable,
    ResultNotDrafted,
    ResultNotEditable,
    ResultNotFound,
    SignerUnavailable,
)
from .models import Outbox, Result, StoredFile
from .reading import _variant

DRAFT, SIGNED = "draft", "signed"
DRAFTING_STATES = ("processing",)
SIGNING_STATES = ("pending_approval",)


class Results:
    """What results need besides the database and the object store."""

    def __init__(self, slips, signer, roots):
        self.slips, self.signer, self.roots = slips, signer, roots


def _row(session, dossier_id):
    return session.scalars(
        select(Result).where(Result.dossier_id == str(dossier_id))
    ).first()


def _file(session, file_id):
    return session.scalars(
        select(StoredFile).where(
            StoredFile.public_id == str(file_id), StoredFile.state == "stored"
        )
    ).first()


def dump(row, public_url, staff=True):
    """The result as the API shows it (the draft only to staff)."""
    return {
        "dossier_id": row.dossier_id,
        "state": row.state,
        "draft_file_id": row.draft_file_id if staff else None,
        "signed_file_id": row.signed_file_id,
        "sha256": row.sha256,
        "signer_name": row.signer_name,
        "signed_at": row.signed_at.isoformat() if row.signed_at else None,
        "verification_url": routes.url(public_url, "verify_result", code=row.code),
    }


def _dossier(results, caller, dossier_id):
    """The dossier as the caller sees it (404 when hidden)."""
    return results.slips.dossiers.detail(caller, dossier_id)


def draft_result(db, store, results, caller, dossier_id, data):
    """Keep the result's draft (a rendered template, or an uploaded PDF)."""
    require(caller, "dossier.send_for_approval")  # officers, leaders, admins
    data = load(contract.DraftResult(), data or {})
    dossier = _dossier(results, caller, dossier_id)
    if dossier.get("status") not in DRAFTING_STATES:
        raise ResultNotEditable(
            "The result is drafted while the dossier is processed",
            {"status": [str(dossier.get("status"))]},
        )
    with db.reader() as session:
        existing = _row(session, dossier["id"])
    if existing is not None and existing.state == SIGNED:
        raise ResultNotEditable("The result is already signed", {"state": [SIGNED]})
    if data.get("file_id"):
        draft_id = _uploaded_draft(db, dossier, data["file_id"])
    else:
        draft_id = _rendered_draft(db, store, results.slips, caller, dossier)
    with db.transaction() as session:
        row = _row(session, dossier["id"])
        now = utcnow()
        if row is None:
            row = Result(
                dossier_id=str(dossier["id"]),
                code=secrets.token_urlsafe(12),
                created_at=now,
            )
            session.add(row)
        row.state, row.draft_file_id, row.updated_at = DRAFT, draft_id, now
        row.province, row.agency = dossier.get("province"), dossier.get("agency")
        row.receipt_number = dossier.get("receipt_number")
        row.procedure_name = (dossier.get("procedure") or {}).get("name")
        session.flush()
        return dump(row, results.slips.public_url)


def _uploaded_draft(db, dossier, file_id):
    """An upload of this dossier with a PDF becomes the (internal) draft."""
    with db.transaction() as session:
        found = _file(session, file_id)
        if found is None or found.dossier_id != str(dossier["id"]):
            raise ValidationFailed(
                "Invalid input", {"file_id": [detail("not_a_file_of_the_dossier")]}
            )
        if found.kind != "upload" or _pdf_key(found) is None:
            raise ValidationFailed(
                "Invalid input", {"file_id": [detail("result_needs_pdf")]}
            )
        found.audience = "internal"
        return found.public_id


def _pdf_key(row):
    try:
        return _variant(row, "pdf")
    except Exception:  # noqa: BLE001 - pending, failed or none: not usable yet
        return None


def _rendered_draft(db, store, slips, caller, dossier):
    labels = slips.dossiers.form_labels(dossier)
    variables = generated.context(
        "result",
        dossier,
        slips.public_url,
        [],
        slips.directory.names(dossier),
    )
    variables["form_lines"] = [
        f"{labels.get(name, name)}: {value}"
        for name, value in (dossier.get("form") or {}).items()
        if value not in (None, "", [])
    ]
    try:
        pdf = slips.office.html_to_pdf(generated.render("result", variables))
    except ConversionError as exc:
        raise ConverterUnavailable(
            "Document could not be generated", {"converter": [exc.reason]}
        ) from exc
    key = f"{dossier['id']}:result_draft:{hashlib.sha256(pdf).hexdigest()[:16]}"
    # a draft is the agency's until signed
    meta = generation._keep(
        db, store, caller, "result", dossier, key, pdf, "internal", "result_draft"
    )
    return meta["id"]


def sign_result(db, store, results, caller, dossier_id):
    """Sign the draft with the agency's key; keep the signed PDF (public)."""
    require(caller, "dossier.approve")  # leaders, admins
    dossier = _dossier(results, caller, dossier_id)
    with db.reader() as session:
        row = _row(session, dossier["id"])
        draft = _file(session, row.draft_file_id) if row else None
    if row is None or draft is None:
        raise ResultNotDrafted(
            "No result has been drafted", {"result": [detail("result_not_drafted")]}
        )
    if row.state == SIGNED:
        return dump(row, results.slips.public_url)
    if dossier.get("status") not in SIGNING_STATES:
        raise ResultNotEditable(
            "The result is signed at approval", {"status": [str(dossier["status"])]}
        )
    key, _, _, _, sha = _variant(draft, "pdf")
    buf = io.BytesIO()
    _, found = store.fetch_to(key, buf)
    if found != sha:
        raise ChecksumMismatch("Stored file failed its checksum")
    names = results.slips.directory.names(dossier)
    who = signing.Who(
        name=caller.get("full_name") or caller.get("user_id") or "",
        agency=dossier["agency"],
        agency_name=names.get("agency") or dossier["agency"],
        at=utcnow(),
        url=routes.url(results.slips.public_url, "verify_result", code=row.code),
    )
    try:
        signed = results.signer.sign(buf.getvalue(), who)
    except signing.SignerUnavailable as exc:
        raise SignerUnavailable(
            "The result cannot be signed now", {"signer": [str(exc)[:200]]}
        ) from exc
    key = f"{dossier['id']}:result:{row.code}:{row.draft_file_id}"
    meta = generation._keep(db, store, caller, "result", dossier, key, signed)
    return _record_signed(db, results, row.dossier_id, meta, who, caller)


def _record_signed(db, results, dossier_id, meta, who, caller):
    with db.transaction() as session:
        row = _row(session, dossier_id)
        if row.state == SIGNED:  # a concurrent approval signed first
            return dump(row, results.slips.public_url)
        row.state, row.signed_file_id, row.sha256 = SIGNED, meta["id"], meta["sha256"]
        row.signer_id, row.signer_name = caller.get("user_id"), who.name
        row.signed_at, row.agency_name, row.updated_at = who.at, who.agency_name, who.at
        answer = dump(row, results.slips.public_url)
        record_event(
            session,
            Outbox,
            contract.RESULT_SIGNED,
            {
                k: answer[k]
                for k in (
                    "dossier_id",
                    "signed_file_id",
                    "sha256",
                    "signer_name",
                    "signed_at",
                    "verification_url",
                )
            }
            | {"agency": row.agency},
            province=row.province,
        )
        return answer


def get_result(db, results, caller, dossier_id):
    """The dossier's result as the caller may see it (404 when none or hidden)."""
    require(caller, "file.read")
    scope = results.slips.dossiers.scope_of(caller, dossier_id)
    with db.reader() as session:
        row = _row(session, dossier_id)
    audience = "public" if row is not None and row.state == SIGNED else "internal"
    if (
        row is None
        or scope is None
        or not sees(caller, "file", scope | {"audience": audience})
    ):
        raise ResultNotFound("No result", {"dossier_id": [str(dossier_id)]})
    staff = sees(caller, "file", scope | {"audience": "internal"})
    return dump(row, results.slips.public_url, staff)


def verify_result(db, store, results, code):
    """Anyone: what the signed result with this code is, and whether it holds."""
    with db.reader() as session:
        row = session.scalars(select(Result).where(Result.code == str(code))).first()
        signed = (
            _file(session, row.signed_file_id) if row and row.signed_file_id else None
        )
    if row is None or signed is None:
        raise ResultNotFound("No signed result with this code", {"code": [str(code)]})
    buf = io.BytesIO()
    _, sha = store.fetch_to(signed.object_key, buf)
    verdict = signing.verify(buf.getvalue(), results.roots())
    hash_ok = sha == row.sha256
    return {
        "code": row.code,
        "valid": verdict.valid and hash_ok,
        "hash_matches": hash_ok,
        "sha256": sha,
        "expected_sha256": row.sha256,
        "signature": verdict.as_dict(),
        "receipt_number": row.receipt_number,
        "procedure_name": row.procedure_name,
        "agency_name": row.agency_name,
        "signer_name": row.signer_name,
        "signed_at": row.signed_at.isoformat() if row.signed_at else None,
        "file_name": signed.name,
        "file_id": signed.public_id,
    }


def check_document(results, pdf):
    """Anyone: verify a PDF someone holds (no lookup: the signature alone)."""
    verdict = signing.verify(pdf, results.roots())
    return {"sha256": hashlib.sha256(pdf).hexdigest(), "signature": verdict.as_dict()}
