"""Errors of the files service, each with a stable code (see README)."""

from services.shared.errors import Conflict, NotFound, ServiceError, ValidationFailed


class FileNotFound(NotFound):
    code = "FILE_NOT_FOUND"


class UploadNotFound(NotFound):
    code = "UPLOAD_NOT_FOUND"


class UnsupportedFileType(ServiceError):
    code = "UNSUPPORTED_FILE_TYPE"
    status = 415


class SlotTypeNotAccepted(ValidationFailed):
    code = "FILE_TYPE_NOT_ACCEPTED"


class TooManyFiles(ValidationFailed):
    code = "TOO_MANY_FILES"


class FileTooLarge(ServiceError):
    code = "FILE_TOO_LARGE"
    status = 413


class DossierFilesTooLarge(ServiceError):
    code = "DOSSIER_FILES_TOO_LARGE"
    status = 413


class UnsafeArchive(ValidationFailed):
    code = "UNSAFE_ARCHIVE"


class FileInfected(ValidationFailed):
    code = "FILE_INFECTED"


class ScanUnavailable(ServiceError):
    code = "SCAN_UNAVAILABLE"
    status = 503


class ConversionPending(Conflict):
    code = "CONVERSION_PENDING"


class ConversionFailed(Conflict):
    code = "CONVERSION_FAILED"


class NoConversion(NotFound):
    code = "NO_PDF"


class ChecksumMismatch(ServiceError):
    code = "CHECKSUM_MISMATCH"
    status = 500


class StorageUnavailable(ServiceError):
    code = "STORAGE_UNAVAILABLE"
    status = 503


class FileTooLargeToInline(ValidationFailed):
    code = "FILE_TOO_LARGE_TO_INLINE"


class ConverterUnavailable(ServiceError):
    code = "CONVERTER_UNAVAILABLE"
    status = 503


class ResultNotEditable(Conflict):
    """The result is drafted while the dossier is processed, and never once signed."""

    code = "RESULT_NOT_EDITABLE"


class ResultNotDrafted(Conflict):
    code = "RESULT_NOT_DRAFTED"


class ResultNotFound(NotFound):
    code = "RESULT_NOT_FOUND"


class SignerUnavailable(ServiceError):
    code = "SIGNER_UNAVAILABLE"
    status = 503


EXPECTED = (ServiceError,)
