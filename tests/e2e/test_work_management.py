"""Work management in the browser (issue 14, item 5): reminders, colleagues told,
the history of every edit, safe links in comments, the applicant's reply and the
delivery state of each e-mail.

One online dossier serves the module: a citizen files it, the desk receives it into
the department, the leader gives the officer a task on it. Each test then opens the
pages as a person would, on the real stack.
"""

import datetime as dt
import re
import uuid

import pytest

from services.shared.clock import VN_TZ
from tests.conftest import Api
from tests.e2e.conftest import Agency
from tests.e2e.test_api_journey import (
    PDF,
    eventually,
    jpeg_bytes,
    login,
    register_citizen,
    upload,
)
from tests.e2e.test_journey import log_in


class World:
    def __init__(self, stack, mailbox):
        api = Api(stack.url)
        self.base, self.pages = stack.url, {}
        self.agency = Agency(api, stack)
        self.citizen_email = register_citizen(api, mailbox)
        self.citizen = login(api, self.citizen_email)
        self.desk = login(api, self.agency.staff["desk"])
        self.officer = login(api, self.agency.staff["officer"])
        self.leader = login(api, self.agency.staff["leader"])
        self.officer_id = self.officer.get("/api/v1/accounts/me").json()["id"]
        made = self.citizen.post(
            "/api/v1/dossiers",
            json={
                "procedure": self.agency.procedure,
                "agency": self.agency.code,
                "form": {"child_name": "Nguyễn Văn An", "copies": 1},
            },
        )
        assert made.status_code == 201, made.text
        self.dossier_id = made.json()["id"]
        upload(self.citizen, self.dossier_id, "to_khai", "Tờ khai.pdf", PDF,
               "application/pdf")  # fmt: skip
        upload(self.citizen, self.dossier_id, "giay_chung_sinh", "cs.jpg",
               jpeg_bytes(), "image/jpeg")  # fmt: skip
        assert self.citizen.post(f"/api/v1/dossiers/{self.dossier_id}/submit").ok
        self.act(self.desk, "receive", department=self.agency.department)
        task = self.leader.post(
            f"/api/v1/dossiers/{self.dossier_id}/tasks",
            json={"title": "Xác minh giấy chứng sinh", "assignee": self.officer_id},
        )
        assert task.status_code == 201, task.text
        self.task_id = task.json()["id"]

    def act(self, client, action, **body):
        resp = client.post(
            f"/api/v1/dossiers/{self.dossier_id}/actions",
            json={"action": action, **body},
        )
        assert resp.status_code == 200, resp.text

    def page(self, browser, email):
        """The person's signed-in page (one per person for the module: a sign-in
        costs seconds on a loaded machine)."""
        if email not in self.pages:
            page = browser.new_context().new_page()
            log_in(page, self.base, email)
            self.pages[email] = page
        return self.pages[email]

    @property
    def staff_page(self):
        return f"{self.base}/can-bo/ho-so/{self.dossier_id}"

    @property
    def citizen_page(self):
        return f"{self.base}/ho-so/{self.dossier_id}"


@pytest.fixture(scope="module")
def world(stack, mailbox):
    return World(stack, mailbox)


def vn_now(minutes=0):
    moment = dt.datetime.now(VN_TZ) + dt.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_a_reminder_set_on_the_dossier_mails_and_lists_it_once(
    world, browser, mailbox, shots
):
    officer = world.page(browser, world.agency.staff["officer"])
    officer.goto(world.staff_page)
    # this minute: due at once (the timer polls every few seconds)
    officer.fill("#f-reminder-remind_at", vn_now())
    officer.fill("#f-reminder-note", "Gọi điện cho người nộp")
    officer.click("#reminder-form button[type=submit]")
    officer.wait_for_url(re.compile(r"ok=reminder"))
    (mail,) = mailbox.wait_for(
        world.agency.staff["officer"], subject_contains="Nhắc việc", timeout=60
    )
    assert "Gọi điện cho người nộp" in mail.get_body(("plain",)).get_content()

    def unread():
        officer.goto(world.staff_page)
        return officer.locator("#unread-count").count()

    eventually(unread, lambda found: found == 1)
    officer.click("#nav-notifications")
    entry = officer.locator('#notification-list li[data-kind="reminder"]')
    assert entry.count() == 1
    assert "Gọi điện cho người nộp" in entry.inner_text()
    shots(officer, "notifications")
    entry.locator("a").click()
    officer.wait_for_load_state()
    assert officer.url == world.staff_page
    officer.goto(f"{world.base}/thong-bao")
    officer.click("#mark-all-read")
    officer.wait_for_load_state()
    assert officer.locator("#unread-count").count() == 0
    assert "Chưa đọc: 0" in officer.locator("#inbox-unread").inner_text()


def test_a_reminder_is_moved_then_cancelled_from_the_list(world, browser, shots):
    leader = world.page(browser, world.agency.staff["leader"])
    leader.goto(f"{world.staff_page}/cong-viec/{world.task_id}")
    leader.fill("#f-reminder-remind_at", vn_now(minutes=24 * 60))
    leader.click("#reminder-form button[type=submit]")
    leader.wait_for_url(re.compile(r"ok=reminder"))
    assert leader.locator("#reminders .reminders li").count() == 1
    leader.goto(f"{world.base}/thong-bao")
    item = leader.locator("#reminders .reminders li")
    assert item.count() == 1 and "Xác minh giấy chứng sinh" in item.inner_text()
    later = vn_now(minutes=48 * 60)
    item.locator('input[type="datetime-local"]').fill(later)
    item.locator('button[value="save"]').click()
    leader.wait_for_load_state()
    shots(leader, "reminder-moved")
    moved = leader.locator('#reminders .reminders input[type="datetime-local"]')
    assert moved.input_value() == later
    leader.locator('#reminders button[value="cancel"]').click()
    leader.wait_for_load_state()
    assert leader.locator("#reminders .reminders li").count() == 0


def test_an_internal_comment_is_told_to_colleagues_never_to_the_applicant(
    world, browser, mailbox, shots
):
    officer = world.page(browser, world.agency.staff["officer"])
    officer.goto(world.staff_page)
    note = f"Giấy chứng sinh cần đối chiếu bản gốc {uuid.uuid4().hex[:6]}"
    officer.fill("#f-body", note)  # "internal" is ticked by default
    officer.click("#comment-form button[type=submit]")
    officer.wait_for_load_state()
    (told,) = mailbox.wait_for(
        world.agency.staff["leader"], subject_contains="Ý kiến mới", timeout=60
    )
    assert note in told.get_body(("plain",)).get_content()
    leader = world.page(browser, world.agency.staff["leader"])

    def listed():
        leader.goto(f"{world.base}/thong-bao")
        return leader.locator('#notification-list li[data-kind="work_activity"]')

    entries = eventually(listed, lambda found: found.count() >= 1)
    assert world.dossier_id in entries.first.locator("a").get_attribute("href")
    shots(leader, "colleague-told")
    to_applicant = mailbox.messages_to(world.citizen_email)
    assert all(note not in m.get_body(("plain",)).get_content() for m in to_applicant)
    citizen = world.page(browser, world.citizen_email)
    citizen.goto(world.citizen_page)
    assert note not in citizen.content()


def test_history_shows_form_changes_files_and_task_edits(world, browser, shots):
    world.act(world.officer, "request_supplement", note="Bổ sung số bản sao")
    citizen = world.page(browser, world.citizen_email)
    citizen.goto(f"{world.citizen_page}/sua")
    citizen.fill("#f-form-copies", "3")
    citizen.click("button[name=do][value=submit]")
    citizen.wait_for_url(re.compile(r"\?ok=updated"))
    upload(world.desk, world.dossier_id, "attachment", "Biên bản nội bộ.pdf", PDF,
           "application/pdf")  # fmt: skip
    officer = world.page(browser, world.agency.staff["officer"])
    officer.goto(world.staff_page)
    officer.select_option(f"#task-{world.task_id}-status", "done")
    officer.locator(f"#task-{world.task_id}-status ~ button").click()
    officer.wait_for_load_state()

    def history():
        officer.goto(world.staff_page)
        return officer.locator("#history").inner_text()

    text = eventually(history, lambda t: "Biên bản nội bộ.pdf" in t)
    change = officer.locator("#history .changes li", has_text="Số bản sao")
    assert change.locator("del").inner_text() == "1"
    assert change.locator("ins").inner_text() == "3"
    assert "Cập nhật công việc" in text
    task_change = officer.locator("#history .changes li", has_text="Trạng thái công")
    assert task_change.locator("del").inner_text() == "Đang thực hiện"
    assert task_change.locator("ins").inner_text() == "Đã hoàn thành"
    shots(officer, "history")
    # the applicant sees their own edit, never the internal file nor the task
    citizen.goto(world.citizen_page)
    own = citizen.locator("#history").inner_text()
    assert "Số bản sao" in own
    assert "Biên bản nội bộ.pdf" not in own and "Cập nhật công việc" not in own
    # resubmitted: back to the desk
    world.act(world.desk, "receive", department=world.agency.department)


HOSTILE = (
    'Xem https://example.org/huong-dan?a=1&b=2. <script>alert("x")</script> '
    '<a href="javascript:alert(1)">bấm</a> javascript:alert(2) '
    'data:text/html,<b>x</b> http://"onmouseover=alert(3)'
)


def test_the_applicant_replies_and_links_are_safe(world, browser, shots):
    citizen = world.page(browser, world.citizen_email)
    dialogs = []
    citizen.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    citizen.goto(world.citizen_page)
    citizen.fill("#reply-form textarea[name=body]", HOSTILE)
    citizen.click("#reply-form button[type=submit]")
    citizen.wait_for_url(re.compile(r"ok=replied"))
    assert "Đã gửi ý kiến" in citizen.locator(".notice").inner_text()
    shots(citizen, "replied")
    for page, url in ((citizen, world.citizen_page), (None, world.staff_page)):
        if page is None:
            page = world.page(browser, world.agency.staff["officer"])
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
        body = page.locator(".comment-body", has_text="huong-dan")
        assert body.count() == 1
        links = body.locator("a")
        assert links.count() == 1
        assert links.get_attribute("href") == "https://example.org/huong-dan?a=1&b=2"
        assert set(links.get_attribute("rel").split()) >= {"noopener", "nofollow"}
        assert '<script>alert("x")</script>' in body.inner_text()
        assert body.locator("script").count() == 0
    assert dialogs == []


def test_the_staff_page_shows_the_delivery_state_of_each_mail(world, browser, shots):
    officer = world.page(browser, world.agency.staff["officer"])

    def states():
        officer.goto(world.staff_page)
        rows = officer.locator("#delivery-table tbody tr")
        return [
            (
                rows.nth(i).inner_text(),
                rows.nth(i).locator("[data-status]").get_attribute("data-status"),
            )
            for i in range(rows.count())
        ]

    found = eventually(
        states,
        lambda rows: any(world.citizen_email in t and s == "sent" for t, s in rows),
    )
    assert {s for _, s in found} <= {"queued", "sending", "sent", "temp_failed",
                                      "perm_failed"}  # fmt: skip
    sent = officer.locator('#delivery-table [data-status="sent"]').first
    assert sent.inner_text().startswith("Đã gửi")
    shots(officer, "deliveries")
    # the applicant's page carries no delivery log
    citizen = world.page(browser, world.citizen_email)
    citizen.goto(world.citizen_page)
    assert citizen.locator("#delivery-table").count() == 0
