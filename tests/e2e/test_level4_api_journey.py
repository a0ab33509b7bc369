"""A fully online (level-4) dossier through the public API, as an agency's system or
a citizen's app would drive it, with the provider simulator: submit (the fee due),
pay (a forged callback refused, the real one arriving twice), receive, draft the
result, send it for approval, approve (the agency's signature), return, download
the signed PDF and verify it (by the QR's code and by checking the file itself).
The browser halves are test_payment_journey.py and test_signed_result.py."""

import base64

import pytest
import requests

from .test_api_journey import eventually, login, register_citizen
from .test_payment_journey import FEE, FeeAgency, control

pytestmark = pytest.mark.e2e


def test_submit_pay_receive_draft_sign_return_download_verify(api, stack, mailbox):
    agency = FeeAgency(api, stack)
    staff = {role: login(api, addr) for role, addr in agency.staff.items()}
    citizen = login(api, register_citizen(api, mailbox))
    officer_id = staff["officer"].get("/api/v1/accounts/me").json()["id"]

    body = {"procedure": agency.procedure, "agency": agency.code,
            "form": {"child_name": "Nguyễn Thị Ngọc", "copies": 1}}  # fmt: skip
    dossier_id = citizen.post("/api/v1/dossiers", json=body).json()["id"]
    submitted = citizen.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "draft"  # waits for its fee
    assert submitted.json()["payment_state"] == "due"

    started = citizen.post(f"/api/v1/dossiers/{dossier_id}/payments")
    assert started.status_code == 201, started.text
    ref = started.json()["payment"]["ref"]
    assert started.json()["payment"]["amount"] == FEE
    assert requests.get(started.json()["redirect_url"], timeout=20).ok  # the page
    forged = control(stack, "ipn", {"ref": ref, "forge": True})
    assert forged["answer"]["RspCode"] == "97"  # invalid signature: nothing changes
    assert citizen.get(f"/api/v1/dossiers/{dossier_id}").json()["status"] == "draft"
    control(stack, "mode", {"ipn": "twice"})
    try:
        paid = requests.post(
            f"{stack.payment_url}/paymentv2/pay", allow_redirects=False, timeout=20,
            data={"ref": ref, "outcome": "success"},
        )  # fmt: skip
    finally:
        control(stack, "mode", {"ipn": "now"})
    assert paid.status_code == 303
    dossier = eventually(
        lambda: citizen.get(f"/api/v1/dossiers/{dossier_id}").json(),
        lambda found: found["status"] == "waiting_reception",
    )
    assert dossier["payment_state"] == "paid"
    txns = requests.get(f"{stack.payment_url}/_control/transactions", timeout=5)
    answers = next(t for t in txns.json() if t["ref"] == ref)["ipn_answers"]
    assert [a["RspCode"] for a in answers] == ["00", "02"]  # the second: already

    def act(role, action, expect, **extra):
        resp = staff[role].post(
            f"/api/v1/dossiers/{dossier_id}/actions", json={"action": action, **extra}
        )
        assert resp.status_code == 200, (action, resp.text)
        assert resp.json()["status"] == expect, (action, resp.json()["status"])

    act("desk", "receive", "processing", department=agency.department,
        assignee=officer_id)  # fmt: skip
    refused = staff["officer"].post(
        f"/api/v1/dossiers/{dossier_id}/actions", json={"action": "send_for_approval"}
    )
    assert refused.status_code == 409  # a level-4 result must be drafted first
    assert refused.json()["error"]["code"] == "RESULT_NOT_DRAFTED"
    drafted = staff["officer"].post(f"/api/v1/dossiers/{dossier_id}/result", json={})
    assert drafted.status_code in (200, 201), drafted.text
    assert drafted.json()["state"] == "draft"
    act("officer", "send_for_approval", "pending_approval")
    act("leader", "approve", "approved")
    act("desk", "return_result", "completed")

    result = citizen.get(f"/api/v1/dossiers/{dossier_id}/result")
    assert result.status_code == 200, result.text
    result = result.json()
    assert result["state"] == "signed" and result["signer_name"]
    assert "draft_file_id" not in result or result["draft_file_id"] is None
    content = citizen.get(f"/api/v1/files/{result['signed_file_id']}/content")
    assert content.status_code == 200 and content.content.startswith(b"%PDF")
    code = result["verification_url"].rstrip("/").rsplit("/", 1)[1]
    verified = api.get(f"/api/v1/results/{code}/verification")
    assert verified.status_code == 200, verified.text
    assert verified.json()["valid"] is True
    check = api.post(
        "/api/v1/signatures/check",
        json={"content_b64": base64.b64encode(content.content).decode()},
    )
    assert check.status_code == 200, check.text
    assert check.json()["signature"]["valid"] is True
    tampered = bytearray(content.content)  # one byte of the signed page changed
    at = tampered.index(b"/MediaBox") + 12
    tampered[at : at + 1] = b"9" if tampered[at : at + 1] != b"9" else b"8"
    tampered = bytes(tampered)
    check = api.post(
        "/api/v1/signatures/check",
        json={"content_b64": base64.b64encode(tampered).decode()},
    )
    assert check.status_code == 200 and check.json()["signature"]["valid"] is False
