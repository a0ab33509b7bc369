"""A province admin merges an agency into a successor through the pages (issue 18):
the form refuses what accounts refuses, the report names the staff, departments,
dossiers and procedures that moved, and the pages pass axe-core."""

import re
import uuid

import pytest

from .test_accessibility import AXE, check
from .test_admin_pages import province_admin
from .test_api_journey import login
from .test_journey import log_in
from .test_references_and_claims import paper_body

pytestmark = pytest.mark.e2e


def test_a_province_admin_merges_an_agency_and_reads_what_moved(
    browser, stack, api, agency, shots
):
    base = stack.url
    desk = login(api, agency.staff["desk"])
    made = desk.post("/api/v1/paper-dossiers", json=paper_body(agency))
    assert made.status_code == 201, made.text
    dossier = made.json()
    successor = f"K{uuid.uuid4().hex[:6].upper()}"
    made = agency.operator.post("/api/v1/agencies", json={
        "code": successor, "name": "UBND phường Kế Thừa", "province": "01",
    })  # fmt: skip
    assert made.status_code == 201, made.text

    page = browser.new_context(bypass_csp=True).new_page()
    log_in(page, base, province_admin(agency))
    page.goto(f"{base}/quan-tri/sap-xep")
    page.fill("#f-predecessors", "KHONG.CO")
    page.fill("#f-successor", successor)
    page.click("form.form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    page.fill("#f-predecessors", agency.code)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/quan-tri/sap-xep/[\w-]+$"))
    text = page.locator("main").inner_text()
    assert agency.code in text and successor in text
    for email in agency.staff.values():
        assert email in text

    # the dossiers service moves the open dossier (bounded wait for the event)
    for _ in range(100):
        page.reload()
        if dossier["receipt_number"] in page.locator("main").inner_text():
            break
        page.wait_for_timeout(200)
    assert dossier["receipt_number"] in page.locator("main").inner_text()
    assert agency.procedure in page.locator("main").inner_text()

    if AXE.is_file():
        problems = []
        check(page, None, shots, "admin-succession", problems)
        check(page, f"{base}/quan-tri/sap-xep", shots, "admin-successions", problems)
        assert not problems, problems
