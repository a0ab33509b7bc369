"""Sample data each template is rendered with before an override is saved."""

from services.shared import routes

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
# The page each kind links to in the sample (the planner builds the real one).
PAGES = {
    "account_activation": ("activate", {"token": "mau-thu-kich-hoat"}),
    "password_reset": ("reset_password", {"token": "mau-thu-dat-lai"}),
    "registration_attempted": ("forgot_password", None),
    "login_failures": ("forgot_password", None),
    "task_assigned": ("task", None),
    "work_activity": ("staff_dossier", None),
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
    "task": {"id": 7, "title": "Thẩm định hồ sơ", "due_date": "2026-01-08"},
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
    "desks": {"receiving": "UBND phường Sài Gòn", "resolving": "Sở Tư pháp Hà Nội"},
    "too_large": False,
    "lang": "vi",
    "failures": 5,
    "ip": "203.0.113.7",
    "activity": "comment",
    "actor": {"id": "u2", "full_name": "Trần Văn Bình", "role": "officer"},
    "edits": [{"field": "due_date", "old": "2026-01-08", "new": "2026-01-09"}],
    "remind_at": "08/01/2026 08:00",
    "payment": {
        "ref": "260105A1B2C3D4E5F6A7B8",
        "amount": 10000,
        "currency": "VND",
        "state": "paid",
        "provider": "vnpay",
        "provider_txn": "14123456",
        "created_at": "2026-01-05T08:05:00+07:00",
        "paid_at": "2026-01-05T08:06:00+07:00",
        "refunded_at": None,
    },
}


def sample(key, public_url="http://127.0.0.1:8000"):
    """Return the sample context (and `link`) a template of `key` is checked with."""
    page, query = PAGES.get(key, ("citizen_dossier", None))
    params = {"task_id": BASE["task"]["id"]} if page == "task" else {}
    link = routes.url(public_url, page, query, dossier_id=DOSSIER["id"], **params)
    return dict(BASE, link=link)
