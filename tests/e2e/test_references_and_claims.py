"""Issue 11, items 4 and 5, through the gateway: references checked, paper claimed.

Over the public API: a desk's paper dossier takes no account id and belongs to
nobody; anyone sees its status and appointment only; its applicant, registered with
the same national ID, claims it; the desk resubmits it after a supplement request;
assignees, agencies, levels and procedure scope are refused with their codes. In
Chromium: a citizen claims a paper dossier with the slip's access code on the page.
"""

import re
import uuid

import pytest

from tests.conftest import Api

from .conftest import PASSWORD
from .test_api_journey import PDF, login, register_citizen, upload
from .test_journey import log_in

pytestmark = pytest.mark.e2e
CCCD = "001190012345"  # the one register_citizen gives the account


def code_of(resp):
    return resp.status_code, resp.json()["error"]["code"]


def paper_body(agency, **applicant):
    person = {
        "full_name": "Nguyễn Thị Hằng",
        "national_id": CCCD,
        "phone": "0912345678",
    }
    return {
        "procedure": agency.procedure,
        "department": agency.department,
        "applicant": dict(person, **applicant),
        "form": {"child_name": "Nguyễn Minh An", "copies": 1},
    }


@pytest.fixture
def staff(api, agency):
    return {role: login(api, addr) for role, addr in agency.staff.items()}


def test_a_paper_dossier_is_followed_claimed_and_supplemented(
    api, agency, staff, mailbox, stack
):
    desk, officer = staff["desk"], staff["officer"]
    someone = register_citizen(api, mailbox)
    refused = desk.post(
        "/api/v1/paper-dossiers", json=paper_body(agency, id=str(uuid.uuid4()))
    )
    assert code_of(refused) == (422, "VALIDATION_ERROR")
    assert "applicant.id" in refused.json()["error"]["details"]
    made = desk.post("/api/v1/paper-dossiers", json=paper_body(agency))
    assert made.status_code == 201, made.text
    dossier = made.json()
    receipt, dossier_id = dossier["receipt_number"], dossier["id"]
    assert dossier["applicant"]["id"] is None and len(dossier["access_code"]) == 8

    public = Api(stack.url).get(f"/api/v1/lookup/{receipt}")  # no cookie, no token
    assert public.status_code == 200
    assert set(public.json()) == {"receipt_number", "status", "appointment_date"}

    citizen = login(api, someone)
    assert citizen.get(f"/api/v1/dossiers/{dossier_id}").status_code == 404
    wrong = citizen.post(
        "/api/v1/paper-dossiers/claims",
        json={"receipt_number": receipt, "access_code": "AAAAAAAA"},
    )
    assert code_of(wrong) == (422, "CLAIM_REFUSED")
    claimed = citizen.post(
        "/api/v1/paper-dossiers/claims",
        json={"receipt_number": receipt, "national_id": CCCD},
    )
    assert claimed.status_code == 200, claimed.text
    assert citizen.get(f"/api/v1/dossiers/{dossier_id}").status_code == 200
    assert "procedure" in citizen.get(f"/api/v1/lookup/{receipt}").json()

    actions = f"/api/v1/dossiers/{dossier_id}/actions"
    asked = officer.post(
        actions, json={"action": "request_supplement", "note": "Thiếu bản sao"}
    )
    assert asked.status_code == 200, asked.text
    incomplete = desk.post(actions, json={"action": "submit"})
    assert code_of(incomplete) == (422, "DOSSIER_INVALID")
    for slot in ("to_khai", "giay_chung_sinh"):  # the desk scans what was missing
        upload(desk, dossier_id, slot, f"{slot}.pdf", PDF, "application/pdf")
    again = desk.post(actions, json={"action": "submit"})
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "waiting_reception"


def test_references_are_refused_with_their_codes(api, agency, staff, mailbox):
    desk, leader = staff["desk"], staff["leader"]
    email = register_citizen(api, mailbox)
    citizen = login(api, email)
    me = citizen.get("/api/v1/sessions/current").json()["user_id"]
    dossier = desk.post("/api/v1/paper-dossiers", json=paper_body(agency)).json()
    tasks = f"/api/v1/dossiers/{dossier['id']}/tasks"
    task = leader.post(tasks, json={"title": "Xác minh", "assignee": me})
    assert code_of(task) == (422, "ASSIGNEE_NOT_STAFF")
    assert "assignee" in task.json()["error"]["details"]

    operator = agency.operator
    body = dict(agency.procedure_body(), code=f"L2{uuid.uuid4().hex[:6]}", level=2)
    assert operator.post("/api/v1/procedures", json=body).status_code == 201
    draft = {"procedure": body["code"], "agency": agency.code, "form": {}}
    assert code_of(citizen.post("/api/v1/dossiers", json=draft)) == (
        422,
        "PROCEDURE_NOT_ONLINE",
    )
    elsewhere = dict(draft, procedure=agency.procedure, agency="NO.SUCH")
    assert code_of(citizen.post("/api/v1/dossiers", json=elsewhere)) == (
        422,
        "AGENCY_UNKNOWN",
    )
    nowhere = {k: v for k, v in body.items() if k != "province"}
    nowhere["code"] = f"NP{uuid.uuid4().hex[:6]}"
    missing = operator.post("/api/v1/procedures", json=nowhere)
    assert code_of(missing) == (422, "VALIDATION_ERROR")
    assert list(missing.json()["error"]["details"]) == ["province"]


def test_a_citizen_claims_a_paper_dossier_on_the_page(
    api, agency, staff, browser, stack, mailbox, shots
):
    dossier = staff["desk"].post("/api/v1/paper-dossiers", json=paper_body(agency))
    dossier = dossier.json()
    email = register_citizen(api, mailbox)
    page = browser.new_context().new_page()
    log_in(page, stack.url, email, PASSWORD)
    page.goto(f"{stack.url}/ho-so")
    page.click('a[href="/ho-so/nhan-ho-so-giay"]')
    page.fill("#f-receipt_number", dossier["receipt_number"])
    page.fill("#f-access_code", "AAAA-AAAA")
    page.click("form.form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#f-receipt_number-error").is_visible()
    shots(page, "claim-refused")
    page.fill("#f-access_code", dossier["access_code"])
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/ho-so/{dossier['id']}\?ok=claimed"))
    shots(page, "claimed")
    page.goto(f"{stack.url}/ho-so")
    assert page.locator(f'a[href="/ho-so/{dossier["id"]}"]').count() == 1
