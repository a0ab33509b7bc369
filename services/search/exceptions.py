"""Errors of the search service, each with a stable code."""

from services.shared.errors import ServiceError


class InvalidFilter(ServiceError):
    """A list or dashboard query named an unknown filter or a bad value."""

    code = "INVALID_FILTER"
    status = 422


class SearchUnavailable(ServiceError):
    """The search engine cannot be reached; lists answer 503, events wait."""

    code = "SEARCH_UNAVAILABLE"
    status = 503


class RebuildFailed(ServiceError):
    """The rebuilt index does not match its source; the alias was not switched."""

    code = "REBUILD_INCONSISTENT"
    status = 409


MESSAGES_VI = {
    "Invalid filter": "Bộ lọc không hợp lệ",
    "Search is temporarily unavailable": "Tìm kiếm tạm thời không khả dụng",
    "Unknown sort key.": "Khóa sắp xếp không được hỗ trợ.",
    "Page too deep; narrow the filters.": "Trang quá sâu; hãy thu hẹp bộ lọc.",
    "Rebuilt index does not match its source": "Chỉ mục dựng lại không khớp nguồn",
    "Unknown group.": "Nhóm thống kê không được hỗ trợ.",
    "Must not be before the start of the range.": "Không được trước ngày bắt đầu.",
}
