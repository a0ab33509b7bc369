"""Payload schemas of the files service: RPC input and the file metadata dump."""

from marshmallow import fields, validate

from services.shared.schemas import BaseSchema
from services.shared.visibility import AUDIENCES

from . import domain


class BeginUpload(BaseSchema):
    dossier_id = fields.String(required=True, validate=validate.Length(1, 64))
    slot = fields.String(required=True, validate=validate.Length(1, 80))
    filename = fields.String(required=True, validate=validate.Length(1, 1000))
    declared_type = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=255)
    )
    size = fields.Integer(required=True, validate=validate.Range(min=0))
    task_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=64)
    )
    comment_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=64)
    )
    # staff choose; unset, see domain.upload_audience (the applicant's are public)
    audience = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(AUDIENCES)
    )


class BeginTemplateUpload(BaseSchema):
    procedure_code = fields.String(required=True, validate=validate.Length(1, 64))
    filename = fields.String(required=True, validate=validate.Length(1, 1000))
    declared_type = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=255)
    )
    size = fields.Integer(required=True, validate=validate.Range(min=0))
    title = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=255)
    )
    # which province's procedure (codes are national); default: the caller's
    province = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 8)
    )


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
