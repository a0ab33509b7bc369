"""The journey of MISSION.md through the public API, with the e-mails it sends.

A citizen registers and activates from the real e-mail, files a dossier with two
documents, and the desk, an officer and a leader take it from reception to the
result, with a supplement and a send-back on the way. Every status change must
reach the citizen's mailbox; the search index, the lookup and the delivery log
must agree with the dossier at the end.
"""

import io
import re
import time
import uuid

import pytest
from PIL import Image

from .conftest import PASSWORD

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def jpeg_bytes():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def eventually(fetch, check, timeout=30):
    """Poll `fetch` until `check(value)` holds; return the value."""
    deadline, value = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        value = fetch()
        if check(value):
            return value
        time.sleep(0.3)
    raise AssertionError(f"condition not met in {timeout}s: {value!r}")


def login(api, email):
    resp = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert resp.status_code == 201, resp.text
    return api.as_user(resp.json()["token"])


def register_citizen(api, mailbox):
    email = f"citizen-{uuid.uuid4().hex[:8]}@e2e.test"
    resp = api.post(
        "/api/v1/accounts",
        json={
            "kind": "citizen",
            "full_name": "Nguyễn Thị Hằng",
            "email": email,
            "phone": "0912345678",
            "password": PASSWORD,
            "national_id": "001190012345",
            "address": "12 Đường Láng, Hà Nội",
            "province": "01",
        },
    )
    assert resp.status_code == 201, resp.text
    assert login_status(api, email) == "ACCOUNT_NOT_ACTIVATED"
    mail = mailbox.wait_for(email)[0]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"activate\?token=([\w\-.~%]+)", body).group(1)
    activated = api.post("/api/v1/accounts/activate", json={"token": token})
    assert activated.status_code == 200, activated.text
    return email


def login_status(api, email):
    resp = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    return resp.json()["error"]["code"] if resp.status_code != 201 else "OK"


def upload(client, dossier_id, slot, name, data, content_type):
    resp = client.post(
        f"/api/v1/dossiers/{dossier_id}/files",
        data={"slot": slot},
        files={"file": (name, data, content_type)},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


class Desk:
    """Act on one dossier as a member of staff and check the state it lands in."""

    def __init__(self, client, dossier_id):
        self.client, self.dossier_id = client, dossier_id

    def act(self, action, expect, **body):
        resp = self.client.post(
            f"/api/v1/dossiers/{self.dossier_id}/actions",
            json={"action": action, **body},
        )
        assert resp.status_code == 200, (action, resp.text)
        assert resp.json()["status"] == expect
        return resp.json()


@pytest.fixture
def people(api, agency, mailbox):
    email = register_citizen(api, mailbox)
    staff = {role: login(api, addr) for role, addr in agency.staff.items()}
    return email, login(api, email), staff


def test_citizen_dossier_goes_from_submission_to_result(api, agency, people, mailbox):
    email, citizen, staff = people
    draft = citizen.post(
        "/api/v1/dossiers",
        json={
            "procedure": agency.procedure,
            "agency": agency.code,
            "form": {"child_name": "Nguyễn Văn An"},
        },
    )
    assert draft.status_code == 201, draft.text
    dossier_id = draft.json()["id"]

    # Incomplete: each missing field and document is named, nothing saved is lost.
    refused = citizen.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert refused.status_code == 422
    details = refused.json()["error"]["details"]
    assert {"form.copies", "documents.to_khai", "documents.giay_chung_sinh"} <= set(
        details
    )
    assert citizen.get(f"/api/v1/dossiers/{dossier_id}").json()["form"] == {
        "child_name": "Nguyễn Văn An"
    }

    citizen.patch(f"/api/v1/dossiers/{dossier_id}", json={"form": {"copies": 2}})
    upload(citizen, dossier_id, "to_khai", "Tờ khai.pdf", PDF, "application/pdf")
    upload(
        citizen, dossier_id, "giay_chung_sinh", "chung sinh.jpg", jpeg_bytes(),
        "image/jpeg",
    )  # fmt: skip
    submitted = citizen.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "waiting_reception"

    desk = Desk(staff["desk"], dossier_id)
    officer = Desk(staff["officer"], dossier_id)
    leader = Desk(staff["leader"], dossier_id)
    received = desk.act("receive", "processing", department=agency.department)
    receipt = received["receipt_number"]
    assert re.fullmatch(rf"{agency.code}-\d{{6}}-0001", receipt)
    assert received["appointment_date"]
    received_mail = mailbox.wait_for(email, subject_contains=receipt, timeout=60)[0]
    slips = [part for part in received_mail.iter_attachments()]
    assert slips and slips[0].get_content_type() == "application/pdf"
    assert slips[0].get_content().startswith(b"%PDF")

    officer.act("request_supplement", "supplement_requested", note="Bổ sung bản sao")
    patched = citizen.patch(
        f"/api/v1/dossiers/{dossier_id}", json={"form": {"copies": 3}}
    )
    assert patched.status_code == 200, patched.text
    again = citizen.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert again.json()["status"] == "waiting_reception"
    assert (
        desk.act("receive", "processing", department=agency.department)[
            "receipt_number"
        ]
        == receipt
    )

    officer.act("send_for_approval", "pending_approval")
    leader.act("send_back", "processing", note="Kiểm tra lại số bản sao")
    officer.act("send_for_approval", "pending_approval")
    leader.act("approve", "approved")
    desk.act("return_result", "completed")

    lookup = citizen.get(f"/api/v1/lookup/{receipt}")
    assert lookup.status_code == 200 and lookup.json()["status"] == "completed"
    history = citizen.get(f"/api/v1/dossiers/{dossier_id}/history").json()["items"]
    assert len(history) >= 10
    listed = eventually(
        lambda: citizen.get("/api/v1/dossiers", params={"q": "nguyen thi hang"}).json(),
        lambda body: any(
            i["id"] == dossier_id and i["status"] == "completed"
            for i in body.get("items", [])
        ),
    )
    assert listed["total"] >= 1

    # One e-mail per status change (submitted ×2, received ×2, supplement, completed
    # at least), each with the Vietnamese subject decoded.
    mails = mailbox.wait_for(email, count=7, timeout=60)
    assert all(str(m["Subject"]).strip() for m in mails)
    deliveries = eventually(
        lambda: (
            staff["officer"].get(f"/api/v1/dossiers/{dossier_id}/deliveries").json()
        ),
        lambda body: sum(d["status"] == "sent" for d in body.get("items", [])) >= 6,
    )
    assert {d["recipient"] for d in deliveries["items"]} == {email}


def test_other_people_cannot_see_the_dossier(api, agency, people, mailbox):
    _, citizen, staff = people
    draft = citizen.post(
        "/api/v1/dossiers",
        json={"procedure": agency.procedure, "agency": agency.code, "form": {}},
    ).json()
    stranger_email = register_citizen(api, mailbox)
    stranger = login(api, stranger_email)
    assert stranger.get(f"/api/v1/dossiers/{draft['id']}").status_code == 404
    # A draft is private until submitted: the desk cannot act on it either.
    resp = staff["desk"].post(
        f"/api/v1/dossiers/{draft['id']}/actions", json={"action": "receive"}
    )
    assert resp.status_code in (404, 409)
