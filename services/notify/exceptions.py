"""Errors of the notify service, each with a stable code."""

from services.shared.errors import Conflict, NotFound, ValidationFailed


class TemplateInvalid(ValidationFailed):
    code = "TEMPLATE_INVALID"


class UnknownTemplate(NotFound):
    code = "TEMPLATE_NOT_FOUND"


class BulkNotFound(NotFound):
    code = "BULK_MAIL_NOT_FOUND"


class BulkStateConflict(Conflict):
    code = "BULK_MAIL_STATE"


class NoRecipients(ValidationFailed):
    code = "NO_RECIPIENTS"


class AttachmentUnavailable(ValidationFailed):
    code = "ATTACHMENT_UNAVAILABLE"


class CriteriaUnavailable(ValidationFailed):
    code = "CRITERIA_UNAVAILABLE"


MESSAGES_VI = {
    "Template does not render": "Mẫu thư không hiển thị được",
    "Unknown template": "Không có mẫu thư này",
    "Bulk mail not found": "Không tìm thấy thư gửi hàng loạt",
    "Bulk mail cannot do this in its state": (
        "Thư gửi hàng loạt không thể thực hiện thao tác này ở trạng thái hiện tại"
    ),
    "No valid recipient": "Không có người nhận hợp lệ",
    "Attachment unavailable": "Không lấy được tệp đính kèm",
    "Recipient criteria not available yet": "Chưa hỗ trợ tiêu chí chọn người nhận này",
}
