"""Per-procedure form templates: admins upload them, anyone downloads them.

A template is a stored file of kind `template` tied to a procedure code (no dossier);
it goes through the same presigned-PUT upload and the same checks as any upload
(`complete_upload`), and is converted to PDF like one. A citizen who fills one in
uploads it into a dossier slot as a normal upload.
"""

from sqlalchemy import select

from services.shared.errors import Forbidden, ValidationFailed, detail
from services.shared.permissions import manages_procedure, require

from .models import StoredFile
from .operations import (
    begun_before,
    checked_name,
    keep_begun,
    pending_upload,
    upload_answer,
)
from .schemas import dump_file

PROVINCE_NEEDED = detail("province_needed")
NOT_OWN_AGENCY = detail("procedure_not_own_agency")


def begin_template_upload(db, store, dossiers, limits, caller, upload, key=None):
    """Admins only; the procedure must exist. Return where to PUT the bytes.

    Under an Idempotency-Key the same upload is begun again (see begin_upload).
    """
    require(caller, "procedure.manage")
    name = checked_name(upload["filename"], upload["size"], limits)
    code = upload["procedure_code"]
    # codes are national: the template belongs to the procedure of one province
    procedure = dossiers.require_procedure(caller, code, upload.get("province"))
    if not manages_procedure(caller, procedure.get("agencies")):
        raise Forbidden(
            "Not permitted", {"agencies": [NOT_OWN_AGENCY]}, "PROCEDURE_OUT_OF_SCOPE"
        )
    province = procedure["province"]
    with db.transaction() as session:
        if earlier := begun_before(session, key):
            return upload_answer(store, limits, earlier)
        row = pending_upload(
            caller,
            upload,
            name,
            kind="template",
            procedure_code=code,
            title=upload.get("title") or name,
            province=province,
            agency=caller.get("agency"),
            policy={},
        )
        session.add(row)
        keep_begun(session, key, row)
    return upload_answer(store, limits, row.public_id)


def list_templates(db, caller, procedure_code, province=None):
    """Return the stored templates of a province's procedure (public), oldest first.

    Procedure codes are national, so the province (given, else the caller's) is part
    of the procedure's identity.
    """
    province = province or caller.get("province")
    if not province:
        raise ValidationFailed("Invalid input", {"province": [PROVINCE_NEEDED]})
    with db.reader() as session:
        rows = session.scalars(
            select(StoredFile)
            .where(
                StoredFile.kind == "template",
                StoredFile.procedure_code == str(procedure_code),
                StoredFile.province == str(province),
                StoredFile.state == "stored",
            )
            .order_by(StoredFile.id)
        ).all()
    return [dump_file(r) for r in rows]
