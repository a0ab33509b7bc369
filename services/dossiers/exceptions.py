"""Errors of the dossiers service, each with a stable code."""

from services.shared.errors import Conflict, NotFound, ValidationFailed


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
}
# "Too many files (at most N)." (forms.TOO_MANY_FILES): a slot's max_count is 1..100
# (schemas.DocumentDef) or a staff slot's 10/50, so every variant is listed.
MESSAGES_VI.update(
    {
        f"Too many files (at most {n}).": f"Quá nhiều tệp (tối đa {n} tệp)."
        for n in range(1, 101)
    }
)
