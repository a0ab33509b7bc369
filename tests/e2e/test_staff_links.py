"""The links staff and slip holders receive lead to the record, opened by them.

- a task e-mail links to the task's own page: the assigned officer opens it in his
  browser, sees the task and goes on to its dossier; a stranger is sent to sign in;
- the receipt slip's lookup link (also its QR code) opened by anyone holding the
  slip, signed in or not, shows that receipt number and its status.
"""

import re
import subprocess

from tests.e2e.test_journey import log_in

PASSWORD = "Portal-E2e-2026"


def signed_in(api, email):
    answer = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return api.as_user(answer.json()["token"])


def paper_dossier(desk, agency):
    made = desk.post(
        "/api/v1/paper-dossiers",
        json={
            "procedure": agency.procedure,
            "applicant": {
                "full_name": "Lê Thị Hoa",
                "kind": "citizen",
                "national_id": "001190012345",
                "phone": "0912345678",
            },
            "department": agency.department,
            "form": {"child_name": "Lê Minh", "copies": 1},
        },
    )
    assert made.status_code == 201, made.text
    return made.json()


def links_in(message):
    text = message.get_body(("plain",)).get_content()
    return {u.rstrip(".,)") for u in re.findall(r"https?://[^\s<>\"]+", text)}


def test_a_task_mail_opens_the_task_for_its_assignee(
    api, stack, mailbox, agency, browser
):
    desk = signed_in(api, agency.staff["desk"])
    leader = signed_in(api, agency.staff["leader"])
    officer_email = agency.staff["officer"]
    officer_id = signed_in(api, officer_email).get("/api/v1/accounts/me").json()["id"]
    dossier = paper_dossier(desk, agency)
    task = leader.post(
        f"/api/v1/dossiers/{dossier['id']}/tasks",
        json={"title": "Xác minh giấy chứng sinh", "assignee": officer_id},
    )
    assert task.status_code == 201, task.text
    (mail,) = mailbox.wait_for(officer_email, timeout=60)
    (link,) = [u for u in links_in(mail) if dossier["id"] in u]
    assert link.startswith(stack.url), link

    page = browser.new_context().new_page()
    log_in(page, stack.url, officer_email)
    answer = page.goto(link)
    assert answer.status == 200, (link, answer.status)
    # the task's own page: its title, status and the way back to its dossier
    assert page.locator("#task-status").count() == 1
    assert "Xác minh giấy chứng sinh" in page.locator("h1").inner_text()
    back = page.locator(f"a[href^='/can-bo/ho-so/{dossier['id']}']").first
    back.click()
    assert page.locator("#dossier-status").count() == 1

    stranger = browser.new_context().new_page()
    stranger.goto(link)
    assert "/dang-nhap" in stranger.url  # sign in first, never a page for anyone


def test_the_receipt_slips_lookup_link_shows_its_status_to_anyone(
    api, stack, agency, browser, tmp_path
):
    desk_page = browser.new_context().new_page()
    log_in(desk_page, stack.url, agency.staff["desk"])
    dossier = paper_dossier(signed_in(api, agency.staff["desk"]), agency)
    slip = desk_page.request.get(
        f"{stack.url}/can-bo/ho-so/{dossier['id']}/giay-to/receipt"
    )
    assert slip.status == 200 and slip.body().startswith(b"%PDF")
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(slip.body())
    # -raw: the default mode joins a word broken at a line's end hyphen, and a long
    # link can wrap at its receipt number's hyphen ("E347002-" / "261202-0001")
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    found = re.search(r"https?://\S*/tra-cuu\?so=\S+", "".join(text.split()))
    assert found, text
    link = found.group(0)
    assert dossier["receipt_number"] in link

    visitor = browser.new_context().new_page()  # holds the slip, has no account
    answer = visitor.goto(link)
    assert answer.status == 200, (link, answer.status)
    assert dossier["receipt_number"] in visitor.content()
    assert "Lê Thị Hoa" not in visitor.content()  # status only, no personal data


def test_a_reset_mail_link_lets_its_recipient_set_a_new_password(
    stack, mailbox, agency, browser
):
    email, base = agency.staff["desk"], stack.url
    page = browser.new_context().new_page()
    page.goto(f"{base}/quen-mat-khau")
    page.fill("#f-email", email)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    mail = mailbox.wait_for(email, subject_contains="mật khẩu", timeout=60)[-1]
    (link,) = [u for u in links_in(mail) if "token=" in u]
    assert link.startswith(f"{base}/reset-password?token="), link
    answer = page.goto(link)
    assert answer.status == 200
    page.fill("#f-password", "Mat-khau-moi-2026!")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    fresh = browser.new_context().new_page()
    log_in(fresh, base, email, password="Mat-khau-moi-2026!")
    assert "/dang-nhap" not in fresh.url, fresh.content()
