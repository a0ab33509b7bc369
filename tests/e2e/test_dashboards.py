"""The statistics page in Chromium, role by role, and names instead of codes.

The desk registers two paper dossiers (it received both), the leader hands one to
the officer; then the desk, the officer, the leader and the agency admin each open
`/can-bo/thong-ke` and see the figures of their own scope (the desk its receptions,
the officer his assigned work, the leader his department, the admin the agency):
charts as SVG images with text alternatives, the same figures in tables, department
and agency names, a CSV and an XLSX export the browser downloads with its session,
a print view without navigation or filters; axe-core finds nothing serious. The
public procedure page and the workspace name the agency and its department.
"""

import io
import time

import pytest
from openpyxl import load_workbook

from .test_accessibility import AXE, violations
from .test_admin_pages import agency_admin
from .test_api_journey import eventually, login
from .test_journey import log_in
from .test_references_and_claims import paper_body

pytestmark = pytest.mark.e2e
AGENCY_NAME, DEPARTMENT_NAME = "UBND xã Thử Nghiệm", "Tư pháp"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def seeded(api, agency):
    """Two paper dossiers received by the desk; the officer is assigned one."""
    staff = {role: login(api, email) for role, email in agency.staff.items()}
    made = []
    for _ in range(2):
        resp = staff["desk"].post("/api/v1/paper-dossiers", json=paper_body(agency))
        assert resp.status_code == 201, resp.text
        made.append(resp.json())
    officer_id = staff["officer"].get("/api/v1/sessions/current").json()["user_id"]
    actions = f"/api/v1/dossiers/{made[0]['id']}/actions"
    sent = staff["officer"].post(actions, json={"action": "send_for_approval"})
    assert sent.status_code == 200, sent.text
    back = staff["leader"].post(
        actions,
        json={"action": "send_back", "note": "Giao lại", "assignee": officer_id},
    )
    assert back.status_code == 200, back.text
    # the index has both, the first back in processing and assigned
    eventually(
        lambda: staff["leader"].get("/api/v1/dashboards/dossiers").json(),
        lambda b: (
            b["total"] == 2
            and {r["key"]: r["count"] for r in b["groups"]["status"]}
            == {"processing": 2}
            and staff["officer"].get("/api/v1/dashboards/dossiers").json()["total"] == 1
        ),
    )
    return made


def open_stats(browser, base, email, shots, name):
    page = browser.new_context(bypass_csp=True, accept_downloads=True).new_page()
    log_in(page, base, email)
    page.goto(f"{base}/can-bo/thong-ke")
    page.wait_for_load_state()
    shots(page, name)
    return page


def table(page, group):
    rows = page.locator(f"#t-{group} tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): rows.nth(i)
        .locator("td")
        .first.inner_text()
        for i in range(rows.count())
        if rows.nth(i).locator("th").count()
    }


def test_each_role_sees_the_figures_of_its_scope(browser, stack, agency, seeded, shots):
    base, problems = stack.url, []
    roles = [
        ("desk", agency.staff["desk"], "2", "đã tiếp nhận"),
        ("officer", agency.staff["officer"], "1", "được giao cho bạn"),
        ("leader", agency.staff["leader"], "2", "phòng ban bạn"),
        ("admin", agency_admin(agency), "2", "cơ quan bạn"),
    ]
    for role, email, total, scope in roles:
        page = open_stats(browser, base, email, shots, f"stats-{role}")
        assert page.locator("#stats-total").inner_text() == total, role
        assert scope in page.locator("main").inner_text(), role
        assert table(page, "status") == {"Đang xử lý": total}, role
        chart = page.locator("#s-status svg[role=img]")
        assert chart.count() == 1
        assert f"Đang xử lý: {total}" in chart.locator("desc").text_content()
        if AXE.is_file():
            problems += [(role, v) for v in violations(page)]
        page.set_viewport_size(PHONE)
        shots(page, f"stats-{role}-phone")
        page.context.close()
    assert not problems, problems


def test_the_admin_reads_names_exports_and_prints(
    browser, stack, agency, seeded, shots
):
    page = open_stats(browser, stack.url, agency_admin(agency), shots, "stats-admin")
    assert table(page, "department") == {DEPARTMENT_NAME: "2"}
    assert agency.department not in table(page, "department")
    csv_link = page.locator("#s-department a", has_text="CSV")
    csv = page.request.get(stack.url + csv_link.get_attribute("href"))
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.body().decode("utf-8-sig").splitlines()
    assert lines[1] == f"{agency.department},{DEPARTMENT_NAME},2"
    xlsx_link = page.locator("#s-status a", has_text="XLSX")
    with page.expect_download() as download:
        xlsx_link.click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("processing", "Đang xử lý", 2)
    ]
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator("nav.nav").is_visible()
    assert page.locator("#s-status svg").is_visible()
    shots(page, "stats-admin-print")


def test_the_procedure_page_and_the_workspace_name_the_agency(
    browser, stack, agency, seeded, shots
):
    visitor = browser.new_context().new_page()
    # The gateway's names table is read again at most every 10 s when a code is
    # missing (gateway/names.py): an agency made moments ago is named within that.
    deadline = time.monotonic() + 15
    while True:
        visitor.goto(f"{stack.url}/thu-tuc/{agency.procedure}")
        named = visitor.locator("dt:has-text('Cơ quan') + dd").inner_text()
        if named == AGENCY_NAME or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert named == AGENCY_NAME
    shots(visitor, "procedure-agency-name")
    desk = browser.new_context().new_page()
    log_in(desk, stack.url, agency.staff["desk"])
    desk.goto(f"{stack.url}/can-bo/ho-so/{seeded[0]['id']}")
    named = desk.locator("dt:has-text('Cơ quan') + dd").first.inner_text()
    assert named == f"{AGENCY_NAME} / {DEPARTMENT_NAME}"
    shots(desk, "workspace-agency-name")
