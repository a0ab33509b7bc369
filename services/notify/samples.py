"""Sample data each template is rendered with before an override is saved."""

DOSSIER = {
    "id": "8f0c6a4e-0000-4000-8000-000000000001",
    "receipt_number": "000.00.01.H26-260105-0001",
    "province": "01",
    "agency": "000.00.01.H26",
    "department": "TP",
    "procedure": {
        "code": "1.001",
        "name": "Cấp bản sao trích lục hộ tịch",
        "version": 1,
    },
    "applicant": {
        "id": "u1",
        "kind": "citizen",
        "full_name": "Nguyễn Thị Ánh",
        "email": "anh@example.vn",
    },
    "status": "processing",
    "deadline_state": "on_time",
    "days_late": 0,
    "appointment_date": "2026-01-12",
    "submitted_at": "2026-01-05T08:00:00+07:00",
    "received_at": "2026-01-05T09:00:00+07:00",
    "completed_at": None,
    "updated_at": "2026-01-05T09:00:00+07:00",
    "assignees": [],
    "fee": 8000,
    "form_text": "Nguyễn Thị Ánh Hà Nội",
    "paper": False,
    "version": 2,
}
# The sample of what `portal_link()` writes, per kind (a made-up token).
PATHS = {
    "account_activation": "/activate?token=mau-thu-kich-hoat",
    "password_reset": "/reset-password?token=mau-thu-dat-lai",
}
BASE = {
    "name": "Nguyễn Thị Ánh",
    "dossier": DOSSIER,
    "files": [{"name": "CCCD.pdf"}],
    "reason": "Thiếu bản sao giấy khai sinh",
    "note": "Vui lòng bổ sung bản sao giấy khai sinh",
    "receipt_number": DOSSIER["receipt_number"],
    "appointment_date": DOSSIER["appointment_date"],
    "status": "processing",
    "comment": {"body": "Hồ sơ đã được chuyển phòng chuyên môn", "author": {}},
    "task": {"title": "Thẩm định hồ sơ", "due_date": "2026-01-08"},
    "items": [
        {
            "kind": "task",
            "title": "Thẩm định hồ sơ",
            "due_date": "2026-01-08",
            "state": "overdue",
            "dossier_id": DOSSIER["id"],
        }
    ],
    "departments": [{"department": "TP", "overdue": 3}],
    "body": "Nội dung thông báo",
    "problems": [
        {"kind": "field", "label": "Số bản sao", "messages": ["chưa nhập"]},
        {"kind": "document", "label": "Tờ khai", "messages": ["chưa nộp"]},
    ],
    "attached": ["Quyết định.pdf"],
    "too_large": False,
    "lang": "vi",
    "failures": 5,
    "ip": "203.0.113.7",
}


def sample(key, public_url="http://127.0.0.1:8000"):
    """Return the sample context (and `link`) a template of `key` is checked with."""
    path = PATHS.get(key, f"/dossiers/{DOSSIER['id']}")
    return dict(BASE, link=public_url.rstrip("/") + path)
