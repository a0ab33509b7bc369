"""Catalogue entries of "my work", printing and the admin pages: key → (vi, en)."""

MESSAGES = {
    # My work
    "nav.mywork": ("Việc của tôi", "My work"),
    "mywork.title": ("Việc của tôi", "My work"),
    "mywork.intro": (
        "Hồ sơ quá hạn và sắp đến hạn được xếp lên đầu.",
        "Overdue and due-soon dossiers come first.",
    ),
    "mywork.procedure": ("Lọc theo thủ tục", "Filter by procedure"),
    "mywork.mine": ("Chỉ hồ sơ giao cho tôi", "Only dossiers assigned to me"),
    "mywork.tasks": ("Công việc được giao", "My tasks"),
    "mywork.dossiers": ("Hồ sơ đang xử lý", "Dossiers in progress"),
    "mywork.sorted": (
        "sắp xếp theo thời gian còn lại",
        "sorted by time left",
    ),
    "task.open": ("Đang thực hiện", "Open"),
    "task.done": ("Đã hoàn thành", "Done"),
    "task.cancelled": ("Đã hủy", "Cancelled"),
    "task.status": ("Trạng thái công việc", "Task status"),
    "task.update": ("Cập nhật", "Update"),
    "task.mark_done": ("Đánh dấu hoàn thành", "Mark done"),
    "comment.attach": ("Đính kèm tệp", "Attach files"),
    "comment.attach_hint": (
        "Tệp được tải lên trước khi gửi ý kiến.",
        "Files are uploaded before the comment is posted.",
    ),
    "comment.attach_existing": (
        "Đính kèm tệp đã tải lên",
        "Attach files already uploaded",
    ),
    "comment.attachment": ("Tệp đính kèm", "Attachment"),
    # Printing
    "printing.title": ("Bản in hồ sơ", "Printable dossier"),
    "printing.back": ("Quay lại hồ sơ", "Back to the dossier"),
    "printing.documents": ("Giấy tờ in", "Printable documents"),
    "printing.receipt": ("In phiếu tiếp nhận", "Print the receipt slip"),
    "printing.control": ("In phiếu kiểm soát", "Print the control sheet"),
    "printing.supplement_request": (
        "In phiếu yêu cầu bổ sung",
        "Print the supplement request",
    ),
    "printing.refusal": ("In phiếu từ chối", "Print the refusal"),
    "printing.apology": ("In thư xin lỗi", "Print the apology letter"),
    "printing.dossier": (
        "In hồ sơ, trao đổi và lịch sử",
        "Print the dossier, discussion and history",
    ),
    "printing.printed_by": ("Người in", "Printed by"),
}
