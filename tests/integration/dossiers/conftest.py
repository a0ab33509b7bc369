"""An agency with a department, a procedure and the callers acting on them."""

import uuid

import pytest

import services.dossiers.exceptions  # noqa: F401 - registers remote error types
from services.shared.caller import SYSTEM

PROVINCE = "01"
OPERATOR = {"kind": "operator", "roles": ["operator"], "user_id": "op-1"}

FORM = {
    "fields": [
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
        {
            "name": "copies",
            "label": "Số bản",
            "type": "number",
            "required": True,
            "min": 1,
            "max": 10,
        },
        {"name": "born", "label": "Ngày sinh", "type": "date"},
    ]
}


def staff(role, agency, department=None, province=PROVINCE):
    return {
        "kind": "staff",
        "roles": [role],
        "user_id": f"{role}-{uuid.uuid4().hex[:6]}",
        "full_name": f"Cán bộ {role}",
        "province": province,
        "agency": agency,
        "department": department,
    }


def citizen(province=PROVINCE):
    uid = uuid.uuid4().hex
    return {
        "kind": "citizen",
        "roles": ["citizen"],
        "user_id": uid,
        "full_name": "Nguyễn Văn An",
        "email": f"{uid}@example.test",
        "province": province,
    }


class World:
    def __init__(self, rpc):
        self.rpc = rpc
        suffix = uuid.uuid4().hex[:6].upper()
        self.agency = f"A{suffix}"
        self.department = "PTP"
        self.code = f"P{suffix}"
        self._make_agency()
        self.rpc.call(
            "dossiers",
            "create_procedure",
            OPERATOR,
            {
                "code": self.code,
                "province": PROVINCE,
                "name": "Đăng ký khai sinh",
                "level": 3,
                "processing_days": 3,
                "fee": 0,
                "agencies": [self.agency],
                "form": FORM,
                "documents": [{"slot": "photo", "name": "Ảnh", "required": False}],
            },
        )
        self.desk = staff("desk", self.agency)
        # Officers and leaders are real accounts: assignees are checked against them.
        self.officer = self.member("officer")
        self.officer2 = self.member("officer")
        self.leader = self.member("leader")
        self.admin = staff("admin", self.agency)
        self.citizen = citizen()

    def _make_agency(self):
        self.rpc.call(
            "accounts",
            "create_agency",
            SYSTEM,
            {"code": self.agency, "name": "UBND xã", "province": PROVINCE},
        )
        self.rpc.call(
            "accounts",
            "create_department",
            SYSTEM,
            {"code": self.department, "name": "Tư pháp", "agency": self.agency},
        )

    def member(self, role, department=None):
        """A member of staff created in accounts; the caller dict carries his id."""
        department = department or self.department
        created = self.rpc.call(
            "accounts",
            "create_staff",
            SYSTEM,
            {
                "email": f"{role}-{uuid.uuid4().hex[:10]}@dossiers.test",
                "full_name": f"Cán bộ {role}",
                "role": role,
                "agency": self.agency,
                "department": department,
                "province": PROVINCE,
            },
        )
        return dict(staff(role, self.agency, department), user_id=created["id"])

    def call(self, method, *args, **kwargs):
        return self.rpc.call("dossiers", method, *args, **kwargs)

    def draft(self, who=None, form=None):
        who = who or self.citizen
        form = {"full_name": "Nguyễn Văn Bình", "copies": 1} if form is None else form
        return self.call(
            "create_dossier",
            who,
            {
                "procedure": self.code,
                "agency": self.agency,
                "province": PROVINCE,
                "form": form,
            },
        )

    def submitted(self, who=None):
        dossier = self.draft(who)
        return self.call("submit_dossier", who or self.citizen, dossier["id"])

    def received(self, who=None):
        dossier = self.submitted(who)
        return self.act(self.desk, dossier["id"], "receive", department=self.department)

    def act(self, caller, dossier_id, action, **options):
        return self.call("act", caller, dossier_id, action, **options)


@pytest.fixture
def world(rpc):
    return World(rpc)
