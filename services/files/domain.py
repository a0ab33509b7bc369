"""Pure rules of the files service: names, types, limits, zip-bomb guard, states.

No nameko, SQLAlchemy or falcon here; entrypoints feed plain values in.
"""

import posixpath
import re
import unicodedata

# Office's container of a password-protected DOCX/XLSX/PPTX (not a zip): accepted at
# upload, then ends `failed: password_protected` in conversion.
ENCRYPTED = "application/encrypted"

# Extension → (canonical content type, content types the sniffer may report for it).
TYPES = {
    "pdf": ("application/pdf", {"application/pdf"}),
    "doc": (
        "application/msword",
        {
            "application/msword",
            "application/x-ole-storage",
            "application/CDFV2",
            "application/vnd.ms-office",
        },
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ENCRYPTED,
        },
    ),
    "odt": (
        "application/vnd.oasis.opendocument.text",
        {"application/vnd.oasis.opendocument.text"},
    ),
    "xls": (
        "application/vnd.ms-excel",
        {
            "application/vnd.ms-excel",
            "application/x-ole-storage",
            "application/CDFV2",
            "application/vnd.ms-office",
        },
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ENCRYPTED,
        },
    ),
    "ods": (
        "application/vnd.oasis.opendocument.spreadsheet",
        {"application/vnd.oasis.opendocument.spreadsheet"},
    ),
    "ppt": (
        "application/vnd.ms-powerpoint",
        {
            "application/vnd.ms-powerpoint",
            "application/x-ole-storage",
            "application/CDFV2",
            "application/vnd.ms-office",
        },
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ENCRYPTED,
        },
    ),
    "odp": (
        "application/vnd.oasis.opendocument.presentation",
        {"application/vnd.oasis.opendocument.presentation"},
    ),
    "rtf": ("application/rtf", {"text/rtf", "application/rtf"}),
    "txt": ("text/plain", {"text/plain"}),
    "jpg": ("image/jpeg", {"image/jpeg"}),
    "jpeg": ("image/jpeg", {"image/jpeg"}),
    "png": ("image/png", {"image/png"}),
    "tif": ("image/tiff", {"image/tiff"}),
    "tiff": ("image/tiff", {"image/tiff"}),
}
ZIP_BASED = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
# Where the sniffer only sees "a zip", the entries tell which document it is.
ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
IMAGE = {"jpg", "jpeg", "png", "tif", "tiff"}
OFFICE = {
    "doc",
    "docx",
    "odt",
    "xls",
    "xlsx",
    "ods",
    "ppt",
    "pptx",
    "odp",
    "rtf",
    "txt",
}

PENDING, DONE, FAILED, NOT_NEEDED = "pending", "done", "failed", "not_needed"

# Control characters, and the bidirectional overrides that make "gnp.exe" look
# like "exe.png" in a list of files.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RESERVED = re.compile(r'[<>:"/\\|?*]')
MAX_NAME = 180


def normalise_name(raw):
    """Return a safe display name: NFC, no path parts, no control characters."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/")
    name = posixpath.basename(name)
    name = _CONTROL.sub("", name)
    name = _RESERVED.sub("_", name).strip().strip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot else name[:MAX_NAME]
    return name or "tep-tin"


def extension(name):
    """Return the lower-case extension of a name ("" when none)."""
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def supported(name):
    return extension(name) in TYPES


def canonical_type(name):
    """Return the content type a supported name stands for, or None."""
    entry = TYPES.get(extension(name))
    return entry[0] if entry else None


def matches(name, detected):
    """Tell whether the sniffed content type fits the name's extension."""
    entry = TYPES.get(extension(name))
    if not entry:
        return False
    if detected in entry[1]:
        return True
    # libmagic may call small text files by a more specific text type.
    return (
        extension(name) == "txt"
        and detected.startswith("text/")
        and "html" not in detected
    )


def refine_zip(detected, entries, mimetype_entry=None):
    """Name the office document a generic zip is, from its entries."""
    if detected not in ("application/zip", "application/octet-stream"):
        return detected
    for ext, marker in ZIP_MARKERS.items():
        if marker in entries:
            return TYPES[ext][0]
    if mimetype_entry in ODF_MIMETYPES.values():
        return mimetype_entry
    return detected


def accepted(content_type, accept):
    """Tell whether a slot accepting `accept` (may hold "x/*") takes the type."""
    if not accept:
        return True
    major = content_type.split("/")[0]
    return content_type in accept or f"{major}/*" in accept


def zip_verdict(members, compressed_size, max_unpacked, max_ratio, max_entries=5000):
    """Return None when a zip is safe, else the reason (uncompressed sizes given)."""
    if len(members) > max_entries:
        return "too_many_entries"
    total = sum(members)
    if total > max_unpacked:
        return "unpacked_too_large"
    if compressed_size and total / max(compressed_size, 1) > max_ratio:
        return "compression_ratio_too_high"
    return None


def conversion_for(name):
    """Return how a file becomes a PDF: "office", "image", or None (not needed)."""
    ext = extension(name)
    if ext in OFFICE:
        return "office"
    if ext in IMAGE:
        return "image"
    return None


def initial_conversion(name):
    return PENDING if conversion_for(name) else NOT_NEEDED


def pdf_name(name):
    stem, dot, _ = name.rpartition(".")
    return f"{stem if dot else name}.pdf"


def quota_problem(size, max_file, dossier_total, max_dossier):
    """Return the error code a size breaks, or None."""
    if size > max_file:
        return "FILE_TOO_LARGE"
    if dossier_total + size > max_dossier:
        return "DOSSIER_FILES_TOO_LARGE"
    return None


# Staff uploads into these slots are the agency's own working files: internal unless
# staff mark them public. A result, or a document the desk files for the applicant
# (a paper dossier's slot), is meant for the applicant: public unless marked internal.
INTERNAL_SLOTS = ("attachment",)


def upload_audience(applicant, slot, requested):
    """The audience of a new upload (the applicant's own are always public)."""
    if applicant:
        return "public"
    if requested:
        return requested
    return "internal" if slot in INTERNAL_SLOTS else "public"
