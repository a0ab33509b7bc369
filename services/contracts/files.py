"""The files service's contract: its RPC methods with their arguments and results, and
the events it emits (the outbox adds event_id, occurred_at, province, request_id).
"""

import copy

from marshmallow import fields, validate

from services.shared.schemas import BaseSchema
from services.shared.visibility import AUDIENCES

from .base import Envelope, Health, Method, body, caller, free, opt, table, text
from .resources import accounts as accounts_res
from .resources import files as res

Str = fields.String


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


class DraftResult(BaseSchema):
    """The result's draft: an uploaded PDF of the dossier, or (none) the template."""

    file_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 64)
    )


class CheckDocument(BaseSchema):
    content_b64 = fields.String(required=True, validate=validate.Length(1, 30_000_000))


# --- events ------------------------------------------------------------------------
FILE_UPLOADED = "file_uploaded"
RESULT_SIGNED = "result_signed"
FILE_CONVERTED = "file_converted"
FILE_CONVERSION_FAILED = "file_conversion_failed"
FILES_DELETED = "files_deleted"


def _none(field):
    field.allow_none = True
    field.load_default = None
    return field


class FileUploaded(Envelope):
    """A file was kept (an upload, a form template); its conversion may follow."""

    file_id = Str(required=True)
    dossier_id = _none(Str())
    slot = _none(Str())
    name = Str(required=True)
    size = fields.Integer(required=True)
    content_type = _none(Str())
    sha256 = Str(required=True)
    owner = _none(Str())
    agency = _none(Str())
    conversion = _none(Str())
    # who may see it and who added it (the dossier's history line follows both)
    audience = _none(Str())
    uploaded_by = _none(Str())


class FileConverted(Envelope):
    file_id = Str(required=True)
    dossier_id = _none(Str())
    pdf_size = fields.Integer(required=True)
    pdf_sha256 = Str(required=True)


class FileConversionFailed(Envelope):
    file_id = Str(required=True)
    dossier_id = _none(Str())
    reason = Str(required=True)


class FilesDeleted(Envelope):
    """The files of a (draft) dossier were deleted: their content is gone."""

    dossier_id = Str(required=True)
    file_ids = fields.List(Str(), required=True)


# the facts of a file_uploaded payload (what the outbox does not add)
UPLOADED_FIELDS = tuple(
    n for n in FileUploaded._declared_fields if n not in Envelope._declared_fields
)


class ResultSigned(Envelope):
    """A dossier's result was signed (at the leader's approval)."""

    dossier_id = Str(required=True)
    signed_file_id = Str(required=True)
    sha256 = Str(required=True)
    signer_name = _none(Str())
    signed_at = fields.DateTime(required=True)
    verification_url = Str(required=True)
    agency = _none(Str())


EVENTS = {
    RESULT_SIGNED: ResultSigned,
    FILE_UPLOADED: FileUploaded,
    FILE_CONVERTED: FileConverted,
    FILE_CONVERSION_FAILED: FileConversionFailed,
    FILES_DELETED: FilesDeleted,
}

# --- RPC methods ---------------------------------------------------------------------


def _like(schema, *names):
    """Arguments declared as the fields of `schema` (the body loads them again)."""
    return {n: copy.deepcopy(schema._declared_fields[n]) for n in names}


def _id():
    return text(validate=validate.Length(1, 64))


def _declared_type():
    """The type the client declares: always passed, None when it does not know."""
    return Str(required=True, allow_none=True, validate=validate.Length(max=255))


RPC = table(
    "files",
    health=Method(result=Health),
    begin_upload=Method(
        caller=caller(),
        **_like(BeginUpload, "dossier_id", "slot", "filename"),
        declared_type=_declared_type(),
        **_like(BeginUpload, "size", "audience"),
    ),
    complete_upload=Method(result=res.FileMeta, caller=caller(), upload_id=_id()),
    abort_upload=Method(caller=caller(), upload_id=_id()),
    get_file=Method(result=res.FileMeta, caller=caller(), file_id=_id()),
    list_audit=Method(
        result=accounts_res.AuditPage,
        caller=caller(),
        page=opt(fields.Integer()),
        page_size=opt(fields.Integer()),
    ),
    list_files=Method(result=res.FileMeta, caller=caller(), dossier_id=_id()),
    open_file=Method(
        caller=caller(),
        file_id=_id(),
        variant=opt(Str(validate=validate.OneOf(("original", "pdf")))),
    ),
    read_small=Method(caller=caller(), file_id=_id()),
    delete_dossier_files=Method(caller=caller(), dossier_id=_id()),
    # every stored dossier file after the row id `after`, for the index's rebuild
    list_for_index=Method(
        result=res.IndexedFile,
        caller=caller(),
        after=opt(fields.Integer(allow_none=True)),
        limit=opt(fields.Integer(validate=validate.Range(1, 1000))),
    ),
    # the dossier snapshot or detail the slip is printed from
    generate_document=Method(
        result=res.FileMeta, caller=caller(), kind=text(), dossier=free(True)
    ),
    begin_template_upload=Method(
        caller=caller(),
        **_like(BeginTemplateUpload, "procedure_code", "filename"),
        declared_type=_declared_type(),
        **_like(BeginTemplateUpload, "size", "title", "province"),
    ),
    draft_result=Method(
        result=res.Result, caller=caller(), dossier_id=_id(), data=body(DraftResult)
    ),
    sign_result=Method(result=res.Result, caller=caller(), dossier_id=_id()),
    get_result=Method(result=res.Result, caller=caller(), dossier_id=_id()),
    verify_result=Method(
        result=res.Verification,
        caller=caller(),
        code=text(validate=validate.Length(1, 32)),
    ),
    check_document=Method(
        result=res.DocumentCheck, caller=caller(), data=body(CheckDocument)
    ),
    list_templates=Method(
        result=res.FileMeta,
        caller=caller(),
        procedure_code=text(validate=validate.Length(1, 64)),
        province=opt(Str(validate=validate.Length(1, 8))),
    ),
)
