"""Reading stored files: presigned URLs, small inline reads, deletion."""

import base64
import io

from sqlalchemy import select

from services.contracts import files as contract
from services.shared import audit
from services.shared.errors import Forbidden, NotFound
from services.shared.outbox import record_event, utcnow
from services.shared.permissions import scope_of

from . import domain
from .exceptions import (
    ChecksumMismatch,
    ConversionFailed,
    ConversionPending,
    FileTooLargeToInline,
    NoConversion,
)
from .models import AuditEntry, Outbox, StoredFile
from .operations import load_visible
from .schemas import dump_file

SMALL = 10 * 1024 * 1024


def _variant(row, variant):
    """Return (key, name, content type, size, sha256) of the original or its PDF."""
    if variant == "original" or (
        row.conversion == domain.NOT_NEEDED and row.content_type == "application/pdf"
    ):
        return row.object_key, row.name, row.content_type, row.size, row.sha256
    if row.conversion == domain.PENDING:
        raise ConversionPending("The PDF is still being prepared")
    if row.conversion == domain.FAILED:
        raise ConversionFailed(
            "The file could not be converted to PDF",
            {"conversion": [row.conversion_reason or "failed"]},
        )
    if row.conversion != domain.DONE:
        raise NoConversion("This file has no PDF version")
    name = domain.pdf_name(row.name)
    return row.pdf_key, name, "application/pdf", row.pdf_size, row.pdf_sha256


def record_read(db, caller, row, action, variant="original"):
    """Chain who is handed a file's bytes (personal data), before handing them."""
    if row.kind == "template":
        return  # blank public forms: no personal data, and anyone may read them
    with db.transaction() as session:
        audit.append(
            session,
            AuditEntry,
            caller,
            action,
            row.public_id,
            province=row.province,
            agency=row.agency,
            details={
                "dossier_id": row.dossier_id,
                "kind": row.kind,
                "variant": variant,
            },
        )


def open_file(db, store, dossiers, caller, file_id, variant):
    """Return a short-lived URL of the original or PDF with what to verify it by."""
    row = load_visible(db, dossiers, caller, file_id)
    key, name, content_type, size, sha = _variant(row, variant)
    if store.checksum_of(key) != sha:
        raise ChecksumMismatch("Stored file failed its checksum")
    record_read(db, caller, row, "file.download", variant)
    return {
        "url": store.download_url(key),
        "name": name,
        "content_type": content_type,
        "size": size,
        "sha256": sha,
    }


def read_small(db, store, dossiers, caller, file_id):
    """Return a small original inline (base64) after verifying its checksum."""
    row = load_visible(db, dossiers, caller, file_id)
    if row.size > SMALL:
        raise FileTooLargeToInline("File too large to attach", {"file": [str(SMALL)]})
    buf = io.BytesIO()
    _, sha = store.fetch_to(row.object_key, buf)
    if sha != row.sha256:
        raise ChecksumMismatch("Stored file failed its checksum")
    record_read(db, caller, row, "file.read")
    return {
        "name": row.name,
        "content_type": row.content_type,
        # what the file is: notify never lets a dossier's file leave in bulk mail
        "kind": row.kind,
        "dossier_id": row.dossier_id,
        "content_b64": base64.b64encode(buf.getvalue()).decode("ascii"),
    }


def delete_dossier_files(db, store, caller, dossier_id):
    """Delete every file of a (draft) dossier; only its owner or the system may."""
    with db.transaction() as session:
        rows = session.scalars(
            select(StoredFile)
            .where(
                StoredFile.dossier_id == str(dossier_id),
                StoredFile.state.in_(("stored", "uploading")),
            )
            .with_for_update()
        ).all()
        national = scope_of(caller) == "national"
        if any(r.owner != caller.get("user_id") for r in rows) and not national:
            raise NotFound("Not found")
        keys = []
        for row in rows:
            keys += [k for k in (row.object_key, row.pdf_key) if k]
            row.state, row.updated_at = "deleted", utcnow()
        if rows:  # the index drops them too (committed with the deletion)
            ids = [r.public_id for r in rows]
            payload = {"dossier_id": str(dossier_id), "file_ids": ids}
            record_event(session, Outbox, contract.FILES_DELETED, payload,
                         province=rows[0].province)  # fmt: skip
    for key in keys:
        store.remove(key)
    return {"dossier_id": str(dossier_id), "deleted": len(rows)}


def list_for_index(db, caller, after=None, limit=500):
    """Every stored dossier file after the row id `after`, oldest first, with its
    row id as `internal_id` (the search service's rebuild: national scope only)."""
    if scope_of(caller) != "national":
        raise Forbidden("Not permitted", {"action": ["file.index"]})
    query = (
        select(StoredFile)
        .where(StoredFile.state == "stored", StoredFile.dossier_id.is_not(None))
        .order_by(StoredFile.id)
        .limit(min(int(limit or 500), 1000))
    )
    if after is not None:
        query = query.where(StoredFile.id > int(after))
    with db.reader() as session:
        rows = session.scalars(query).all()
    return [dict(dump_file(r), internal_id=r.id) for r in rows]
