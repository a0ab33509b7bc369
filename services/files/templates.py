"""Per-procedure form templates: admins upload them, anyone downloads them.

A template is a stored file of kind `template` tied to a procedure code (no dossier);
it goes through the same presigned-PUT upload and the same checks as any upload
(`complete_upload`), and is converted to PDF like one. A citizen who fills one in
uploads it into a dossier slot as a normal upload.
"""

import uuid

from sqlalchemy import select

from services.shared.outbox import utcnow
from services.shared.permissions import require

from . import domain
from .exceptions import FileTooLarge, UnsupportedFileType
from .models import StoredFile
from .schemas import dump_file


def _checked_name(filename, size, limits):
    name = domain.normalise_name(filename)
    if domain.canonical_type(name) is None:
        raise UnsupportedFileType(
            "The file's content does not match its name or is not supported",
            {"file": [domain.extension(name) or "?"]},
        )
    if size > limits.max_file:
        raise FileTooLarge("File too large", {"file": [str(limits.max_file)]})
    return name


def begin_template_upload(db, store, dossiers, limits, caller, upload):
    """Admins only; the procedure must exist. Return where to PUT the bytes."""
    require(caller, "template.manage")
    name = _checked_name(upload["filename"], upload["size"], limits)
    code = upload["procedure_code"]
    dossiers.require_procedure(caller, code)
    public_id, now = str(uuid.uuid4()), utcnow()
    with db.transaction() as session:
        session.add(
            StoredFile(
                public_id=public_id,
                state="uploading",
                kind="template",
                procedure_code=code,
                title=upload.get("title") or name,
                uploaded_by=caller.get("user_id"),
                province=caller.get("province"),
                agency=caller.get("agency"),
                policy={},
                name=name,
                declared_type=upload.get("declared_type"),
                size=upload["size"],
                object_key=f"incoming/{public_id}",
                conversion=domain.initial_conversion(name),
                created_at=now,
                updated_at=now,
            )
        )
    return {
        "upload_id": public_id,
        "upload_url": store.upload_url(f"incoming/{public_id}"),
        "max_bytes": limits.max_file,
    }


def list_templates(db, procedure_code):
    """Return the stored templates of a procedure (public), oldest first."""
    with db.reader() as session:
        rows = session.scalars(
            select(StoredFile)
            .where(
                StoredFile.kind == "template",
                StoredFile.procedure_code == str(procedure_code),
                StoredFile.state == "stored",
            )
            .order_by(StoredFile.id)
        ).all()
    return [dump_file(r) for r in rows]
