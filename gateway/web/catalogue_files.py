"""Labels of the file views: open, print, templates, staff uploads (vi, en)."""

MESSAGES = {
    "files.open": ("Mở trong thẻ mới", "Open in a new tab"),
    "files.print": ("In", "Print"),
    "files.print_title": ("Bản in tài liệu", "Print view of a document"),
    "files.print_now": ("In tài liệu này", "Print this document"),
    "files.print_hint": (
        "Nếu trình duyệt không in được khung xem, hãy mở tài liệu trong thẻ mới"
        " và in từ đó.",
        "If the browser cannot print the frame, open the document in a new tab"
        " and print it there.",
    ),
    "files.not_printable": (
        "Tài liệu này không xem được trên trình duyệt; hãy tải bản gốc.",
        "This document cannot be shown in the browser; download the original.",
    ),
    "files.back": ("Quay lại hồ sơ", "Back to the dossier"),
    "files.dossier": ("Hồ sơ", "Dossier"),
    "files.template_download": ("Tải về", "Download"),
    "files.staff_upload": (
        "Tải lên kết quả, tài liệu đính kèm",
        "Upload results and attachments",
    ),
    "files.staff_slot": ("Loại tài liệu", "Kind of document"),
    "files.slot.result": (
        "Kết quả giải quyết (PDF, gửi người nộp)",
        "Result (PDF, for the applicant)",
    ),
    "files.slot.attachment": ("Tài liệu nội bộ", "Internal attachment"),
    "files.uploaded": ("Đã tải tài liệu lên.", "Document uploaded."),
}
