"""What the files service's entrypoints do: load → check → commit → dump.

Functions take the service's facades (db, store, dossiers) and plain values, so the
entrypoints in service.py stay one line each.
"""

import tempfile
import uuid
import zlib

from sqlalchemy import func, select, text

from services.contracts import files as contract
from services.shared import audit, idempotency
from services.shared.caller import is_authenticated
from services.shared.errors import NotFound, Unauthenticated, detail
from services.shared.outbox import record_event, utcnow
from services.shared.permissions import can, require, scope_of
from services.shared.visibility import sees

from . import domain, scanning, settings
from .exceptions import (
    DossierFilesTooLarge,
    FileNotFound,
    FileTooLarge,
    SlotTypeNotAccepted,
    TooManyFiles,
    UnsafeArchive,
    UnsupportedFileType,
    UploadNotFound,
)
from .inspection import sniff
from .models import AuditEntry, IdempotentResult, Outbox, StoredFile
from .schemas import dump_file

SPOOL = 1024 * 1024
# The upload steps kept under an Idempotency-Key (services/shared/idempotency.py).
BEGIN, COMPLETE = "begin_upload", "complete_upload"


class Limits:
    """The configured size limits, read once from the nameko config."""

    def __init__(self, cfg):
        self.max_file = cfg[settings.MAX_FILE_BYTES.key]
        self.max_dossier = cfg[settings.MAX_DOSSIER_BYTES.key]
        self.max_unpacked = cfg[settings.MAX_UNPACKED_BYTES.key]
        self.max_ratio = cfg[settings.MAX_RATIO.key]
        self.scan_command = cfg.get(settings.SCAN_COMMAND.key, "")


def _stored(session, dossier_id):
    return select(StoredFile).where(
        StoredFile.dossier_id == str(dossier_id), StoredFile.state == "stored"
    )


def _count_in_slot(session, dossier_id, slot):
    query = select(func.count()).select_from(
        _stored(session, dossier_id).where(StoredFile.slot == slot).subquery()
    )
    return session.scalar(query)


def _dossier_total(session, dossier_id):
    query = select(func.coalesce(func.sum(StoredFile.size), 0)).where(
        StoredFile.dossier_id == str(dossier_id),
        StoredFile.state == "stored",
        StoredFile.kind == "upload",
    )
    return session.scalar(query)


def _check_type_for_slot(content_type, policy, slot):
    if not domain.accepted(content_type, policy.get("accept") or []):
        raise SlotTypeNotAccepted(
            "This document slot does not accept this file type",
            {slot: [detail("file_type_not_accepted")]},
        )


def _check_room(session, dossier_id, slot, policy, size, limits):
    max_count = policy.get("max_count")
    if max_count and _count_in_slot(session, dossier_id, slot) >= max_count:
        raise TooManyFiles(
            "Too many files for this document slot",
            {slot: [detail("too_many_files", max=max_count)]},
            params={"max": max_count},
        )
    problem = domain.quota_problem(
        size, limits.max_file, _dossier_total(session, dossier_id), limits.max_dossier
    )
    if problem == "FILE_TOO_LARGE":
        raise FileTooLarge("File too large", {"file": [str(limits.max_file)]})
    if problem:
        raise DossierFilesTooLarge(
            "The dossier's files exceed the allowed total",
            {"dossier": [str(limits.max_dossier)]},
        )


def begin_upload(db, store, dossiers, limits, caller, upload, key=None):
    """Check what can be checked before the bytes arrive; return where to PUT them.

    Under an Idempotency-Key the same upload is begun again (a fresh URL for the
    same upload id), so a retried upload never becomes a second file.
    """
    require(caller, "file.upload")
    name = checked_name(upload["filename"], upload["size"], limits)
    content_type = domain.canonical_type(name)
    dossier_id, slot = upload["dossier_id"], upload["slot"]
    policy = dossiers.check_upload(caller, dossier_id, slot)
    _check_type_for_slot(content_type, policy, slot)
    with db.transaction() as session:
        if earlier := begun_before(session, key):
            return upload_answer(store, limits, earlier)
        _check_room(session, dossier_id, slot, policy, upload["size"], limits)
        row = pending_upload(
            caller,
            upload,
            name,
            kind="upload",
            dossier_id=str(dossier_id),
            task_id=upload.get("task_id"),
            comment_id=upload.get("comment_id"),
            slot=slot,
            audience=domain.upload_audience(
                scope_of(caller) == "own", slot, upload.get("audience")
            ),
            owner=policy.get("owner"),
            province=policy.get("province"),
            agency=policy.get("agency"),
            department=policy.get("department"),
            policy={k: policy.get(k) for k in ("accept", "max_count")},
        )
        session.add(row)
        keep_begun(session, key, row)
    return upload_answer(store, limits, row.public_id)


def begun_before(session, key):
    """The upload id begun earlier under this Idempotency-Key, or None.

    Holds the key's lock until the transaction ends, so a concurrent retry waits.
    """
    if not key:
        return None
    idempotency.lock(session, key, BEGIN)
    earlier = idempotency.kept(session, IdempotentResult, key, BEGIN)
    return earlier["upload_id"] if earlier else None


def keep_begun(session, key, row):
    """Keep the upload id of `row` under the key (in the row's transaction)."""
    idempotency.keep(
        session, IdempotentResult, key, BEGIN, {"upload_id": row.public_id}
    )


def checked_name(filename, size, limits):
    """Normalise a file name and refuse what cannot be kept before any byte moves."""
    name = domain.normalise_name(filename)
    if domain.canonical_type(name) is None:
        raise UnsupportedFileType(
            "The file's content does not match its name or is not supported",
            {"file": [domain.extension(name) or "?"]},
        )
    if size > limits.max_file:
        raise FileTooLarge("File too large", {"file": [str(limits.max_file)]})
    return name


def pending_upload(caller, upload, name, **where):
    """A StoredFile row waiting for its bytes at `incoming/<id>`."""
    public_id, now = str(uuid.uuid4()), utcnow()
    return StoredFile(
        public_id=public_id,
        state="uploading",
        uploaded_by=caller.get("user_id"),
        name=name,
        declared_type=upload.get("declared_type"),
        size=upload["size"],
        object_key=f"incoming/{public_id}",
        conversion=domain.initial_conversion(name),
        created_at=now,
        updated_at=now,
        **where,
    )


def upload_answer(store, limits, public_id):
    """Where the client PUTs the bytes, and how many it may send."""
    return {
        "upload_id": public_id,
        "upload_url": store.upload_url(f"incoming/{public_id}"),
        "max_bytes": limits.max_file,
    }


def _pending_upload(db, caller, upload_id):
    with db.reader() as session:
        row = session.scalars(
            select(StoredFile).where(
                StoredFile.public_id == str(upload_id), StoredFile.state == "uploading"
            )
        ).first()
    if row is None or row.uploaded_by != caller.get("user_id"):
        raise UploadNotFound("Upload not found")
    return row


def complete_upload(db, store, limits, caller, upload_id, key=None):
    """Verify the uploaded bytes, then keep them (or remove them and say why).

    Under an Idempotency-Key whose upload was already kept, the bytes sent again are
    dropped and the kept file's metadata answered.
    """
    if key:
        with db.transaction() as session:
            earlier = idempotency.kept(session, IdempotentResult, key, COMPLETE)
        if earlier is not None:
            store.remove(f"incoming/{upload_id}")
            return earlier
    row = _pending_upload(db, caller, upload_id)
    if store.size_of(row.object_key) is None:
        raise UploadNotFound("Upload not found")
    try:
        with tempfile.SpooledTemporaryFile(SPOOL) as spool:
            size, sha = store.fetch_to(row.object_key, spool)
            if size > limits.max_file:
                raise FileTooLarge("File too large", {"file": [str(limits.max_file)]})
            content_type = _verify_content(spool, row, limits)
            scanning.scan(limits.scan_command, spool)
        return _keep(db, store, limits, row, size, sha, content_type, caller, key)
    except Exception:
        _reject(db, store, row)
        raise


def _verify_content(spool, row, limits):
    detected, measures = sniff(spool, row.name)
    if not domain.matches(row.name, detected):
        raise UnsupportedFileType(
            "The file's content does not match its name or is not supported",
            {"file": [detected]},
        )
    if measures is not None:
        verdict = domain.zip_verdict(
            measures[0], measures[1], limits.max_unpacked, limits.max_ratio
        )
        if verdict:
            raise UnsafeArchive(
                "The document expands beyond the allowed size", {"file": [verdict]}
            )
    content_type = domain.canonical_type(row.name)
    _check_type_for_slot(content_type, row.policy or {}, row.slot)
    return content_type


def _lock_dossier(session, dossier_id):
    """Serialise completions of one dossier so counts and totals cannot race."""
    key = zlib.crc32(f"files:{dossier_id}".encode())
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _keep(db, store, limits, row, size, sha, content_type, caller, key=None):
    final_key = f"files/{row.public_id}/original"
    with db.transaction() as session:
        if row.kind == "upload":
            _lock_dossier(session, row.dossier_id)
            _check_room(session, row.dossier_id, row.slot, row.policy, size, limits)
        kept = session.get(StoredFile, row.id, with_for_update=True)
        store.promote(row.object_key, final_key, content_type, sha)
        kept.state, kept.size, kept.sha256 = "stored", size, sha
        kept.content_type, kept.object_key = content_type, final_key
        kept.updated_at = utcnow()
        meta = dump_file(kept)
        if kept.kind == "template":  # an admin action on the province's catalogue
            audit.append(
                session, AuditEntry, caller, "template.upload", kept.public_id,
                province=kept.province, details={"procedure": kept.procedure_code},
            )  # fmt: skip
        record_event(
            session,
            Outbox,
            contract.FILE_UPLOADED,
            {k: meta.get(k) for k in contract.UPLOADED_FIELDS}
            | {"file_id": kept.public_id, "owner": kept.owner, "agency": kept.agency},
            province=kept.province,
        )
        idempotency.keep(session, IdempotentResult, key, COMPLETE, meta)
    return meta


def _reject(db, store, row):
    """Forget a refused upload: its bytes and its row (name, size, uploader) go."""
    store.remove(row.object_key)
    with db.transaction() as session:
        gone = session.get(StoredFile, row.id)
        if gone is not None:
            session.delete(gone)


def abort_upload(db, store, caller, upload_id):
    """Drop an upload the gateway could not finish."""
    row = _pending_upload(db, caller, upload_id)
    _reject(db, store, row)
    return {"upload_id": str(upload_id), "state": "rejected"}


def load_visible(db, dossiers, caller, file_id):
    """Return the stored file if the caller may see it, else raise FileNotFound."""
    with db.reader() as session:
        row = session.scalars(
            select(StoredFile).where(
                StoredFile.public_id == str(file_id), StoredFile.state == "stored"
            )
        ).first()
    if row is not None and row.kind == "template":
        return row  # forms to download: public
    if not is_authenticated(caller):
        # the same answer whether the file exists or not
        raise Unauthenticated("Authentication required")
    if row is None or not _visible(dossiers, caller, row):
        raise FileNotFound("File not found")
    return row


def _visible(dossiers, caller, row):
    if row.kind == "template":
        return True
    if not can(caller, "file.read") or not row.dossier_id:
        return False
    return _sees_file(caller, dossiers.scope_of(caller, row.dossier_id), row)


def _sees_file(caller, scope, row):
    """The visibility rule on a file: its dossier's scope fields and its audience."""
    fields = (scope or {}) | {"audience": row.audience}
    return scope is not None and sees(caller, "file", fields)


def list_files(db, dossiers, caller, dossier_id):
    """Return the stored files of a dossier the caller may see."""
    require(caller, "file.read")
    scope = dossiers.scope_of(caller, dossier_id)
    if scope is None:
        raise NotFound("Not found")
    with db.reader() as session:
        rows = session.scalars(
            _stored(session, dossier_id).order_by(StoredFile.id)
        ).all()
    seen = [r for r in rows if _sees_file(caller, scope, r)]
    return [dump_file(r) for r in seen]
