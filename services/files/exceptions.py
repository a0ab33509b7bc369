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


EXPECTED = (ServiceError,)

# English message → Vietnamese, registered by the gateway's files resource.
MESSAGES_VI = {
    "The file was refused by the virus scanner": "Tệp bị trình quét virus từ chối",
    "The virus scanner is unavailable; try again later": (
        "Trình quét virus tạm thời không khả dụng, vui lòng thử lại sau"
    ),
    "File not found": "Không tìm thấy tệp",
    "Upload not found": "Không tìm thấy phiên tải lên",
    "The file's content does not match its name or is not supported": (
        "Nội dung tệp không khớp với tên tệp hoặc định dạng không được hỗ trợ"
    ),
    "This document slot does not accept this file type": (
        "Thành phần hồ sơ này không chấp nhận loại tệp này"
    ),
    "Too many files for this document slot": (
        "Số tệp của thành phần hồ sơ này vượt quá giới hạn"
    ),
    "File too large": "Tệp quá lớn",
    "The dossier's files exceed the allowed total": (
        "Tổng dung lượng tệp của hồ sơ vượt quá giới hạn"
    ),
    "The document expands beyond the allowed size": (
        "Tài liệu giải nén vượt quá dung lượng cho phép"
    ),
    "The PDF is still being prepared": "Bản PDF đang được tạo, vui lòng thử lại sau",
    "The file could not be converted to PDF": "Không thể chuyển tệp sang PDF",
    "This file has no PDF version": "Tệp này không có bản PDF",
    "Stored file failed its checksum": "Tệp lưu trữ bị lỗi kiểm tra toàn vẹn",
    "File storage unavailable": "Kho lưu trữ tệp tạm thời không khả dụng",
    "File too large to attach": "Tệp quá lớn để đính kèm",
    "Missing file": "Thiếu tệp tải lên",
    "Document could not be generated": "Không thể tạo văn bản, vui lòng thử lại sau",
}
