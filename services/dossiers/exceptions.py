"""Errors of the dossiers service, each with a stable code."""

from services.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    Unavailable,
    ValidationFailed,
)


class DossierNotFound(NotFound):
    code = "DOSSIER_NOT_FOUND"


class ProcedureNotFound(NotFound):
    code = "PROCEDURE_NOT_FOUND"


class TaskNotFound(NotFound):
    code = "TASK_NOT_FOUND"


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"


class ConcurrentUpdate(Conflict):
    code = "CONCURRENT_UPDATE"


class LinkNotAllowed(ValidationFailed):
    """A procedure links to a script, data or a host its province does not allow."""

    code = "LINK_NOT_ALLOWED"


class ProcedureExists(Conflict):
    code = "PROCEDURE_EXISTS"


class UploadsClosed(Conflict):
    code = "UPLOADS_CLOSED"


class DossierInvalid(ValidationFailed):
    code = "DOSSIER_INVALID"


class AssigneeNotStaff(ValidationFailed):
    """The assignee is not active staff of the dossier's department."""

    code = "ASSIGNEE_NOT_STAFF"


class AgencyUnknown(ValidationFailed):
    code = "AGENCY_UNKNOWN"


class AgencyClosed(ValidationFailed):
    """The agency was closed (merged, renamed) or is not open yet on that day."""

    code = "AGENCY_CLOSED"


class AgencyOutsideProvince(ValidationFailed):
    code = "AGENCY_OUTSIDE_PROVINCE"


class AgencyNotListed(ValidationFailed):
    """The agency is not one of those the procedure names."""

    code = "AGENCY_NOT_LISTED"


class ProcedureNotOnline(ValidationFailed):
    """The procedure's level does not allow this online (levels 1 and 2)."""

    code = "PROCEDURE_NOT_ONLINE"


class ProcedureOutOfScope(Forbidden):
    """An agency admin manages only procedures its own agency receives."""

    code = "PROCEDURE_OUT_OF_SCOPE"


class ClaimRefused(ValidationFailed):
    """Receipt number and national ID or access code do not match (same answer)."""

    code = "CLAIM_REFUSED"


class TooManyClaims(ServiceError):
    code = "TOO_MANY_ATTEMPTS"
    status = 429


class PeerUnavailable(Unavailable):
    """A service the check depends on did not answer: refuse rather than pass."""


MESSAGES_VI = {
    "Dossier not found": "Không tìm thấy hồ sơ",
    "Procedure not found": "Không tìm thấy thủ tục",
    "Link not allowed": "Liên kết không được phép",
    "Only links to the portal or to hosts the province allows.": (
        "Chỉ được liên kết tới trang của cổng hoặc trang mà tỉnh cho phép."
    ),
    "Task not found": "Không tìm thấy công việc",
    "Action not allowed in the dossier's current state": (
        "Thao tác không được phép ở trạng thái hiện tại của hồ sơ"
    ),
    "The dossier was changed by someone else; reload it": (
        "Hồ sơ vừa được người khác thay đổi; vui lòng tải lại"
    ),
    "A procedure with this code already exists": "Mã thủ tục đã tồn tại",
    "Files cannot be added in the dossier's current state": (
        "Không thể thêm tệp ở trạng thái hiện tại của hồ sơ"
    ),
    "The dossier is incomplete or invalid": "Hồ sơ chưa đầy đủ hoặc không hợp lệ",
    "Missing required document.": "Thiếu giấy tờ bắt buộc.",
    "Not one of the allowed options.": "Giá trị không nằm trong danh sách cho phép.",
    "Unknown department.": "Phòng ban không tồn tại.",
    "Unknown agency for this procedure.": "Cơ quan không tiếp nhận thủ tục này.",
    "Unknown document slot.": "Loại giấy tờ không hợp lệ.",
    "A reason is required.": "Cần nêu lý do.",
    "A note is required.": "Cần ghi chú nội dung.",
    "Not a file of this dossier.": "Tệp không thuộc hồ sơ này.",
    "Not active staff of the dossier's department.": (
        "Không phải cán bộ đang công tác tại phòng ban xử lý hồ sơ."
    ),
    "The dossier has no department yet.": "Hồ sơ chưa được giao phòng ban.",
    "Unknown agency.": "Cơ quan không tồn tại.",
    "The agency is not open on this day.": "Cơ quan không hoạt động vào ngày này.",
    "The agency is not in the procedure's province.": (
        "Cơ quan không thuộc tỉnh, thành phố của thủ tục."
    ),
    "Not available online for this procedure's level.": (
        "Thủ tục ở mức độ này không cho phép thực hiện trực tuyến."
    ),
    "Only procedures your agency receives.": (
        "Chỉ được quản lý thủ tục do cơ quan mình tiếp nhận."
    ),
    "Receipt number and national ID or access code do not match.": (
        "Mã hồ sơ và số định danh hoặc mã truy cập không khớp."
    ),
    "Give either the national ID or the access code.": (
        "Nhập số định danh hoặc mã truy cập."
    ),
    "An e-mail or a phone number is required.": "Cần e-mail hoặc số điện thoại.",
    "Too many attempts": "Quá nhiều lần thử",
    "A service needed for this check is unavailable": (
        "Dịch vụ cần cho việc kiểm tra đang không sẵn sàng"
    ),
    "Invalid reference": "Tham chiếu không hợp lệ",
    "Not available online": "Không thực hiện trực tuyến được",
    "The dossier could not be claimed": "Không nhận được hồ sơ",
}
# "Too many files (at most N)." (forms.TOO_MANY_FILES): a slot's max_count is 1..100
# (schemas.DocumentDef) or a staff slot's 10/50, so every variant is listed.
MESSAGES_VI.update(
    {
        f"Too many files (at most {n}).": f"Quá nhiều tệp (tối đa {n} tệp)."
        for n in range(1, 101)
    }
)
