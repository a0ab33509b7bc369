"""Files: upload to a dossier, list, metadata, original and PDF downloads.

Uploads never sit whole in memory: the multipart part is counted while it is spooled
(1 MiB in memory, the rest on disk) and refused with 413 as soon as it passes the limit;
the files service then hands out a presigned PUT URL and the spool is streamed to MinIO,
so the gateway holds no storage credentials. Downloads are verified against the stored
sha256 before the first byte goes out.
"""

import hashlib
import tempfile

import falcon
import requests
from marshmallow import fields, validate

from gateway.errors import CodedHTTPError
from services.contracts.resources import files as res
from services.files.settings import MAX_FILE_BYTES
from services.shared.errors import Unavailable, ValidationFailed, detail
from services.shared.routes import PAGES
from services.shared.visibility import AUDIENCES

from ..apidoc import BINARY, PUBLIC, Input, op
from ..text_guard import checked_parts, part_text
from .common import call

CHUNK = 64 * 1024
SPOOL = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
INLINE = ("application/pdf", "image/jpeg", "image/png")


def too_large():
    return CodedHTTPError(falcon.HTTP_413, "FILE_TOO_LARGE", "File too large")


def spool_part(stream, limit):
    """Copy a multipart stream into a spooled temp file; return (file, size)."""
    spool = tempfile.SpooledTemporaryFile(SPOOL)
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise too_large()
        spool.write(chunk)
    spool.seek(0)
    return spool, size


def read_upload_form(req, limit, required=("slot",), optional=()):
    """Return ({field: text}, filename, declared type, spool, size) of the form."""
    if not (req.content_type or "").startswith("multipart/form-data"):
        raise CodedHTTPError(
            falcon.HTTP_415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"
        )
    texts, upload = {}, None
    for part in checked_parts(req.get_media()):
        if part.name in required or part.name in optional:
            texts[part.name] = part_text(part)
        elif part.name == "file" and upload is None:
            spool, size = spool_part(part.stream, limit)
            upload = (part.filename or "", part.content_type, spool, size)
    missing = {
        name: ["required"]
        for name in ("file", *required)
        if not (upload if name == "file" else texts.get(name))
    }
    if missing:
        if upload:
            upload[2].close()
        raise ValidationFailed("Invalid input", missing)
    return (texts, *upload)


def put_upload(rpc, req, begun, spool, size):
    """Stream the spool to the presigned URL, then let the service verify it."""
    try:
        answer = requests.put(
            begun["upload_url"],
            data=spool,
            headers={"Content-Length": str(size)},
            timeout=120,
        )
        answer.raise_for_status()
    except requests.RequestException as exc:
        call(rpc, req, "files", "abort_upload", begun["upload_id"])
        raise Unavailable(
            "File storage unavailable", {"storage": [type(exc).__name__]}
        ) from exc
    return call(rpc, req, "files", "complete_upload", begun["upload_id"])


class DossierFiles:
    """POST uploads a file into a dossier's slot; GET lists the dossier's files."""

    def __init__(self, rpc, max_file):
        self.rpc = rpc
        self.max_file = max_file
        self.max_body = max_file + MULTIPART_OVERHEAD

    def on_get(self, req, resp, dossier_id):
        """List the dossier's files the caller may see."""
        items = call(self.rpc, req, "files", "list_files", dossier_id)
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp, dossier_id):
        """Store an uploaded file (multipart `file`, `slot`, staff: `audience`)."""
        texts, filename, declared, spool, size = read_upload_form(
            req, self.max_file, optional=("audience",)
        )
        with spool:
            begun = call(
                self.rpc, req, "files", "begin_upload",
                dossier_id, texts["slot"], filename, declared, size,
                texts.get("audience") or None,
            )  # fmt: skip
            meta = put_upload(self.rpc, req, begun, spool, size)
        resp.status = falcon.HTTP_201
        resp.media = meta


class ProcedureTemplates:
    """GET lists a procedure's form templates (anyone); POST adds one (admins)."""

    def __init__(self, rpc, max_file):
        self.rpc = rpc
        self.max_file = max_file
        self.max_body = max_file + MULTIPART_OVERHEAD

    def on_get(self, req, resp, code):
        """List the templates of the procedure (of `?province=`, else the caller's)."""
        province = req.get_param("province") or None
        items = call(self.rpc, req, "files", "list_templates", code, province)
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp, code):
        """Upload a template (multipart `file`, optional `title`)."""
        texts, filename, declared, spool, size = read_upload_form(
            req, self.max_file, required=(), optional=("title", "province")
        )
        with spool:
            begun = call(
                self.rpc, req, "files", "begin_template_upload",
                code, filename, declared, size, texts.get("title"),
                req.get_param("province") or texts.get("province") or None,
            )  # fmt: skip
            meta = put_upload(self.rpc, req, begun, spool, size)
        resp.status = falcon.HTTP_201
        resp.media = meta


class FileMeta:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, file_id):
        """Return a file's metadata and conversion state."""
        resp.media = call(self.rpc, req, "files", "get_file", file_id)


def fetch_verified(url, sha256):
    """Download an object into a spool, refusing it if its checksum differs."""
    spool = tempfile.SpooledTemporaryFile(SPOOL)
    digest = hashlib.sha256()
    try:
        with requests.get(url, stream=True, timeout=120) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_content(CHUNK):
                digest.update(chunk)
                spool.write(chunk)
    except requests.RequestException as exc:
        spool.close()
        raise Unavailable(
            "File storage unavailable", {"storage": [type(exc).__name__]}
        ) from exc
    if digest.hexdigest() != sha256:
        spool.close()
        raise CodedHTTPError(
            falcon.HTTP_500, "CHECKSUM_MISMATCH", "Stored file failed its checksum"
        )
    size = spool.tell()
    spool.seek(0)
    return spool, size


def download_flag(req):
    """`?download=`: true/false (or absent); anything else is 422 naming it."""
    try:
        return req.get_param_as_bool("download")
    except falcon.HTTPInvalidParam:
        raise ValidationFailed(
            "Invalid input", {"download": [detail("invalid_boolean")]}
        ) from None


class FileContent:
    """Stream the original (or the PDF) with a UTF-8 file name (RFC 5987).

    Shown inline (PDF, images) unless `?download=1`; the portal's own pages may
    frame it (the workspace's PDF view, the print view), no other site.
    """

    frameable = True

    def __init__(self, rpc, variant):
        self.rpc = rpc
        self.variant = variant

    def on_get(self, req, resp, file_id):
        """Send the file's bytes after checking permission and checksum."""
        download = download_flag(req)  # refused before any work
        info = call(self.rpc, req, "files", "open_file", file_id, self.variant)
        spool, size = fetch_verified(info["url"], info["sha256"])
        resp.content_type = info["content_type"] or "application/octet-stream"
        resp.set_stream(spool, size)
        if info["content_type"] in INLINE and not download:
            resp.viewable_as = info["name"]
        else:
            resp.downloadable_as = info["name"]
        resp.set_header("Cache-Control", "private, no-store")


def routes(rpc):
    max_file = MAX_FILE_BYTES.read()
    return [
        (PAGES["dossier_files"], DossierFiles(rpc, max_file)),
        ("/api/v1/files/{file_id}", FileMeta(rpc)),
        (PAGES["file_content"], FileContent(rpc, "original")),
        (PAGES["file_pdf"], FileContent(rpc, "pdf")),
        ("/api/v1/procedures/{code}/templates", ProcedureTemplates(rpc, max_file)),
        (PAGES["template_content"], FileContent(rpc, "original")),
        (PAGES["template_pdf"], FileContent(rpc, "pdf")),
    ]


def _binary(description):
    return fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": description},
    )


class UploadForm(Input):
    file = _binary("The file (its type is checked from its bytes; scanned).")
    slot = fields.String(required=True, validate=validate.Length(1, 80))
    audience = fields.String(
        validate=validate.OneOf(AUDIENCES),
        metadata={"description": "Staff only; default: the applicant's are public."},
    )


class TemplateForm(Input):
    file = _binary("The form template.")
    title = fields.String(validate=validate.Length(max=255))
    province = fields.String(validate=validate.Length(1, 8))


class DownloadQuery(Input):
    download = fields.Boolean(
        metadata={"description": "Send as an attachment even if viewable."}
    )


class ProvinceQuery(Input):
    province = fields.String(
        validate=validate.Length(1, 8),
        metadata={"description": "Default: the caller's."},
    )


ANY_FILE = (("*/*", BINARY),)
PDF = (("application/pdf", BINARY),)
UPLOAD_ERRORS = (409, 413, 415)
NOT_A_TEMPLATE = (
    "Anyone may read a template; an id that is not one is answered as a "
    "dossier's file would be (401 unless signed in, 404 outside the scope)."
)
OPERATIONS = {
    "GET /api/v1/dossiers/{dossier_id}/files": op(
        "The dossier's files the caller may see.", ok=res.FilePage
    ),
    "POST /api/v1/dossiers/{dossier_id}/files": op(
        "Upload a file into one of the dossier's document slots.",
        form=UploadForm,
        ok=res.FileMeta,
        status=201,
        errors=UPLOAD_ERRORS,
        example="FileMeta",
        description="413 FILE_TOO_LARGE or DOSSIER_FILES_TOO_LARGE; 415 "
        "UNSUPPORTED_FILE_TYPE; 409 UPLOADS_CLOSED in this state; 422 "
        "FILE_TYPE_NOT_ACCEPTED by the slot, TOO_MANY_FILES, FILE_INFECTED, "
        "UNSAFE_ARCHIVE.",
    ),
    "GET /api/v1/files/{file_id}": op(
        "A file's metadata and conversion state.", ok=res.FileMeta
    ),
    "GET /api/v1/files/{file_id}/content": op(
        "The original bytes (checksum verified), with an RFC 5987 file name.",
        query=DownloadQuery,
        media=ANY_FILE,
        ok_description="The original file.",
    ),
    "GET /api/v1/files/{file_id}/pdf": op(
        "The PDF version (inline unless download=true).",
        query=DownloadQuery,
        media=PDF,
        errors=(409,),
        ok_description="The PDF.",
        description="409 CONVERSION_PENDING while converting, CONVERSION_FAILED "
        "with the reason; 404 NO_PDF when none is made for this type.",
    ),
    "GET /api/v1/procedures/{code}/templates": op(
        "The procedure's form templates.",
        query=ProvinceQuery,
        ok=res.FilePage,
        auth=PUBLIC,
    ),
    "POST /api/v1/procedures/{code}/templates": op(
        "Upload a form template of the procedure (administrators).",
        query=ProvinceQuery,
        form=TemplateForm,
        ok=res.FileMeta,
        status=201,
        errors=UPLOAD_ERRORS,
    ),
    "GET /api/v1/templates/{file_id}/content": op(
        "A template's original bytes (checksum verified).",
        query=DownloadQuery,
        media=ANY_FILE,
        auth=PUBLIC,
        errors=(401,),
        description=NOT_A_TEMPLATE,
        ok_description="The template file.",
    ),
    "GET /api/v1/templates/{file_id}/pdf": op(
        "A template's PDF version.",
        query=DownloadQuery,
        media=PDF,
        auth=PUBLIC,
        errors=(401, 409),
        description=NOT_A_TEMPLATE,
        ok_description="The PDF.",
    ),
}
