"""Every kind of e-mail the portal sends, every link in it, opened by its recipient.

The journeys run through the real stack (the API, as people and the agency would): a
citizen registers (activation), registers again (the "someone tried" notice), mistypes
her password (failed sign-ins), asks for a reset; her dossier is submitted, received,
sent for a supplement, resubmitted, commented on, approved and returned; a second is
refused for missing papers, then rejected; a third is given a task and falls overdue,
gets an internal note (the task's creator is told), a reminder and a new date (the
apology letter); a fourth is withdrawn by its applicant; a fifth, of a level-4
procedure, is paid on the payment provider (the receipt's mail); a sixth is filed to
be received at another agency's desk, transferred, resolved and returned to that desk
(the hand-over notice); the daily digests
go to the officer and the leader. Then
every e-mail stored by the SMTP sink for these people is read, and every link in it
(text and html parts) is opened in Chromium as its recipient: signed in when they have
an account, not signed in for the links of the account mails (activation, reset,
forgotten password). A link must answer below 400, must not send its recipient to the
sign-in page, and must show what it names (routes.PAGES): the dossier with its status
and receipt number, the task, the activation done, the reset form, the forgotten-
password form.

The kinds sent are read from notify's own database, so a new kind that no journey
produces fails here until a journey sends it (or it is listed in NOT_SENT, with why).
"""

import datetime as dt
import re
import time
import uuid

import pytest
import requests
from sqlalchemy import bindparam, create_engine, text

from services.notify import kinds
from services.shared import routes
from services.shared.caller import SYSTEM
from services.shared.config import database_url

from .conftest import PASSWORD, Agency
from .test_api_journey import PDF, eventually, jpeg_bytes, login, upload
from .test_journey import log_in
from .test_payment_journey import FeeAgency

pytestmark = pytest.mark.e2e
# Kinds that no part of the system sends yet, and why (remove once one does).
NOT_SENT = {}
ACCOUNT_PAGES = ("activate", "reset_password", "forgot_password")
LINK = re.compile(r"https?://[^\s<>\"']+")


def page_of(path):
    """(name, params) of the route-table page `path` is, or (None, {})."""
    for name, template in routes.PAGES.items():
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        found = re.fullmatch(pattern, path)
        if found:
            return name, found.groupdict()
    return None, {}


def links_in(message):
    """Every http(s) link of every text and html part."""
    found = set()
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            body = part.get_content().replace("&amp;", "&")
            found |= {u.rstrip(".,)") for u in LINK.findall(body)}
    return found


class Journeys:
    """Run every journey that mails someone; remember what each link must show."""

    def __init__(self, api, agency, rpc, dossiers_db, browser, base):
        self.api, self.agency, self.rpc, self.db = api, agency, rpc, dossiers_db
        self.browser, self.base = browser, base
        self.receipts, self.tasks = {}, {}
        self.staff = {r: login(api, e) for r, e in agency.staff.items()}

    def citizen_account(self, mailbox):
        """Register, follow the activation mail (not signed in), then the rest."""
        email = f"mail-links-{uuid.uuid4().hex[:8]}@e2e.test"
        body = {"kind": "citizen", "full_name": "Nguyễn Thị Ngọc Ánh",
                "email": email, "phone": "0912345678", "password": PASSWORD,
                "national_id": "001190012345", "address": "12 Đường Láng, Hà Nội",
                "province": "01"}  # fmt: skip
        assert self.api.post("/api/v1/accounts", json=body).status_code == 201
        (activation,) = mailbox.wait_for(email, timeout=60)
        anonymous = self.browser.new_context(locale="vi-VN").new_page()
        (link,) = [u for u in links_in(activation) if "token=" in u]
        answer = anonymous.goto(link)
        assert answer.status == 200 and page_of(path_of(link))[0] == "activate"
        assert anonymous.locator(".notice").is_visible(), anonymous.content()
        self.activation_followed = link
        owner = login(self.api, email)  # before the failures below throttle her
        # the same address registered again: its owner is told, no account made
        assert self.api.post("/api/v1/accounts", json=body).status_code == 201
        self.fail_sign_ins(email, 6)  # a notice after five
        asked = self.api.post("/api/v1/accounts/password-reset", json={"email": email})
        assert asked.status_code == 202, asked.text
        return email, owner

    def fail_sign_ins(self, email, count, timeout=60):
        """Sign in with a wrong password `count` times, waiting out the throttle."""
        deadline, failed = time.monotonic() + timeout, 0
        while failed < count:
            assert time.monotonic() < deadline, f"{failed} failures in {timeout}s"
            resp = self.api.post(
                "/api/v1/sessions", json={"email": email, "password": "sai-mat-khau"}
            )
            if resp.status_code == 429:  # throttled: not counted; wait as told
                time.sleep(float(resp.headers.get("Retry-After") or 1))
                # the server has closed the idle keep-alive connection meanwhile
                self.api.session.close()
            else:
                assert resp.status_code == 401, resp.text
                failed += 1

    def act(self, role, dossier_id, action, **body):
        resp = self.staff[role].post(
            f"/api/v1/dossiers/{dossier_id}/actions", json={"action": action, **body}
        )
        assert resp.status_code == 200, (action, resp.text)
        found = resp.json()
        if found.get("receipt_number"):
            self.receipts[dossier_id] = found["receipt_number"]
        return found

    def new_dossier(self, owner, with_files=True):
        made = owner.post("/api/v1/dossiers", json={
            "procedure": self.agency.procedure, "agency": self.agency.code,
            "form": {"child_name": "Trần Đức Huệ", "copies": 1},
        })  # fmt: skip
        assert made.status_code == 201, made.text
        dossier_id = made.json()["id"]
        self.receipts[dossier_id] = None
        if with_files:
            upload(owner, dossier_id, "to_khai", "tờ khai.pdf", PDF, "application/pdf")
            upload(owner, dossier_id, "giay_chung_sinh", "cs.jpg", jpeg_bytes(),
                   "image/jpeg")  # fmt: skip
        return dossier_id

    def dossier_life(self, owner):
        """Submitted → received → supplement → resubmitted → comment → completed."""
        dossier_id = self.new_dossier(owner)
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        department = self.agency.department
        self.act("desk", dossier_id, "receive", department=department)
        self.act("officer", dossier_id, "request_supplement",
                 note="Bổ sung bản sao rõ nét")  # fmt: skip
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        self.act("desk", dossier_id, "receive", department=department)
        comment = self.staff["officer"].post(
            f"/api/v1/dossiers/{dossier_id}/comments",
            json={"body": "Hồ sơ đã đủ, đang thẩm định.", "internal": False},
        )
        assert comment.status_code == 201, comment.text
        self.act("officer", dossier_id, "send_for_approval")
        self.act("leader", dossier_id, "approve")
        self.act("desk", dossier_id, "return_result")
        return dossier_id

    def refused_then_rejected(self, owner):
        dossier_id = self.new_dossier(owner, with_files=False)
        refused = owner.post(f"/api/v1/dossiers/{dossier_id}/submit")
        assert refused.status_code == 422, refused.text
        upload(owner, dossier_id, "to_khai", "tờ khai.pdf", PDF, "application/pdf")
        upload(owner, dossier_id, "giay_chung_sinh", "cs.jpg", jpeg_bytes(),
               "image/jpeg")  # fmt: skip
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        self.act("desk", dossier_id, "reject", reason="Không thuộc thẩm quyền")
        return dossier_id

    def overdue_with_a_task(self, owner, officer_id):
        """A received dossier 30 days old (overdue) and a task due today."""
        dossier_id = self.new_dossier(owner)
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        self.act("desk", dossier_id, "receive", department=self.agency.department,
                 assignee=officer_id)  # fmt: skip
        title = f"Xác minh giấy tờ {uuid.uuid4().hex[:6]}"
        task = self.staff["leader"].post(
            f"/api/v1/dossiers/{dossier_id}/tasks",
            json={"title": title, "assignee": officer_id,
                  "due_date": dt.date.today().isoformat()},
        )  # fmt: skip
        assert task.status_code == 201, task.text
        self.tasks[str(task.json()["id"])] = title
        with self.db.begin() as conn:
            conn.execute(
                text("UPDATE dossiers SET received_at = :t WHERE public_id = :id"),
                {"t": dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
                 "id": dossier_id},
            )  # fmt: skip
        self.rpc.call("dossiers", "sweep_deadlines", SYSTEM)
        day = f"20{uuid.uuid4().int % 60 + 40}-0{uuid.uuid4().int % 9 + 1}-11"
        queued = self.rpc.call("notify", "run_reminders", SYSTEM, day)
        assert queued["queued"] >= 2, queued  # the officer's and the leader's
        # the officer's internal note: the leader, who set the task, is told
        note = self.staff["officer"].post(
            f"/api/v1/dossiers/{dossier_id}/comments",
            json={"body": "Đã gọi điện cho người nộp.", "internal": True},
        )
        assert note.status_code == 201, note.text
        # and a reminder the officer sets on it, due in two seconds
        token = self.staff["officer"].session.headers["Authorization"].split()[1]
        officer = self.rpc.call("accounts", "authenticate", token)
        at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
        reminder = self.rpc.call("notify", "create_reminder", officer, {
            "dossier_id": dossier_id, "remind_at": at.isoformat(),
            "note": "Gọi lại người nộp",
        })  # fmt: skip

        def fired():
            found = self.rpc.call("notify", "list_reminders", officer, dossier_id)
            return [r for r in found["items"] if r["id"] == reminder["id"]]

        eventually(fired, lambda rows: rows and rows[0]["status"] == "fired", 60)
        # it will be late: the officer gives a new date (the apology letter)
        current = self.staff["officer"].get(f"/api/v1/dossiers/{dossier_id}").json()
        later = dt.date.fromisoformat(current["appointment_date"]) + dt.timedelta(10)
        moved = self.staff["officer"].post(
            f"/api/v1/dossiers/{dossier_id}/reschedule",
            json={"new_date": later.isoformat(), "reason": "Chờ xác minh của xã"},
        )
        assert moved.status_code == 200, moved.text
        return dossier_id

    def paid_online(self, owner, stack):
        """A level-4 dossier whose fee is due at submission, paid on the provider
        (its page opened, "success" chosen: the provider's callback confirms it)."""
        fees = FeeAgency(self.api, stack)
        body = {"procedure": fees.procedure, "agency": fees.code,
                "form": {"child_name": "Nguyễn Minh An", "copies": 1}}  # fmt: skip
        dossier_id = owner.post("/api/v1/dossiers", json=body).json()["id"]
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        started = owner.post(f"/api/v1/dossiers/{dossier_id}/payments")
        assert started.status_code == 201, started.text
        assert requests.get(started.json()["redirect_url"], timeout=20).ok
        paid = requests.post(
            f"{stack.payment_url}/paymentv2/pay", allow_redirects=False, timeout=20,
            data={"ref": started.json()["payment"]["ref"], "outcome": "success"},
        )  # fmt: skip
        assert paid.status_code == 303, paid.text
        eventually(
            lambda: owner.get(f"/api/v1/dossiers/{dossier_id}").json(),
            lambda found: found["status"] == "waiting_reception",
        )
        return dossier_id

    def received_elsewhere(self, owner, stack):
        """Filed online to be received at another agency's desk, which sends it on;
        resolved here and returned to that desk (the citizen is told to collect it
        there)."""
        desk_agency = Agency(self.api, stack, "UBND xã Nơi Nhận")
        self.staff["elsewhere"] = login(self.api, desk_agency.staff["desk"])
        made = owner.post("/api/v1/dossiers", json={
            "procedure": self.agency.procedure, "agency": self.agency.code,
            "receiving_agency": desk_agency.code,
            "form": {"child_name": "Lê Thị Ngọc", "copies": 1},
        })  # fmt: skip
        assert made.status_code == 201, made.text
        dossier_id = made.json()["id"]
        upload(owner, dossier_id, "to_khai", "tờ khai.pdf", PDF, "application/pdf")
        upload(owner, dossier_id, "giay_chung_sinh", "cs.jpg", jpeg_bytes(),
               "image/jpeg")  # fmt: skip
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        self.act("elsewhere", dossier_id, "receive_for_transfer")
        self.act("elsewhere", dossier_id, "transfer")
        self.act("desk", dossier_id, "accept_transfer",
                 department=self.agency.department)  # fmt: skip
        self.act("officer", dossier_id, "send_for_approval")
        self.act("leader", dossier_id, "approve")
        self.act("desk", dossier_id, "return_to_desk")
        return dossier_id

    def withdrawn(self, owner):
        """Submitted, then withdrawn by its applicant before the desk starts."""
        dossier_id = self.new_dossier(owner)
        assert owner.post(f"/api/v1/dossiers/{dossier_id}/submit").ok
        resp = owner.post(f"/api/v1/dossiers/{dossier_id}/actions", json={
            "action": "cancel", "reason": "Nộp nhầm thủ tục",
        })  # fmt: skip
        assert resp.status_code == 200, resp.text
        return dossier_id


def path_of(link):
    return "/" + link.split("://", 1)[1].split("/", 1)[1].split("?")[0]


@pytest.fixture(scope="module")
def databases(stack):
    engines = {
        name: create_engine(database_url(name, stack.env), pool_size=1)
        for name in ("dossiers", "notify")
    }
    yield engines
    for engine in engines.values():
        engine.dispose()


def sent_mails(notify_db, recipients, kinds_wanted):
    """{(recipient, subject): template key} once every kind wanted is among the mails
    to them and every one of those mails has gone (or 90 s are up).

    The journeys' last events reach notify a moment after the last request answers,
    so "every row so far is sent" alone can hold before the last mail is even queued."""
    query = text(
        "SELECT template_key, recipient, subject, status FROM messages "
        "WHERE recipient IN :to"
    ).bindparams(bindparam("to", expanding=True))

    def fetch():
        with notify_db.connect() as conn:
            return conn.execute(query, {"to": list(recipients)}).all()

    def complete(rows):
        return {r.template_key for r in rows} >= kinds_wanted and all(
            r.status == "sent" for r in rows
        )

    rows = eventually(fetch, complete, 90)
    return {(r.recipient.lower(), r.subject): r.template_key for r in rows}


def test_every_link_of_every_mail_kind_shows_its_record_to_its_recipient(
    api, stack, mailbox, agency, rpc, browser, databases, shots
):
    base = stack.url
    journeys = Journeys(api, agency, rpc, databases["dossiers"], browser, base)
    citizen, owner = journeys.citizen_account(mailbox)
    officer_id = journeys.staff["officer"].get("/api/v1/accounts/me").json()["id"]
    journeys.dossier_life(owner)
    journeys.refused_then_rejected(owner)
    journeys.overdue_with_a_task(owner, officer_id)
    journeys.withdrawn(owner)
    journeys.paid_online(owner, stack)
    journeys.received_elsewhere(owner, stack)

    people = {citizen: PASSWORD, **{e: PASSWORD for e in agency.staff.values()}}
    sent = sent_mails(databases["notify"], people, set(kinds.KEYS) - set(NOT_SENT))
    assert set(sent.values()) | set(NOT_SENT) == set(kinds.KEYS), sorted(
        set(kinds.KEYS) - set(sent.values()) - set(NOT_SENT)
    )

    anonymous = browser.new_context(locale="vi-VN").new_page()
    followed, opened = {}, set()
    for email in people:
        page = browser.new_context(locale="vi-VN").new_page()
        log_in(page, base, email)
        for message in mailbox.messages_to(email):
            key = sent.get((email.lower(), str(message["Subject"])))
            if key is None:
                continue  # a mail of another test to the same shared agency
            found = links_in(message)
            assert found, (key, message["Subject"])
            for link in sorted(found):
                assert link.startswith(base), (key, link)
                name, params = page_of(path_of(link))
                assert name, (key, link)  # a page of the route table, by name
                if link == journeys.activation_followed:
                    followed[key] = link  # opened at registration; its token spent
                    continue
                if (email, link) not in opened:  # many mails link the same page
                    browser_page = anonymous if name in ACCOUNT_PAGES else page
                    check_link(browser_page, link, name, params, journeys, key)
                    opened.add((email, link))
                followed[key] = link
        shots(page, f"last-link-{email.split('@')[0]}")
    assert set(followed) == set(sent.values()), followed


def check_link(page, link, name, params, journeys, key):
    answer = page.goto(link)
    where = (key, link)
    assert answer.status < 400, (*where, answer.status)
    assert "/dang-nhap" not in page.url, where  # the recipient is let in
    if name in ("citizen_dossier", "staff_dossier"):
        assert page.locator("#dossier-status").count() == 1, where
        receipt = journeys.receipts.get(params["dossier_id"])
        if receipt:
            assert receipt in page.content(), where
    elif name == "task":
        assert journeys.tasks[params["task_id"]] in page.content(), where
    elif name == "reset_password":
        assert page.locator("#f-password").is_visible(), where
    elif name == "forgot_password":
        assert page.locator("#f-email").is_visible(), where
    elif name == "lookup":
        assert page.locator("main").count() == 1, where
    else:
        raise AssertionError(f"no check for page {name}: {where}")
