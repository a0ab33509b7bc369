"""MISSION.md's journey by four people in four browser contexts, in Chromium.

Citizen registers (bad input first), activates from the e-mail, logs in, files a
dossier with a DOCX and a JPEG; desk receives; officer asks for a supplement; the
citizen updates ("Cập nhật thành công"); desk receives again; officer sends for
approval; leader approves; desk returns; the citizen sees it completed and downloads
a document. Screenshots of every step, at desktop and phone widths, go to
var/screenshots/ (tests/e2e/conftest.py `Shots`).
"""

import re
import uuid

import pytest

from tests.integration.files.samples import docx, image

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e
CCCD = "001090123456"


def log_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/dang-nhap")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def register(page, base, mailbox, shots, email):
    page.goto(f"{base}/dang-ky")
    page.fill("#f-full_name", "Nguyễn Thị Lan")
    page.fill("#f-email", "khong-hop-le")
    page.fill("#f-phone", "0912345678")
    page.fill("#f-password", "ngan")
    page.click("form.form button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator('a[href="#f-email"]').count() == 1
    assert page.locator("#f-email-error").is_visible()
    shots(page, "register-errors")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-national_id", CCCD)
    page.click("form.form button[type=submit]")
    assert page.locator(".notice").is_visible(), page.content()
    shots(page, "registered")
    mail = mailbox.wait_for(email)[0]
    body = mail.get_body(preferencelist=("plain", "html")).get_content()
    link = re.search(r"https?://\S+/activate\?token=[\w.-]+", body).group(0)
    page.goto(link)
    assert page.locator(".notice").is_visible()
    shots(page, "activated")


def file_dossier(page, base, agency, shots, tmp_path):
    page.goto(f"{base}/thu-tuc/{agency.procedure}")
    shots(page, "procedure")
    page.click(f'a[href^="/ho-so/moi?thu_tuc={agency.procedure}"]')
    page.fill("#f-form-child_name", "Nguyễn Minh An")
    page.fill("#f-form-copies", "0")
    page.click("form.form button[type=submit]")
    # the answer now waits for accounts (agency check): wait for it, do not race it
    page.wait_for_selector("#error-summary")
    assert page.locator('#error-summary a[href="#f-form-copies"]').count() == 1
    assert page.locator("#f-form-copies-error").is_visible()
    shots(page, "dossier-field-error")
    page.fill("#f-form-copies", "1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+/sua"))
    upload(page, "to_khai", tmp_path / "to-khai.docx", docx("Tờ khai khai sinh"))
    upload(page, "giay_chung_sinh", tmp_path / "chung-sinh.jpg", image("JPEG"))
    shots(page, "files-uploaded")
    page.click("button[name=do][value=submit]")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+\?ok=submitted"))
    assert page.locator("#dossier-status").inner_text().strip() == "Chờ tiếp nhận"
    shots(page, "submitted")
    return page.url.split("/ho-so/")[1].split("?")[0]


def upload(page, slot, path, content):
    path.write_bytes(content)
    page.select_option("#upload-slot", slot)
    page.set_input_files("#upload-file", str(path))
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    assert page.locator(".files", has_text=path.name).count() >= 1


def act(page, base, dossier_id, action, shots, **inputs):
    page.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    for field, value in inputs.items():
        selector = f"#f-{action}-{field}"
        if field == "department":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.click(f"button[data-action={action}]")
    page.wait_for_url(re.compile(rf"\?ok={action}"))
    shots(page, action)
    return page.locator("#dossier-status").inner_text().strip()


def test_citizen_and_agency_complete_a_dossier_in_four_browsers(
    browser, stack, mailbox, agency, shots, tmp_path
):
    base = stack.url
    people = {who: browser.new_context(locale="vi-VN") for who in
              ("citizen", "desk", "officer", "leader")}  # fmt: skip
    citizen, desk, officer, leader = (people[w].new_page() for w in people)
    email = f"lan-{uuid.uuid4().hex[:10]}@e2e.test"

    register(citizen, base, mailbox, shots, email)
    log_in(citizen, base, email)
    assert citizen.url.endswith("/ho-so")
    dossier_id = file_dossier(citizen, base, agency, shots, tmp_path)

    log_in(desk, base, agency.staff["desk"])
    shots(desk, "desk-queue")
    assert desk.locator(f'a[href="/can-bo/ho-so/{dossier_id}"]').count() == 1, (
        desk.content()
    )
    assert (
        act(desk, base, dossier_id, "receive", shots, department="TP") == "Đang xử lý"
    )
    assert desk.locator("#receipt-number").inner_text().startswith(agency.code)

    log_in(officer, base, agency.staff["officer"])
    act(officer, base, dossier_id, "request_supplement", shots,
        note="Bổ sung bản sao giấy chứng sinh rõ nét")  # fmt: skip

    citizen.goto(f"{base}/ho-so/{dossier_id}")
    assert citizen.locator(".notice-warning").is_visible()
    assert "Bổ sung bản sao" in citizen.content()
    citizen.click(f'a[href="/ho-so/{dossier_id}/sua"]')
    citizen.fill("#f-form-copies", "2")
    citizen.click("button[name=do][value=submit]")
    citizen.wait_for_url(re.compile(r"\?ok=updated"))
    assert "Cập nhật thành công" in citizen.locator(".notice").inner_text()
    shots(citizen, "updated")

    assert (
        act(desk, base, dossier_id, "receive", shots, department="TP") == "Đang xử lý"
    )
    act(officer, base, dossier_id, "send_for_approval", shots)
    log_in(leader, base, agency.staff["leader"])
    assert act(leader, base, dossier_id, "approve", shots) == "Đã phê duyệt"
    assert act(desk, base, dossier_id, "return_result", shots) == "Đã trả kết quả"

    citizen.goto(f"{base}/ho-so/{dossier_id}")
    assert citizen.locator("#dossier-status").inner_text().strip() == "Đã trả kết quả"
    with citizen.expect_download() as download:
        citizen.locator(".files a[download]").first.click()
    assert download.value.suggested_filename.endswith((".docx", ".jpg", ".pdf"))
    shots(citizen, "completed")
    follow_mailed_links(citizen, base, mailbox, email, dossier_id)
    for context in people.values():
        context.close()


def follow_mailed_links(page, base, mailbox, email, dossier_id):
    """Open every link the citizen was mailed, in her browser: none leads nowhere,
    and every link to her dossier shows it (status, e-mails: received, supplement,
    approved, completed...)."""
    mailbox.wait_for(email, count=5, timeout=60)
    links = set()
    for msg in mailbox.messages_to(email):
        text = msg.get_body(("plain",)).get_content()
        links |= {u.rstrip(".,)") for u in re.findall(r"https?://[^\s<>\"]+", text)}
    # the activation link was followed at registration; its token is spent
    links = {u for u in links if "token=" not in u}
    assert any(dossier_id in u for u in links), links
    for link in sorted(links):
        assert link.startswith(base), link
        answer = page.goto(link)
        assert answer.status < 400, (link, answer.status)
        if dossier_id in link:
            assert page.locator("#dossier-status").count() == 1, link
