"""Labels of the result's pages: drafting, signing, verifying, rescheduling."""

MESSAGES = {
    "result.title": ("Kết quả giải quyết", "Result"),
    "result.state.draft": (
        "Đã soạn dự thảo, chờ lãnh đạo phê duyệt và ký số",
        "Drafted, waiting for the leader to approve and sign",
    ),
    "result.state.signed": ("Đã ký số", "Signed"),
    "result.draft_file": ("Xem dự thảo kết quả", "Open the draft"),
    "result.signed_file": ("Xem kết quả đã ký số", "Open the signed result"),
    "result.verify": ("Xác thực chữ ký số", "Verify the signature"),
    "result.source": ("Soạn kết quả từ", "Draft the result from"),
    "result.from_template": (
        "Mẫu kết quả của thủ tục (điền dữ liệu hồ sơ)",
        "The procedure's result template (filled with the dossier's data)",
    ),
    "result.draft": ("Soạn kết quả", "Draft the result"),
    "result.done_result": ("Đã soạn dự thảo kết quả", "The result was drafted"),
    "result.done_reschedule": (
        "Đã hẹn lại ngày trả kết quả; phiếu xin lỗi được gửi người nộp",
        "New date given; the apology letter goes to the applicant",
    ),
    "result.reschedule": (
        "Hẹn lại ngày trả kết quả (hồ sơ trễ hạn)",
        "Give a new date (late dossier)",
    ),
    "result.new_date": ("Ngày hẹn trả mới", "New date"),
    "result.reschedule_submit": (
        "Hẹn lại và gửi phiếu xin lỗi",
        "Reschedule and send the apology",
    ),
    "result.signed_by": ("Kết quả đã được ký số bởi", "The result was signed by"),
    "result.download": ("Tải kết quả đã ký số", "Download the signed result"),
    "dossier.rescheduled": ("Ngày hẹn trả mới", "New date promised"),
    "verify.title": ("Xác thực kết quả đã ký số", "Verify a signed result"),
    "verify.unknown": (
        "Không tìm thấy kết quả nào với mã xác thực này.",
        "No result carries this verification code.",
    ),
    "verify.valid": (
        "Chữ ký số hợp lệ: tài liệu còn nguyên vẹn từ khi ký.",
        "The signature is valid: the document is unchanged since it was signed.",
    ),
    "verify.invalid": ("Tài liệu KHÔNG hợp lệ.", "The document is NOT valid."),
    "verify.hash_changed": (
        "Tệp đang lưu khác với tệp đã ký (mã băm SHA-256 không khớp).",
        "The stored file differs from the one signed (SHA-256 mismatch).",
    ),
    "verify.problem.unreadable": ("Tệp không đọc được.", "The file cannot be read."),
    "verify.problem.no_signature": (
        "Tệp không có chữ ký số.",
        "The file carries no signature.",
    ),
    "verify.problem.signature_unreadable": (
        "Chữ ký số bị hỏng.",
        "The signature is damaged.",
    ),
    "verify.problem.signature_broken": (
        "Nội dung đã bị sửa sau khi ký.",
        "The content was changed after signing.",
    ),
    "verify.problem.untrusted_certificate": (
        "Chứng thư số không do cơ quan chứng thực tin cậy cấp.",
        "The certificate is not issued by a trusted authority.",
    ),
    "verify.problem.changed_after_signing": (
        "Tệp có phần được thêm sau khi ký.",
        "Something was added to the file after signing.",
    ),
    "verify.document": ("Tài liệu", "Document"),
    "verify.signer": ("Người ký", "Signed by"),
    "verify.signed_at": ("Thời gian ký", "Signed at"),
    "verify.certificate": ("Chứng thư số", "Certificate"),
    "verify.issuer": ("Cơ quan cấp chứng thư", "Issued by"),
    "verify.sha256": ("Mã băm SHA-256", "SHA-256"),
}
