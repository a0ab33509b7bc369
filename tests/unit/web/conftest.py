"""A fake RPC pool answering the calls the web pages make, and a test client."""

import falcon.testing
import pytest

from gateway import settings
from gateway.app import create_app
from gateway.middleware import csrf_token_for
from gateway.rpc import RpcPool
from services.shared import config

CITIZEN = {
    "user_id": "c1",
    "kind": "citizen",
    "roles": ["citizen"],
    "province": "01",
    "full_name": "Nguyễn Văn An",
}
DESK = {
    "user_id": "s1",
    "kind": "staff",
    "roles": ["desk"],
    "province": "01",
    "agency": "UBX",
    "full_name": "Cán bộ một cửa",
}
PROCEDURE = {
    "code": "1.001193",
    "province": "01",
    "name": "Đăng ký khai sinh",
    "name_en": "Birth registration",
    "level": 3,
    "processing_days": 3,
    "fee": 1234567,
    "agencies": ["UBX"],
    "steps": ["Nộp tờ khai"],
    "legal_basis": ["Luật Hộ tịch 2014"],
    "templates": [{"name": "Tờ khai"}],
    "documents": [{"slot": "photo", "name": "Ảnh", "required": True}],
    "form": {
        "fields": [
            {"name": "full_name", "label": "Họ tên", "type": "text", "required": True},
            {"name": "copies", "label": "Số bản", "type": "number"},
        ]
    },
}
DOSSIER = {
    "id": "d-1",
    "receipt_number": None,
    "province": "01",
    "agency": "UBX",
    "department": None,
    "procedure": {"code": "1.001193", "name": "Đăng ký khai sinh", "version": 1},
    "applicant": {"full_name": "Nguyễn Văn An", "email": "a@example.test"},
    "status": "waiting_reception",
    "deadline_state": None,
    "days_late": 0,
    "appointment_date": "2026-03-05",
    "submitted_at": "2026-03-02T08:00:00+00:00",
    "updated_at": "2026-03-02T08:00:00+00:00",
    "fee": 0,
    "form": {"full_name": "Nguyễn Văn Bình"},
    "version": 3,
    "actions": ["receive", "reject"],
}


class FakeRpc(RpcPool):
    """Answer from `answers[(service, method)]` (a value, a callable or an error)."""

    def __init__(self, caller=None):
        super().__init__("amqp://unused")
        self.caller = caller
        self.calls = []
        self.answers = {
            ("dossiers", "list_procedures"): [PROCEDURE],
            ("dossiers", "get_procedure"): PROCEDURE,
            ("dossiers", "list_withdrawn_procedures"): [],
            ("dossiers", "get_dossier"): DOSSIER,
            ("dossiers", "history"): [],
            ("dossiers", "list_comments"): [],
            ("dossiers", "list_tasks"): [],
            ("search", "search_procedures"): {"items": [PROCEDURE], "total": 1},
            ("files", "list_files"): [],
            ("accounts", "list_provinces"): [{"code": "01", "name": "Hà Nội"}],
            ("accounts", "get_agency"): {
                "code": "UBX",
                "departments": [{"code": "TP", "name": "Tư pháp"}],
            },
            ("accounts", "list_staff"): [],
            ("notify", "unread_count"): {"unread": 0},
            ("notify", "list_reminders"): {"items": [], "total": 0},
            ("notify", "list_deliveries"): {"items": [], "total": 0},
            ("notify", "list_notifications"): {"items": [], "total": 0, "unread": 0},
        }

    def call(self, service, method, *args, request_id=None, timeout=None, **kw):
        self.calls.append((service, method, args, kw))
        if method == "authenticate":
            return dict(self.caller) if self.caller else None
        answer = self.answers.get((service, method))
        if isinstance(answer, Exception):
            raise answer
        return answer(*args, **kw) if callable(answer) else answer

    def called(self, method):
        return [c for c in self.calls if c[1] == method]


@pytest.fixture
def fake():
    return FakeRpc()


def make_client(rpc):
    return falcon.testing.TestClient(create_app(rpc, config.load(settings.SETTINGS)))


@pytest.fixture
def client(fake):
    return make_client(fake)


def session_cookies(token="tok-1"):
    """The cookies a logged-in browser sends, and its CSRF token."""
    csrf = csrf_token_for(token)
    return {"portal_session": token, "portal_csrf": csrf}, csrf
