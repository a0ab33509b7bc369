"""Files in the browser: seen in a frame, opened, downloaded, printed, uploaded.

One dossier is filed through the API with a DOCX (converted to PDF by LibreOffice)
and a JPEG, received by the desk, and given an internal attachment by the desk; the
procedure gets an uploaded form template. Then, in Chromium:

- the workspace's inline view frames the converted PDF (same-origin framing is
  allowed for file views only; the pages themselves still refuse any frame);
- a file opens in a new tab, downloads as the original or as its PDF;
- the print view shows the file's content and prints it (the JPEG is in the PDF
  Chromium prints); the applicant cannot print the agency's internal attachment;
- the public procedure page lists the uploaded template with a download link;
- staff upload a result and an attachment from the workspace: the applicant sees
  the result (public), not the attachment (internal).
"""

import subprocess
import uuid

import pytest

from tests.conftest import Api
from tests.integration.files.samples import docx, image

from .conftest import PASSWORD, Agency
from .test_api_journey import (
    PDF,
    eventually,
    jpeg_bytes,
    login,
    register_citizen,
    upload,
)
from .test_journey import log_in

pytestmark = pytest.mark.e2e


class Filed:
    """The dossier of this module, its files, and who is who."""

    def __init__(self, api, agency, mailbox):
        self.agency = agency
        self.citizen = register_citizen(api, mailbox)
        owner = login(api, self.citizen)
        dossier = owner.post("/api/v1/dossiers", json={
            "procedure": agency.procedure, "agency": agency.code,
            "form": {"child_name": "Nguyễn Văn Hữu", "copies": 1},
        })  # fmt: skip
        assert dossier.status_code == 201, dossier.text
        self.dossier_id = dossier.json()["id"]
        self.docx = upload(owner, self.dossier_id, "to_khai", "tờ khai.docx",
                           docx("Tờ khai của Nguyễn Văn Hữu"),
                           "application/octet-stream")  # fmt: skip
        self.jpeg = upload(owner, self.dossier_id, "giay_chung_sinh",
                           "giấy chứng sinh.jpg", image("JPEG"),
                           "image/jpeg")  # fmt: skip
        assert owner.post(f"/api/v1/dossiers/{self.dossier_id}/submit").ok
        desk = login(api, agency.staff["desk"])
        received = desk.post(
            f"/api/v1/dossiers/{self.dossier_id}/actions",
            json={"action": "receive", "department": agency.department},
        )
        assert received.status_code == 200, received.text
        self.receipt = received.json()["receipt_number"]
        self.internal = upload(desk, self.dossier_id, "attachment",
                               "phiếu nội bộ.pdf", PDF, "application/pdf")  # fmt: skip
        eventually(
            lambda: owner.get(f"/api/v1/files/{self.docx['id']}").json(),
            lambda meta: meta["conversion"] in ("done", "failed"),
            timeout=90,
        )
        converted = owner.get(f"/api/v1/files/{self.docx['id']}").json()
        assert converted["conversion"] == "done", converted
        self.template_title = f"Tờ khai mẫu {uuid.uuid4().hex[:6]}"
        self.template = self._template(api)

    def _template(self, api):
        admin_email = f"padmin-{uuid.uuid4().hex[:8]}@e2e.test"
        made = self.agency.operator.post("/api/v1/staff", json={
            "email": admin_email, "full_name": "Quản trị tỉnh", "password": PASSWORD,
            "role": "province_admin", "province": "01",
        })  # fmt: skip
        assert made.status_code == 201, made.text
        resp = login(api, admin_email).post(
            f"/api/v1/procedures/{self.agency.procedure}/templates",
            data={"title": self.template_title},
            files={"file": ("to-khai-mau.pdf", PDF, "application/pdf")},
        )
        assert resp.status_code == 201, resp.text
        return resp.json()


@pytest.fixture(scope="module")
def filed(stack, mailbox):
    api = Api(stack.url)
    return Filed(api, Agency(api, stack), mailbox)


def signed_in(browser, stack, email):
    page = browser.new_context(locale="vi-VN", accept_downloads=True).new_page()
    log_in(page, stack.url, email)
    assert "/dang-nhap" not in page.url, page.content()
    return page


def file_item(page, name):
    return page.locator(".files li", has_text=name)


def test_the_workspace_frames_the_pdf_of_a_converted_file(browser, stack, filed, shots):
    page = signed_in(browser, stack, filed.agency.staff["officer"])
    answer = page.goto(f"{stack.url}/can-bo/ho-so/{filed.dossier_id}")
    assert answer.headers["x-frame-options"] == "DENY"  # the page itself: never
    item = file_item(page, filed.docx["name"])
    pdf_url = f"/api/v1/files/{filed.docx['id']}/pdf"
    with page.expect_response(lambda r: r.url.endswith(pdf_url)) as framed:
        item.locator("details.preview summary").click()
    assert framed.value.status == 200
    frame = item.locator("iframe").element_handle().content_frame()
    frame.wait_for_load_state()
    # a refused frame is replaced by Chromium's error page (chrome-error://...)
    assert frame.url == f"{stack.url}{pdf_url}", frame.url
    assert framed.value.headers["x-frame-options"] == "SAMEORIGIN"
    shots(page, "workspace-pdf-frame")


def test_a_file_opens_in_a_new_tab_and_downloads_as_original_or_pdf(
    browser, stack, filed
):
    page = signed_in(browser, stack, filed.citizen)
    page.goto(f"{stack.url}/ho-so/{filed.dossier_id}")
    photo = file_item(page, filed.jpeg["name"])
    with page.context.expect_page() as opened:
        photo.locator("a.file-open").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{stack.url}/api/v1/files/{filed.jpeg['id']}/content"
    shown = tab.evaluate("document.images.length && document.images[0].naturalWidth")
    assert shown == 320  # Chromium shows the image itself, not a download
    tab.close()

    form = file_item(page, filed.docx["name"])
    assert form.locator("a.file-open").get_attribute("target") == "_blank"
    with page.expect_download() as original:
        form.get_by_role("link", name=f"Tải bản gốc {filed.docx['name']}").click()
    assert original.value.suggested_filename == filed.docx["name"]
    with page.expect_download() as as_pdf:
        form.get_by_role("link", name=f"Tải PDF {filed.docx['name']}").click()
    assert as_pdf.value.suggested_filename == "tờ khai.pdf"
    with open(as_pdf.value.path(), "rb") as got:
        assert got.read(5) == b"%PDF-"


def test_the_print_view_prints_the_files_content(
    browser, stack, filed, shots, tmp_path
):
    page = signed_in(browser, stack, filed.citizen)
    page.goto(f"{stack.url}/ho-so/{filed.dossier_id}")
    file_item(page, filed.jpeg["name"]).locator("a.file-print").click()
    page.wait_for_load_state()
    assert page.locator("#file-receipt").inner_text() == filed.receipt
    assert page.evaluate("document.getElementById('file-image').naturalWidth") == 320
    shots(page, "print-view-image")
    printed = tmp_path / "printed.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(printed))
    images = subprocess.run(
        ["pdfimages", "-list", str(printed)], capture_output=True, check=True
    ).stdout.decode()
    assert " 320 " in images and " 200 " in images, images  # the photo is on paper

    page.goto(f"{stack.url}/ho-so/{filed.dossier_id}")
    with page.expect_response(lambda r: "/pdf" in r.url) as framed:
        file_item(page, filed.docx["name"]).locator("a.file-print").click()
    assert framed.value.status == 200
    frame = page.locator("#file-frame").element_handle().content_frame()
    frame.wait_for_load_state()
    assert frame.url.endswith(f"/api/v1/files/{filed.docx['id']}/pdf"), frame.url
    assert page.locator("#print-file").get_attribute("data-print-frame") == "file-frame"

    # the agency's internal attachment is not the applicant's to print
    answer = page.goto(f"{stack.url}/tep/{filed.internal['id']}/ban-in")
    assert answer.status == 404
    staff = signed_in(browser, stack, filed.agency.staff["desk"])
    answer = staff.goto(f"{stack.url}/tep/{filed.internal['id']}/ban-in")
    assert answer.status == 200
    assert staff.locator("#file-name").inner_text() == filed.internal["name"]


def test_the_procedure_page_lists_its_templates_to_download(browser, stack, filed):
    page = browser.new_context(accept_downloads=True).new_page()  # not signed in
    page.goto(f"{stack.url}/thu-tuc/{filed.agency.procedure}")
    item = page.locator("#templates li.template-file", has_text=filed.template_title)
    assert item.count() == 1, page.content()
    with page.expect_download() as got:
        item.locator("a.template-download").click()
    assert got.value.suggested_filename == "to-khai-mau.pdf"
    with open(got.value.path(), "rb") as body:
        assert body.read() == PDF


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_staff_upload_results_and_attachments_from_the_workspace(
    browser, stack, filed, shots, tmp_path, script
):
    context = browser.new_context(locale="vi-VN", java_script_enabled=script)
    page = context.new_page()
    log_in(page, stack.url, filed.agency.staff["officer"])
    workspace = f"{stack.url}/can-bo/ho-so/{filed.dossier_id}"
    tag = "js" if script else "plain"
    result, note = tmp_path / f"kết quả {tag}.pdf", tmp_path / f"ghi chú {tag}.jpg"
    result.write_bytes(PDF)
    note.write_bytes(jpeg_bytes())
    for path, slot in ((result, "result"), (note, "attachment")):
        page.goto(workspace)
        page.select_option("#upload-slot", slot)
        page.set_input_files("#upload-file", str(path))
        with page.expect_navigation():
            page.click("#upload-form button[type=submit]")
        page.goto(workspace)
        assert file_item(page, path.name).count() == 1, page.content()
    shots(page, f"workspace-uploaded-{tag}")

    citizen = signed_in(browser, stack, filed.citizen)
    citizen.goto(f"{stack.url}/ho-so/{filed.dossier_id}")
    assert file_item(citizen, result.name).count() == 1  # a result is hers
    assert file_item(citizen, note.name).count() == 0  # an attachment is internal
    context.close()


def test_the_file_pages_have_no_serious_accessibility_violations(
    browser, stack, filed, shots
):
    from .test_accessibility import check

    problems = []
    staff = browser.new_context(bypass_csp=True).new_page()  # axe is injected
    log_in(staff, stack.url, filed.agency.staff["officer"])
    check(staff, f"{stack.url}/can-bo/ho-so/{filed.dossier_id}", shots,
          "a11y-workspace-files", problems)  # fmt: skip
    check(staff, f"{stack.url}/tep/{filed.jpeg['id']}/ban-in", shots,
          "a11y-print-image", problems)  # fmt: skip
    check(staff, f"{stack.url}/tep/{filed.docx['id']}/ban-in", shots,
          "a11y-print-pdf", problems)  # fmt: skip
    visitor = browser.new_context(bypass_csp=True).new_page()
    check(visitor, f"{stack.url}/thu-tuc/{filed.agency.procedure}", shots,
          "a11y-procedure-templates", problems)  # fmt: skip
    assert problems == []
