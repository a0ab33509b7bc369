"""An agency admin builds a procedure through the pages; citizens then find it.
An admin withdraws one (script off: a plain confirmation form); it leaves the
province's and the national catalogue, is listed as withdrawn, gets a new form
template while withdrawn and is offered again with it.

Also runs axe-core (as test_accessibility.py does) over the admin, "my work" and
print pages: no serious or critical WCAG 2.1 AA violation.
"""

import re
import time
import uuid

import pytest

from .conftest import PASSWORD
from .test_accessibility import AXE, check
from .test_journey import log_in

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TEMPLATE_TITLE = "Tờ khai (mẫu mới)"


def agency_admin(agency):
    email = f"admin-{uuid.uuid4().hex[:8]}@e2e.test"
    body = {"email": email, "full_name": "Quản trị E2E", "password": PASSWORD,
            "role": "admin", "agency": agency.code, "province": "01"}  # fmt: skip
    resp = agency.operator.post("/api/v1/staff", json=body)
    assert resp.status_code == 201, resp.text
    return email


def province_admin(agency):
    email = f"province-admin-{uuid.uuid4().hex[:8]}@e2e.test"
    body = {"email": email, "full_name": "Quản trị tỉnh E2E", "password": PASSWORD,
            "role": "province_admin", "province": "01"}  # fmt: skip
    resp = agency.operator.post("/api/v1/staff", json=body)
    assert resp.status_code == 201, resp.text
    return email


def create_procedure(page, base, agency, code, name, shots):
    page.goto(f"{base}/quan-tri/thu-tuc/moi")
    page.click("#procedure-form button[type=submit]")  # empty: errors first
    assert page.locator("#error-summary").is_visible()
    shots(page, "procedure-errors")
    page.fill("#f-code", code)
    page.fill("#f-name", name)
    page.select_option("#f-level", "3")
    page.fill("#f-processing_days", "5")
    page.fill("#f-agencies", agency.code)
    page.fill("#f-form-fields-0-name", "ho_ten")
    page.fill("#f-form-fields-0-label", "Họ và tên người đề nghị")
    page.check("#f-form-fields-0-required")
    page.fill("#f-documents-0-slot", "don_de_nghi")
    page.fill("#f-documents-0-name", "Đơn đề nghị")
    page.check("#f-documents-0-required")
    shots(page, "procedure-filled")
    page.click("#procedure-form button[type=submit]")
    page.wait_for_url(re.compile(r"/quan-tri/thu-tuc\?ok="))
    assert page.locator(f"text={name}").count() >= 1
    shots(page, "procedure-list")


def test_admin_creates_a_procedure_that_citizens_see_on_the_home_page(
    browser, stack, agency, shots
):
    base = stack.url
    code = f"ADM{uuid.uuid4().hex[:6].upper()}"
    name = f"Cấp giấy xác nhận {code}"
    admin = browser.new_context().new_page()
    log_in(admin, base, agency_admin(agency))
    create_procedure(admin, base, agency, code, name, shots)

    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/thu-tuc?q={code}")
    # the link names the procedure's province (a catalogue may list several)
    link = visitor.locator(f'a[href="/thu-tuc/{code}?tinh=01"]')
    assert link.count() == 1 and name in link.inner_text()
    link.click()
    visitor.wait_for_load_state()
    assert "Đơn đề nghị" in visitor.content()
    shots(visitor, "citizen-sees-procedure")


def nationally_listed(api, code):
    answer = api.get("/api/v1/search/procedures", params={"q": code})
    assert answer.status_code == 200, answer.text
    return [item["code"] for item in answer.json()["items"]] == [code]


def until(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_admin_withdraws_a_procedure_that_leaves_the_public_catalogue(
    browser, stack, api, agency, shots
):
    base = stack.url
    code = f"WD{uuid.uuid4().hex[:6].upper()}"
    name = f"Cấp giấy phép tạm {code}"
    body = dict(agency.procedure_body(), code=code, name=name)
    made = agency.operator.post("/api/v1/procedures", json=body)
    assert made.status_code == 201, made.text
    assert until(lambda: nationally_listed(api, code))  # the index follows events
    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/thu-tuc?q={code}&tinh=toan-quoc")
    assert visitor.locator("ul.cards li").count() == 1

    # without script: a link to the confirmation page, whose form posts
    admin = browser.new_context(java_script_enabled=False).new_page()
    log_in(admin, base, agency_admin(agency))
    admin.goto(f"{base}/quan-tri/thu-tuc/{code}")
    admin.click("#withdraw")
    admin.wait_for_url(re.compile(rf"/quan-tri/thu-tuc/{code}/ngung-cung-cap$"))
    assert name in admin.locator("h1").inner_text()
    shots(admin, "procedure-withdraw")
    admin.click("#withdraw-confirm")
    admin.wait_for_url(re.compile(r"/quan-tri/thu-tuc\?ok=withdrawn"))
    assert code in admin.locator("#withdrawn-notice").inner_text()
    assert admin.locator("#procedures", has_text=code).count() == 0  # not offered
    assert admin.locator("#withdrawn-procedures", has_text=code).count() == 1

    visitor.goto(f"{base}/thu-tuc?q={code}&tinh=01")  # the province's catalogue
    assert visitor.locator("ul.cards li").count() == 0
    assert until(lambda: not nationally_listed(api, code))
    visitor.goto(f"{base}/thu-tuc?q={code}&tinh=toan-quoc")
    assert visitor.locator("ul.cards li").count() == 0
    gone = visitor.goto(f"{base}/thu-tuc/{code}?tinh=01")
    assert gone.status == 404

    # listed as withdrawn to the admin, who offers it again
    admin.goto(f"{base}/quan-tri/thu-tuc")
    row = admin.locator("#withdrawn-procedures tr", has_text=code)
    row.locator("a").click()
    admin.wait_for_url(re.compile(rf"/quan-tri/thu-tuc/{code}$"))
    assert admin.locator("#withdrawn-state").is_visible()
    # still withdrawn, it gets its new form template before it is offered again
    admin.fill("#template-form input[name=title]", TEMPLATE_TITLE)
    upload = {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}
    admin.set_input_files("#template-form input[type=file]", upload)
    admin.click("#template-form button[type=submit]")
    admin.wait_for_url(re.compile(rf"/quan-tri/thu-tuc/{code}\?ok=template$"))
    assert TEMPLATE_TITLE in admin.locator("#templates").inner_text()
    assert admin.locator("#withdrawn-state").is_visible()  # not offered yet
    admin.click("#procedure-save")
    admin.wait_for_url(re.compile(r"/quan-tri/thu-tuc\?ok=saved"))
    assert admin.locator("#withdrawn-procedures", has_text=code).count() == 0
    visitor.goto(f"{base}/thu-tuc?q={code}&tinh=01")
    assert visitor.locator("ul.cards li").count() == 1
    visitor.goto(f"{base}/thu-tuc/{code}?tinh=01")  # with the template it was given
    assert visitor.locator("#templates li", has_text=TEMPLATE_TITLE).count() == 1


def test_admin_work_and_print_pages_have_no_serious_accessibility_violations(
    browser, stack, agency, shots
):
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed at {AXE} (run deploy/local/install)")
    base, problems = stack.url, []
    admin = browser.new_context(bypass_csp=True).new_page()
    log_in(admin, base, agency_admin(agency))
    for name, path in (
        ("admin-procedures", "/quan-tri/thu-tuc"),
        ("admin-procedure-edit", f"/quan-tri/thu-tuc/{agency.procedure}"),
        (
            "admin-procedure-withdraw",
            f"/quan-tri/thu-tuc/{agency.procedure}/ngung-cung-cap",
        ),
        ("admin-agencies", "/quan-tri/co-quan"),
        ("admin-agency", f"/quan-tri/co-quan/{agency.code}"),
        ("admin-staff", "/quan-tri/can-bo"),
        ("admin-bulk", "/quan-tri/thu-hang-loat"),
    ):
        check(admin, base + path, shots, name, problems)
    admin.goto(f"{base}/quan-tri/thu-tuc/moi")
    admin.click("#procedure-form button[type=submit]")
    check(admin, None, shots, "admin-procedure-errors", problems)

    # E-mail templates and holidays are the province admin's pages.
    province = browser.new_context(bypass_csp=True).new_page()
    log_in(province, base, province_admin(agency))
    check(province, base + "/quan-tri/ngay-nghi", shots, "admin-holidays", problems)
    check(province, base + "/quan-tri/mau-thu", shots, "admin-templates", problems)
    page = "/quan-tri/mau-thu/dossier_received?lang=vi"
    check(province, base + page, shots, "admin-template", problems)
    province.click("#template-preview")
    check(province, None, shots, "admin-template-preview", problems)

    desk = browser.new_context(bypass_csp=True).new_page()
    log_in(desk, base, agency.staff["desk"])
    desk.goto(f"{base}/can-bo/ho-so-giay?thu_tuc={agency.procedure}")
    desk.fill("#f-applicant-full_name", "Lê Thị Hoa")
    desk.fill("#f-applicant-national_id", "001190012345")
    desk.fill("#f-applicant-phone", "0912345678")
    desk.select_option("#f-department", agency.department)
    desk.fill("#f-form-child_name", "Lê Minh")
    desk.fill("#f-form-copies", "1")
    desk.click("form.form button[type=submit]")
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[\w-]+\?ok="))
    dossier = desk.url.split("/can-bo/ho-so/")[1].split("?")[0]
    assert desk.locator("#print-receipt").count() == 1
    check(desk, f"{base}/can-bo/ho-so/{dossier}/ban-in", shots, "print", problems)

    officer = browser.new_context(bypass_csp=True).new_page()
    log_in(officer, base, agency.staff["officer"])
    check(officer, f"{base}/can-bo/viec-cua-toi", shots, "my-work", problems)

    operator = browser.new_context(bypass_csp=True).new_page()
    log_in(
        operator,
        base,
        stack.env["PORTAL_ADMIN_EMAIL"],
        stack.env["PORTAL_ADMIN_PASSWORD"],
    )
    check(operator, f"{base}/quan-tri/tinh", shots, "admin-provinces", problems)
    check(operator, f"{base}/quan-tri/ung-dung", shots, "admin-clients", problems)
    assert problems == [], problems
