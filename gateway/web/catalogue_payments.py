"""Catalogue entries of the payment pages: key → (vi, en)."""

MESSAGES = {
    "pay.title": ("Thanh toán lệ phí", "Pay the fee"),
    "pay.state": ("Thanh toán", "Payment"),
    "pay.amount": ("Số tiền phải nộp", "Amount due"),
    "pay.button": ("Thanh toán trực tuyến", "Pay online"),
    "pay.again": ("Thanh toán lại", "Pay again"),
    "pay.continue": ("Tiếp tục đến cổng thanh toán", "Continue to the payment gateway"),
    "pay.intro": (
        "Bạn sẽ được chuyển đến cổng thanh toán để nộp lệ phí của hồ sơ. Hồ sơ được"
        " ghi nhận đã nộp lệ phí khi cổng thanh toán xác nhận giao dịch với Cổng dịch"
        " vụ công.",
        "You will be sent to the payment gateway to pay the dossier's fee. The fee is"
        " recorded as paid when the gateway confirms the transaction to the portal.",
    ),
    "pay.waits": (
        "Hồ sơ sẽ được chuyển đến bộ phận một cửa sau khi lệ phí được thanh toán.",
        "The dossier reaches the one-stop desk once its fee is paid.",
    ),
    "pay.due_at_result": (
        "Lệ phí phải được thanh toán trước khi nhận kết quả.",
        "The fee must be paid before the result is handed back.",
    ),
    "pay.not_due": ("Hồ sơ không có khoản nào cần thanh toán.", "Nothing to pay."),
    "pay.return_title": ("Kết quả thanh toán", "Payment result"),
    "pay.return_unknown": (
        "Không xác định được giao dịch này.",
        "This transaction could not be identified.",
    ),
    "pay.return_pending": (
        "Cổng thanh toán chưa xác nhận giao dịch. Trang hồ sơ sẽ cập nhật khi có"
        " xác nhận.",
        "The payment gateway has not confirmed the transaction yet. The dossier's"
        " page shows it once confirmed.",
    ),
    "pay.back": ("Về trang hồ sơ", "Back to the dossier"),
    "pay.ref": ("Mã giao dịch", "Transaction reference"),
    "pay.refund": ("Hoàn lệ phí", "Refund the fee"),
    "pay.refund_reason": ("Lý do hoàn lệ phí", "Reason for the refund"),
    "payment.not_due": ("Không phải nộp trực tuyến", "Nothing to pay online"),
    "payment.due": ("Chưa thanh toán", "Not paid"),
    "payment.pending": ("Đang chờ xác nhận", "Waiting for confirmation"),
    "payment.paid": ("Đã thanh toán", "Paid"),
    "payment.refunded": ("Đã hoàn tiền", "Refunded"),
    "payment.failed": ("Thanh toán không thành công", "Payment failed"),
    "action.payment_due": ("Chờ thanh toán lệ phí", "Fee due"),
    "action.payment_pending": ("Bắt đầu thanh toán", "Payment started"),
    "action.payment_paid": ("Đã thanh toán lệ phí", "Fee paid"),
    "action.payment_failed": ("Thanh toán không thành công", "Payment failed"),
    "action.payment_refunded": ("Hoàn lệ phí", "Fee refunded"),
    "recon.title": ("Đối soát thanh toán", "Payment reconciliation"),
    "recon.intro": (
        "Các giao dịch trong ngày trên Cổng so với sổ sách của cổng thanh toán.",
        "The day's payments in the portal against the payment gateway's records.",
    ),
    "recon.date": ("Ngày", "Date"),
    "recon.show": ("Xem", "Show"),
    "recon.csv": ("Tải CSV", "Download CSV"),
    "recon.paid": ("Đã thu", "Collected"),
    "recon.disagreements": ("Chênh lệch", "Disagreements"),
    "recon.portal": ("Trên Cổng", "Portal"),
    "recon.provider": ("Cổng thanh toán", "Provider"),
    "recon.agrees": ("Khớp", "Agrees"),
    "recon.yes": ("Khớp", "Yes"),
    "recon.no": ("Không khớp", "No"),
    "recon.duplicate": ("Thu trùng", "Paid twice"),
}
