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

from .conftest import Agency
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


def table_rows(page, group="performance_by_agency"):
    rows = page.locator(f"#t-{group} tbody tr")
    return [
        (
            rows.nth(i).locator("th").inner_text(),
            rows.nth(i).locator("td").first.inner_text(),
        )
        for i in range(rows.count())
        if rows.nth(i).locator("th").count()
    ]


def table(page, group):
    return dict(table_rows(page, group))


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


def agencies_rows(page):
    """[(agency name, dossiers)] of the per-agency results table, in its order."""
    return [(name, int(count)) for name, count in table_rows(page)]


def test_the_operator_orders_the_agencies_rows_by_their_headers(
    browser, api, stack, shots
):
    """Three agencies resolve one procedure with 3, 1 and 2 dossiers. On the
    operator's statistics page, narrowed to the procedure, each column header is a
    link: followed, the rows come in its order, and followed again, reversed."""
    names = {"UBND xã Ba Hồ Sơ": 3, "UBND xã Một Hồ Sơ": 1, "UBND xã Hai Hồ Sơ": 2}
    home, *others = [Agency(api, stack, name) for name in names]
    body = dict(home.procedure_body(), agencies=[home.code] + [a.code for a in others])
    updated = home.operator.put(f"/api/v1/procedures/{home.procedure}", json=body)
    assert updated.status_code == 200, updated.text
    for agency in [home, *others]:
        desk = login(api, agency.staff["desk"])
        for _ in range(names[agency.name]):
            resp = desk.post("/api/v1/paper-dossiers", json=paper_body(home))
            assert resp.status_code == 201, resp.text
            assert resp.json()["agency"] == agency.code
    board = "/api/v1/dashboards/dossiers"
    eventually(
        lambda: home.operator.get(board, params={"procedure": home.procedure}).json(),
        lambda b: b["total"] == 6,
    )
    page = browser.new_context(bypass_csp=True).new_page()
    log_in(
        page,
        stack.url,
        stack.env["PORTAL_ADMIN_EMAIL"],
        stack.env["PORTAL_ADMIN_PASSWORD"],
    )
    page.goto(f"{stack.url}/can-bo/thong-ke?thu_tuc={home.procedure}")
    largest_first = sorted(names.items(), key=lambda kv: -kv[1])
    assert agencies_rows(page) == largest_first  # the default order
    pager = page.locator("#s-performance_by_agency nav.pager")
    assert "1/1 (3 " in pager.inner_text() and pager.locator("a").count() == 0
    header = page.locator("#t-performance_by_agency thead th").nth(1)
    header.locator("a").click()  # the count column again: smallest first
    page.wait_for_load_state()
    assert agencies_rows(page) == largest_first[::-1]
    header = page.locator("#t-performance_by_agency thead th").nth(1)
    assert header.get_attribute("aria-sort") == "ascending"
    assert f"thu_tuc={home.procedure}" in page.url  # the filter kept
    shots(page, "stats-operator-agencies-ascending")
    header.locator("a").click()
    page.wait_for_load_state()
    assert agencies_rows(page) == largest_first
    assert (
        page.locator("#t-performance_by_agency thead th")
        .nth(1)
        .get_attribute("aria-sort")
        == "descending"
    )
    page.locator("#t-performance_by_agency thead th").first.locator("a").click()
    page.wait_for_load_state()  # by the agency's code
    codes = {a.name: a.code for a in [home, *others]}
    assert [n for n, _ in agencies_rows(page)] == sorted(names, key=codes.get)
    page.context.close()


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
