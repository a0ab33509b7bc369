"""What other code may rely on: the events the files service emits and their payloads.

Every payload also carries event_id, occurred_at, province and request_id (outbox).
"""

FILE_UPLOADED = "file_uploaded"
FILE_CONVERTED = "file_converted"
FILE_CONVERSION_FAILED = "file_conversion_failed"

EVENTS = (FILE_UPLOADED, FILE_CONVERTED, FILE_CONVERSION_FAILED)

# Field lists of each payload (documented in contracts.yaml too).
PAYLOADS = {
    FILE_UPLOADED: (
        "file_id",
        "dossier_id",
        "slot",
        "name",
        "size",
        "content_type",
        "sha256",
        "owner",
        "agency",
        "conversion",
    ),
    FILE_CONVERTED: ("file_id", "dossier_id", "pdf_size", "pdf_sha256"),
    FILE_CONVERSION_FAILED: ("file_id", "dossier_id", "reason"),
}
