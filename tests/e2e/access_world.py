"""The small world the access matrix runs in: two provinces, agencies, every role.

Built once per module through the public API, as an operator and the people would:
province A ("01") holds agency A with departments TP (the dossier's) and KT, and a
second agency A2; province B holds agency B. The owner's dossier is submitted and
received into TP; a draft of the same owner stays unsubmitted. `values` fills the
routes' path parameters and bodies.
"""

import uuid

from .conftest import PASSWORD, Agency
from .test_api_journey import (
    PDF,
    eventually,
    jpeg_bytes,
    login,
    register_citizen,
    upload,
)

PROVINCE_A, PROVINCE_B = "01", "79"
# Path parameters that are not records of the world.
FIXED = {
    "province": PROVINCE_A,
    # a year no other test reads: the matrix replaces province A's holidays in it
    "year": 2031,
    "key": "password_reset",
    "kind": "receipt",
    "name": "portal.css",
    # nobody's reminder: a reminder is its setter's alone, so every caller gets 404
    "reminder_id": "00000000-0000-4000-8000-000000000000",
}


class World:
    """Every account of the matrix, logged in, and the ids its routes need."""

    def __init__(self, api, stack, mailbox):
        self.api, self.stack, self.mailbox = api, stack, mailbox
        self.home = Agency(api, stack)
        self.operator = self.home.operator
        suffix = uuid.uuid4().hex[:5].upper()
        # Texts the world writes, searched for in answers (`reveals`).
        self.markers = {
            "internal_note": f"matrix-internal-{suffix}",
            "sendback_note": f"matrix-send-back-{suffix}",
            "task_title": f"matrix-task-{suffix}",
        }
        self.sibling, self.far = f"F{suffix}", f"G{suffix}"
        self._tenancy()
        self.emails = self._people()
        self.tokens = {role: self._login(email) for role, email in self.emails.items()}
        self.tokens["operator"] = self.operator.session.headers["Authorization"][7:]
        self.tokens["client_scoped"] = self._client(["dossiers:read", "dossiers:write"])
        self.tokens["client_unscoped"] = self._client(["procedures:read"])
        self.tokens["anonymous"] = None
        self.roles = list(self.tokens)
        self.values = self._records()

    def _tenancy(self):
        """Agency A2 beside agency A, agency B in province B, department KT in A."""
        self._agency(self.sibling, PROVINCE_A, "TP")
        self._agency(self.far, PROVINCE_B, "TP")
        self._post("/api/v1/departments", {
            "code": "KT", "name": "Kinh tế", "agency": self.home.code,
        })  # fmt: skip

    def _people(self):
        """Every person of the matrix by role: {role: e-mail}."""
        home = self.home.code
        return dict(self.home.staff) | {
            "officer_other_dept": self._staff("officer", home, "KT"),
            "admin": self._staff("admin", home),
            "admin_other_agency": self._staff("admin", self.sibling),
            "province_admin": self._staff("province_admin", province=PROVINCE_A),
            "province_admin_other": self._staff("province_admin", province=PROVINCE_B),
            "owner": register_citizen(self.api, self.mailbox),
            "other_citizen": register_citizen(self.api, self.mailbox),
        }

    def _post(self, path, body, client=None):
        resp = (client or self.operator).post(path, json=body)
        assert resp.status_code == 201, (path, resp.text)
        return resp.json()

    def _agency(self, code, province, department):
        self._post("/api/v1/agencies", {
            "code": code, "name": f"UBND {code}", "province": province,
        })  # fmt: skip
        self._post("/api/v1/departments", {
            "code": department, "name": "Tư pháp", "agency": code,
        })  # fmt: skip

    def _staff(self, role, agency=None, department=None, province=PROVINCE_A):
        email = f"{role}-{uuid.uuid4().hex[:8]}@e2e.test"
        body = {"email": email, "full_name": f"Cán bộ {role}", "password": PASSWORD,
                "role": role, "province": province}  # fmt: skip
        if agency:
            body["agency"] = agency
        if department:
            body["department"] = department
        self._post("/api/v1/staff", body)
        return email

    def _login(self, email):
        return login(self.api, email).session.headers["Authorization"][7:]

    def client_credentials(self, scopes):
        """A new API client of the home agency: (client_id, client_secret)."""
        made = self._post("/api/v1/api-clients", {
            "name": f"Hệ thống {scopes[0]}", "scopes": scopes, "agency": self.home.code,
        })  # fmt: skip
        return made["client_id"], made["client_secret"]

    def client_token(self, client_id, client_secret):
        resp = self.api.post("/api/v1/oauth/token", data={
            "grant_type": "client_credentials",
            "client_id": client_id, "client_secret": client_secret,
        })  # fmt: skip
        assert resp.status_code == 200, resp.text
        return resp.json()["access_token"]

    def _client(self, scopes):
        return self.client_token(*self.client_credentials(scopes))

    def as_role(self, role):
        return self.api.as_user(self.tokens[role])

    def _records(self):
        """Create the dossiers, files, task, comment, template and bulk mail."""
        home = self.home
        dossier_id, file_id, receipt = self._received_dossier()
        draft = self._post("/api/v1/dossiers", {
            "procedure": home.procedure, "agency": home.code, "form": {},
        }, self.as_role("owner"))  # fmt: skip
        values = FIXED | {
            "dossier_id": dossier_id,
            "draft_id": draft["id"],
            "file_id": file_id,
            "receipt_number": receipt,
            "task_id": self._task(dossier_id),
            "staff_file_id": self._staff_work(dossier_id),
            "template_id": self._template(),
            "bulk_id": self._bulk(),
            "subscription_id": self._subscription(),
            "staff_user_id": self._throwaway_staff(),
            "withdrawn_code": self._throwaway_procedure(),
            "succession_id": self._succession(),
            "code": home.procedure,
            "agency": home.code,
            "department": home.department,
            "procedure_body": home.procedure_body(),
            "run": uuid.uuid4().hex[:6].upper(),
        }
        self._indexed(dossier_id)
        return values | self.markers

    def _received_dossier(self):
        """The owner files and submits; the desk receives into TP. Return the ids."""
        home, owner = self.home, self.as_role("owner")
        dossier = self._post("/api/v1/dossiers", {
            "procedure": home.procedure, "agency": home.code,
            "form": {"child_name": "Nguyễn Văn An", "copies": 1},
        }, owner)  # fmt: skip
        file = upload(owner, dossier["id"], "to_khai", "to khai.pdf", PDF,
                      "application/pdf")  # fmt: skip
        upload(owner, dossier["id"], "giay_chung_sinh", "cs.jpg", jpeg_bytes(),
               "image/jpeg")  # fmt: skip
        assert owner.post(f"/api/v1/dossiers/{dossier['id']}/submit").ok
        received = self.as_role("desk").post(
            f"/api/v1/dossiers/{dossier['id']}/actions",
            json={"action": "receive", "department": home.department},
        )
        assert received.status_code == 200, received.text
        return dossier["id"], file["id"], received.json()["receipt_number"]

    def _indexed(self, dossier_id):
        """Wait until search lists the received dossier (lists come from the index)."""
        eventually(
            lambda: self.operator.get("/api/v1/dossiers", params={"page_size": 100}),
            lambda resp: any(
                i["id"] == dossier_id and i["status"] == "processing"
                for i in resp.json().get("items", [])
            ),
        )

    def _task(self, dossier_id):
        officer = self.as_role("officer")
        me = officer.get("/api/v1/accounts/me").json()
        task = self._post(f"/api/v1/dossiers/{dossier_id}/tasks", {
            "title": f"Xác minh {self.markers['task_title']}", "assignee": me["id"],
        }, officer)  # fmt: skip
        self._post(f"/api/v1/dossiers/{dossier_id}/comments", {
            "body": f"Đủ giấy tờ {self.markers['internal_note']}", "internal": True,
        }, officer)  # fmt: skip
        return task["id"]

    def _staff_work(self, dossier_id):
        """The desk attaches a file; the leader sends the dossier back with a note.

        Both are internal to the agency by default (issue 11, item 2); the dossier
        ends in `processing` again. Return the desk's file id.
        """
        file = upload(self.as_role("desk"), dossier_id, "attachment", "phieu.pdf",
                      PDF, "application/pdf")  # fmt: skip
        for role, body in (
            ("officer", {"action": "send_for_approval"}),
            ("leader", {"action": "send_back", "note": self.markers["sendback_note"]}),
        ):
            resp = self.as_role(role).post(
                f"/api/v1/dossiers/{dossier_id}/actions", json=body
            )
            assert resp.status_code == 200, resp.text
        return file["id"]

    def _template(self):
        # The operator has no province: his upload finds no procedure (known_gap).
        resp = self.as_role("province_admin").post(
            f"/api/v1/procedures/{self.home.procedure}/templates",
            data={"title": "Tờ khai"},
            files={"file": ("to-khai.pdf", PDF, "application/pdf")},
        )
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    def _bulk(self):
        made = self._post("/api/v1/bulk-mails", {
            "subject": "Thông báo", "body": "Kính gửi {{ full_name }}",
            "csv": "email,full_name\nnguoi-nhan@e2e.test,Người nhận\n",
        }, self.as_role("admin"))  # fmt: skip
        return made["id"]

    def _succession(self):
        """A throwaway agency of province A merged into agency A2 (the sibling)."""
        old = f"H{uuid.uuid4().hex[:6].upper()}"
        self._agency(old, PROVINCE_A, "TP")
        made = self._post("/api/v1/successions", {
            "successor": self.sibling, "predecessors": [old],
        })  # fmt: skip
        return made["id"]

    def _subscription(self):
        """The scoped client's subscription, disabled at once (nothing is sent)."""
        client = self.as_role("client_scoped")
        body = {"url": "http://127.0.0.1:18199/m", "event_types": ["dossier_submitted"]}
        made = self._post("/api/v1/webhooks/subscriptions", body, client)
        path = f"/api/v1/webhooks/subscriptions/{made['id']}"
        assert client.patch(path, json={"active": False}).status_code == 200
        return made["id"]

    def _throwaway_procedure(self):
        """A procedure of the home agency that the withdrawal rows withdraw."""
        code = f"W{uuid.uuid4().hex[:6].upper()}"
        self._post("/api/v1/procedures", dict(self.home.procedure_body(), code=code))
        return code

    def _throwaway_staff(self):
        email = self._staff("desk", self.home.code)
        staff = self.operator.get("/api/v1/staff", params={"agency": self.home.code})
        return next(s["id"] for s in staff.json()["items"] if s["email"] == email)
