"""File metadata: dossier uploads, generated slips and procedure form templates."""

from marshmallow import fields, validate

from .common import Nullable, Resource, Sent, page_of

CONVERSIONS = ("pending", "done", "failed", "not_needed")


class PdfVersion(Resource):
    name = Sent(fields.String)
    size = Nullable(fields.Integer)
    sha256 = Nullable(fields.String)


class FileMeta(Resource):
    """A stored file (never its storage key): upload, generated slip or template."""

    id = Sent(fields.UUID)
    kind = Sent(
        fields.String, validate=validate.OneOf(["upload", "generated", "template"])
    )
    dossier_id = Nullable(fields.String)
    task_id = Nullable(fields.String)
    comment_id = Nullable(fields.String)
    slot = Nullable(fields.String)
    audience = Nullable(fields.String)
    name = Sent(fields.String)
    size = Sent(fields.Integer)
    content_type = Sent(fields.String)
    sha256 = Sent(fields.String)
    conversion = Sent(fields.String, validate=validate.OneOf(CONVERSIONS))
    conversion_reason = Nullable(fields.String)
    pdf = Nullable(fields.Nested, PdfVersion)
    uploaded_by = Nullable(fields.String)
    province = Nullable(fields.String)
    agency = Nullable(fields.String)
    document = Nullable(
        fields.String,
        metadata={"description": "Generated slips: receipt, refusal, control…"},
    )
    procedure_code = Nullable(fields.String, metadata={"description": "Templates."})
    title = Nullable(fields.String, metadata={"description": "Templates."})
    created_at = Nullable(fields.DateTime)


class IndexedFile(FileMeta):
    """A stored dossier file as the search index's rebuild reads it."""

    internal_id = Sent(fields.Integer, metadata={"description": "The paging key."})


FilePage = page_of(FileMeta, "FilePage")


class Result(Resource):
    """A dossier's result: drafted by the officer, signed at the leader's approval."""

    dossier_id = Sent(fields.String)
    state = Sent(fields.String, validate=validate.OneOf(["draft", "signed"]))
    draft_file_id = Nullable(
        fields.String, metadata={"description": "Staff only: the unsigned draft."}
    )
    signed_file_id = Nullable(fields.String)
    sha256 = Nullable(fields.String, metadata={"description": "Of the signed PDF."})
    signer_name = Nullable(fields.String)
    signed_at = Nullable(fields.DateTime)
    verification_url = Sent(
        fields.String, metadata={"description": "The page the result's QR leads to."}
    )


class SignatureCheck(Resource):
    """What verifying a PDF's last signature found (pyHanko, against the CA)."""

    valid = Sent(fields.Boolean)
    intact = Sent(fields.Boolean)
    trusted = Sent(fields.Boolean)
    whole_file = Sent(fields.Boolean)
    signer_name = Nullable(fields.String)
    certificate_subject = Nullable(fields.String)
    certificate_issuer = Nullable(fields.String)
    signed_at = Nullable(fields.String)
    problem = Nullable(
        fields.String,
        metadata={
            "description": "unreadable, no_signature, signature_unreadable, "
            "signature_broken, untrusted_certificate, changed_after_signing"
        },
    )


class Verification(Resource):
    """A signed result checked again: its stored bytes, hash and signature."""

    code = Sent(fields.String)
    valid = Sent(fields.Boolean)
    hash_matches = Sent(fields.Boolean)
    sha256 = Sent(fields.String)
    expected_sha256 = Nullable(fields.String)
    signature = Sent(fields.Nested, SignatureCheck)
    receipt_number = Nullable(fields.String)
    procedure_name = Nullable(fields.String)
    agency_name = Nullable(fields.String)
    signer_name = Nullable(fields.String)
    signed_at = Nullable(fields.DateTime)
    file_name = Sent(fields.String)
    file_id = Sent(fields.String)


class DocumentCheck(Resource):
    """A PDF someone holds, checked: its sha256 and its signature."""

    sha256 = Sent(fields.String)
    signature = Sent(fields.Nested, SignatureCheck)


EXAMPLES = {
    "FileMeta": {
        "id": "61d29da1-315c-467c-b515-97938c582808",
        "kind": "upload",
        "dossier_id": "aa576ef5-fa62-4cdc-ab93-6800c21c3324",
        "task_id": None,
        "comment_id": None,
        "slot": "giay_chung_sinh",
        "audience": "public",
        "name": "Giấy chứng sinh.jpg",
        "size": 184321,
        "content_type": "image/jpeg",
        "sha256": "88555ba83d6516397b6ae8ac1fc2aad365b5292e1c9f3e7d0a4b6c8e2f1a3b5c",
        "conversion": "done",
        "conversion_reason": None,
        "pdf": {
            "name": "Giấy chứng sinh.pdf",
            "size": 201877,
            "sha256": "5b9c0e6f1d2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3",
        },
        "uploaded_by": "c6e8d816-1417-406b-8552-8955e769ff34",
        "province": "01",
        "agency": "000.00.01.H26",
        "document": None,
        "procedure_code": None,
        "title": None,
        "created_at": "2026-12-01T09:10:00+07:00",
    }
}
