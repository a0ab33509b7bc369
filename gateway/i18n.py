"""Vietnamese first: translate error messages and field messages for the caller.

Services answer in English keys (marshmallow's messages and our error messages);
the gateway renders them in the caller's language (`Accept-Language`, `vi` default).
"""

import re

DEFAULT = "vi"
SUPPORTED = ("vi", "en")

VI = {
    "Missing data for required field.": "Trường này là bắt buộc.",
    "Unknown field.": "Trường không được hỗ trợ.",
    "Field may not be null.": "Trường này không được để trống.",
    "Not a valid email address.": "Địa chỉ e-mail không hợp lệ.",
    "Not a valid string.": "Giá trị phải là chuỗi ký tự.",
    "Not a valid integer.": "Giá trị phải là số nguyên.",
    "Not a valid number.": "Giá trị phải là số.",
    "Not a valid boolean.": "Giá trị phải là đúng/sai.",
    "Not a valid date.": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "Not a valid datetime.": "Thời điểm không hợp lệ.",
    "Not a valid list.": "Giá trị phải là danh sách.",
    "Not a valid UUID.": "Mã định danh không hợp lệ.",
    "Invalid input type.": "Kiểu dữ liệu không hợp lệ.",
    "Invalid input": "Dữ liệu không hợp lệ",
    "Invalid payload": "Dữ liệu không hợp lệ",
    "Not found": "Không tìm thấy",
    "Not permitted": "Bạn không có quyền thực hiện thao tác này",
    "Authentication required": "Cần đăng nhập",
    "Invalid caller": "Phiên đăng nhập không hợp lệ",
    "Malformed JSON": "Nội dung JSON không hợp lệ",
    "Request body too large": "Nội dung gửi lên quá lớn",
    "Content-Length required": "Yêu cầu phải có độ dài nội dung (Content-Length)",
    "Unsupported media type": "Kiểu nội dung không được hỗ trợ",
    "Service unavailable": "Dịch vụ tạm thời không khả dụng",
    "Message broker unreachable": "Hệ thống tạm thời không khả dụng",
    "Internal error": "Lỗi hệ thống",
    "Too many requests": "Quá nhiều yêu cầu, vui lòng thử lại sau",
    "Idempotency-Key must be 1 to 255 letters, digits or . _ : -": (
        "Idempotency-Key phải gồm 1 đến 255 chữ cái, chữ số hoặc . _ : -"
    ),
    "Idempotency-Key already used for another request": (
        "Idempotency-Key đã được dùng cho một yêu cầu khác"
    ),
    "A request with this Idempotency-Key is still being processed": (
        "Yêu cầu có Idempotency-Key này vẫn đang được xử lý, vui lòng thử lại sau"
    ),
    "Route not found": "Không tìm thấy đường dẫn",
    "Method not allowed": "Phương thức không được hỗ trợ",
}

VI_PATTERNS = [
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        "Độ dài phải từ {0} đến {1} ký tự.",
    ),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        "Độ dài tối thiểu là {0} ký tự.",
    ),
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        "Độ dài tối đa là {0} ký tự.",
    ),
    (re.compile(r"^Must be one of: (.*)\.$"), "Giá trị phải là một trong: {0}."),
    (
        re.compile(
            r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"
        ),
        "Giá trị phải từ {0} đến {1}.",
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+)\.$"),
        "Giá trị phải lớn hơn hoặc bằng {0}.",
    ),
    (
        re.compile(r"^Must be less than or equal to (\S+)\.$"),
        "Giá trị phải nhỏ hơn hoặc bằng {0}.",
    ),
]

# Services may add their own entries (a key in English → Vietnamese).
EXTRA_VI = {}


def register(messages):
    """Add service-specific English → Vietnamese messages."""
    EXTRA_VI.update(messages)


def language(accept_language):
    """Pick `vi` or `en` from an Accept-Language header."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in SUPPORTED:
            return tag
    return DEFAULT


def translate(message, lang):
    """Return `message` in `lang` (English keys are returned as they are for en)."""
    if lang == "en" or not isinstance(message, str):
        return message
    found = EXTRA_VI.get(message) or VI.get(message)
    if found:
        return found
    for pattern, template in VI_PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def translate_details(details, lang):
    return {
        field: [translate(m, lang) for m in messages]
        if isinstance(messages, list)
        else translate(messages, lang)
        for field, messages in (details or {}).items()
    }
