"""The file metadata dump of the files service (RPC input: services/contracts)."""

from . import domain


def dump_file(row):
    """Return the public metadata of a stored file (never storage keys)."""
    pdf = None
    if row.conversion == domain.DONE:
        pdf = {
            "name": domain.pdf_name(row.name),
            "size": row.pdf_size,
            "sha256": row.pdf_sha256,
        }
    return {
        "id": row.public_id,
        "kind": row.kind,
        "dossier_id": row.dossier_id,
        "task_id": row.task_id,
        "comment_id": row.comment_id,
        "slot": row.slot,
        "audience": row.audience,
        "name": row.name,
        "size": row.size,
        "content_type": row.content_type,
        "sha256": row.sha256,
        "conversion": row.conversion,
        "conversion_reason": row.conversion_reason,
        "pdf": pdf,
        "uploaded_by": row.uploaded_by,
        "province": row.province,
        "agency": row.agency,
        "document": row.document,
        "procedure_code": row.procedure_code,
        "title": row.title,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }
