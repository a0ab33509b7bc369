"""A level-4 dossier in Chromium: the citizen submits, pays on the provider simulator
(whose callback arrives twice, and a forged one too), sees it paid on the portal's
return page, and the desk receives it. The level-3 journey is test_journey.py."""

import re
import uuid

import pytest
import requests

from .conftest import PASSWORD, Agency
from .test_accessibility import citizen_account
from .test_journey import act, log_in

pytestmark = pytest.mark.e2e
FEE = 10000


class FeeAgency(Agency):
    """The agency with a level-4 procedure whose fee is paid at submission."""

    def procedure_body(self):
        body = super().procedure_body()
        rule = {"kind": "fixed", "amount": FEE, "due": "submission"}
        return dict(body, level=4, fee_rule=rule, documents=[])


def control(stack, path, body):
    got = requests.post(f"{stack.payment_url}/_control/{path}", json=body, timeout=20)
    got.raise_for_status()
    return got.json()


def test_a_citizen_pays_online_and_the_desk_receives(
    browser, stack, api, mailbox, shots
):
    agency, base = FeeAgency(api, stack), stack.url
    email = citizen_account(api, mailbox)
    citizen = browser.new_context(locale="vi-VN").new_page()
    desk = browser.new_context(locale="vi-VN").new_page()
    log_in(citizen, base, email, PASSWORD)

    citizen.goto(f"{base}/ho-so/moi?thu_tuc={agency.procedure}")
    citizen.fill("#f-form-child_name", "Nguyễn Minh An")
    citizen.fill("#f-form-copies", "1")
    citizen.click("form.form button[type=submit]")
    citizen.wait_for_url(re.compile(r"/ho-so/[\w-]+/sua"))
    citizen.click("button[name=do][value=submit]")
    citizen.wait_for_url(re.compile(r"/ho-so/[\w-]+\?ok=fee_due"))
    dossier_id = citizen.url.split("/ho-so/")[1].split("?")[0]
    assert citizen.locator("#dossier-status").inner_text().strip() == "Bản nháp"
    assert "Chưa thanh toán" in citizen.locator("#payment-state").inner_text()
    shots(citizen, "fee-due")

    citizen.click("#pay-form button[type=submit]")
    assert citizen.locator("#pay-amount").inner_text().startswith("10.000")
    ref = citizen.locator("#pay-ref").inner_text().strip()
    shots(citizen, "pay")
    citizen.click("#pay-continue")
    citizen.wait_for_selector("text=Cổng thanh toán (mô phỏng)")
    assert citizen.locator("#ref").inner_text() == ref
    shots(citizen, "provider-page")

    forged = control(stack, "ipn", {"ref": ref, "forge": True})
    assert forged["answer"]["RspCode"] == "97"
    control(stack, "mode", {"ipn": "twice"})
    try:
        citizen.click("text=Thanh toán thành công")
        citizen.wait_for_url(re.compile(r"/thanh-toan/ket-qua\?"))
    finally:
        control(stack, "mode", {"ipn": "now"})
    assert citizen.locator("#payment-state").inner_text().strip() == "Đã thanh toán"
    shots(citizen, "paid")
    answers = requests.get(f"{stack.payment_url}/_control/transactions", timeout=5)
    txn = next(t for t in answers.json() if t["ref"] == ref)
    assert [a["RspCode"] for a in txn["ipn_answers"]] == ["00", "02"]

    citizen.click("#to-dossier")
    assert citizen.locator("#dossier-status").inner_text().strip() == "Chờ tiếp nhận"
    assert citizen.locator("#pay-form").count() == 0

    log_in(desk, base, agency.staff["desk"])
    state = act(desk, base, dossier_id, "receive", shots, department="TP")
    assert state == "Đang xử lý"

    # the province admin refunds it from the workspace; the provider's books follow
    admin = browser.new_context(locale="vi-VN").new_page()
    log_in(admin, base, agency._staff("province_admin"))
    admin.goto(f"{base}/can-bo/ho-so/{uuid.UUID(dossier_id)}")
    admin.fill("#f-refund-reason", "Nộp nhầm thủ tục")
    admin.click("#refund-form button[type=submit]")
    admin.wait_for_url(re.compile(r"\?ok=payment_refunded"))
    assert admin.locator("#payment-state").inner_text().startswith("Đã hoàn tiền")
    shots(admin, "refunded")
    answers = requests.get(f"{stack.payment_url}/_control/transactions", timeout=5)
    assert next(t for t in answers.json() if t["ref"] == ref)["status"] == "refunded"
    admin.goto(f"{base}/quan-tri/doi-soat-thanh-toan")
    row = admin.locator("#recon-rows tbody tr", has_text=ref)
    assert row.locator("td").nth(5).inner_text() == "Khớp"  # refunded on both sides
    shots(admin, "reconciliation")
