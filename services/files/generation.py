"""Generated documents: render a slip, convert it, keep it once per dossier version."""

import hashlib
import io
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.shared.errors import Forbidden, ValidationFailed, detail
from services.shared.outbox import utcnow
from services.shared.permissions import scope_of

from . import domain, generated
from .conversion import ConversionError
from .exceptions import ConverterUnavailable
from .models import StoredFile
from .schemas import dump_file


def _check_caller(dossiers, caller, dossier):
    """System/national callers, or staff who see the dossier; else 403/404."""
    if scope_of(caller) == "national":
        return
    if caller.get("kind") != "staff" or scope_of(caller) == "own":
        raise Forbidden("Not permitted", {"action": ["file.generate"]})
    dossiers.require_readable(caller, dossier["id"])


def _check_input(kind, dossier):
    if kind not in generated.KINDS:
        raise ValidationFailed(
            "Invalid input", {"kind": [detail("unknown_document_kind")]}
        )
    if not isinstance(dossier, dict) or not dossier.get("id"):
        raise ValidationFailed("Invalid input", {"dossier": ["required"]})


def _existing(db, key):
    with db.reader() as session:
        return session.scalars(
            select(StoredFile).where(StoredFile.generated_key == key)
        ).first()


def _received(db, dossier_id, names=None):
    """Return [{name, count}] of the dossier's uploaded files, grouped by slot.

    `names` maps slot codes to the procedure's document names ("to_khai" → "Tờ khai").
    """
    names = names or {}
    with db.reader() as session:
        rows = session.scalars(
            select(StoredFile)
            .where(
                StoredFile.dossier_id == str(dossier_id),
                StoredFile.state == "stored",
                StoredFile.kind == "upload",
            )
            .order_by(StoredFile.id)
        ).all()
    counts = {}
    for row in rows:
        counts[row.slot or row.name] = counts.get(row.slot or row.name, 0) + 1
    return [
        {"name": names.get(slot, slot), "count": count}
        for slot, count in counts.items()
    ]


class Slips:
    """What generating a slip needs besides the database and the object store."""

    def __init__(self, office, dossiers, directory, public_url):
        self.office, self.dossiers = office, dossiers
        self.directory, self.public_url = directory, public_url


def generate_document(db, store, slips, caller, kind, dossier):
    """Return the slip's file meta, rendering and storing it the first time."""
    _check_input(kind, dossier)
    _check_caller(slips.dossiers, caller, dossier)
    key = f"{dossier['id']}:{kind}:{dossier.get('version') or 0}"
    if dossier.get("access_code"):
        # The desk's copy carries the paper dossier's access code; the e-mailed one
        # (from the event snapshot) does not, so they are kept apart.
        key += ":code"
    found = _existing(db, key)
    if found is not None:
        return dump_file(found)
    variables = generated.context(
        kind,
        dossier,
        slips.public_url,
        _received(db, dossier["id"], slips.dossiers.document_names(dossier)),
        slips.directory.names(dossier),
    )
    try:
        pdf = slips.office.html_to_pdf(generated.render(kind, variables))
    except ConversionError as exc:
        raise ConverterUnavailable(
            "Document could not be generated", {"converter": [exc.reason]}
        ) from exc
    return _keep(db, store, caller, kind, dossier, key, pdf)


def _keep(db, store, caller, kind, dossier, key, pdf, audience=None, document=None):
    public_id, sha = str(uuid.uuid4()), hashlib.sha256(pdf).hexdigest()
    object_key = f"files/{public_id}/original"
    store.put(object_key, io.BytesIO(pdf), len(pdf), "application/pdf", sha)
    now = utcnow()
    row = StoredFile(
        public_id=public_id,
        state="stored",
        kind="generated",
        document=document or kind,
        generated_key=key,
        dossier_id=str(dossier["id"]),
        uploaded_by=caller.get("user_id"),
        owner=dossier.get("owner", (dossier.get("applicant") or {}).get("id")),
        audience=audience or generated.audience_of(kind),
        province=dossier.get("province"),
        agency=dossier.get("agency"),
        department=dossier.get("department"),
        policy={},
        name=generated.file_name(kind, dossier),
        content_type="application/pdf",
        size=len(pdf),
        sha256=sha,
        object_key=object_key,
        conversion=domain.NOT_NEEDED,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.transaction() as session:
            session.add(row)
            session.flush()
            meta = dump_file(row)
    except IntegrityError:  # a concurrent call kept the same slip first
        store.remove(object_key)
        return dump_file(_existing(db, key))
    return meta
