"""Seed about three months of the demo agency's past through the services' own RPCs.

The stories come from `deploy/local/history.py` (deterministic); each step is the
RPC a person would cause (the desk registers a paper dossier, the officer asks for
a supplement, the leader approves...), called as that person (a real session of the
demo account) and at the step's moment: the moment travels in the RPC context
(`clock`), which the services honour with `PORTAL_CLOCK_FROM_CONTEXT=1` (set by
`deploy/local/up`). So every stamp, receipt number, appointment date, deadline
state, history line, event, index entry and statistic is what the services made of
it that day; nothing is written to a database by hand.

Idempotent: when the demo agency already has dossiers, nothing is added (a second
`up` adds nothing; an interrupted first run is not resumed, see
deploy/local/README.md). `PORTAL_DEMO_DOSSIERS` (default 2400) and
`PORTAL_DEMO_DAYS` (91) size it; `PORTAL_DEMO_DOSSIERS=0` skips it.
"""

import datetime as dt
import email
import email.policy
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from services.accounts.exceptions import InvalidCredentials
from services.dossiers.exceptions import ConcurrentUpdate, PaymentRequired
from services.dossiers.payments import vnpay
from services.notify import settings as notify_settings
from services.shared import routes
from services.shared.caller import SYSTEM
from services.shared.clock import VN_TZ, utcnow
from services.shared.errors import Unavailable

from . import history

SEED = 2026
WORKERS = 4
RETRIES = 4
CITIZENS = (
    ("citizen@demo.portal.vn", "Nguyễn Thị Hằng", "001185012345", "0912345001"),
    ("citizen2@demo.portal.vn", "Trần Văn Bình", "001090023456", "0912345002"),
    ("citizen3@demo.portal.vn", "Lê Minh Châu", "001195034567", "0912345003"),
)
CITIZEN_PASSWORD = "Demo-Citizen-2026"
# procedures whose name says business, building, land or residence go to economy
# and infrastructure (KTHT); civil status and certification to justice (TPHT)
KTHT_WORDS = ("kinh doanh", "xây dựng", "đất", "thường trú")


def pdf(text):
    """A one-page PDF with `text` (ASCII), built by hand: small, valid, no fonts."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class People:
    """The demo accounts' sessions as caller dicts, by role (and department)."""

    def __init__(self, rpc):
        self.rpc, self.callers, self.ids = rpc, {}, {}

    def sign_in(self, key, email_address, password):
        session = self.rpc.call(
            "accounts", "login", SYSTEM, email_address, password, None, "api"
        )
        caller = self.rpc.call("accounts", "authenticate", session["token"])
        self.callers[key] = caller
        return caller


def department_of(procedure, departments):
    name = procedure["name"].lower()
    wanted = "KTHT" if any(w in name for w in KTHT_WORDS) else "TPHT"
    return wanted if wanted in departments else departments[0]


def working_days(rpc, province, first, last):
    holidays = []
    for year in range(first.year, last.year + 1):
        found = rpc.call("dossiers", "get_holidays", SYSTEM, province, year)
        holidays += [dt.date.fromisoformat(h["date"]) for h in found]
    return history.Days(first, last, holidays)


def citizen_accounts(rpc, people, province, mail_dir):
    """Sign the demo citizens in, registering and activating them the first time."""
    keys = []
    for n, (address, name, cccd, phone) in enumerate(CITIZENS):
        key = f"citizen{n}"
        try:
            people.sign_in(key, address, CITIZEN_PASSWORD)
        except InvalidCredentials:
            since = time.time() - 2
            rpc.call("accounts", "register", SYSTEM, {
                "kind": "citizen", "full_name": name, "email": address,
                "phone": phone, "password": CITIZEN_PASSWORD, "national_id": cccd,
                "province": province, "address": "25 phố Đội Cấn, phường Ba Đình,"
                " Hà Nội", "date_of_birth": f"19{cccd[4:6]}-05-17",
            })  # fmt: skip
            token = activation_token(mail_dir, address, since)
            rpc.call("accounts", "activate", SYSTEM, token)
            people.sign_in(key, address, CITIZEN_PASSWORD)
        keys.append(key)
    return keys


def public_url():
    """The base of this stack's links, as its notify service reads it."""
    setting = notify_settings.PUBLIC_URL
    return os.environ.get(setting.key, setting.default)


def token_for(messages, address, base):
    """The token of the first of `messages` (newest first) mailed to `address`
    whose activation link is under `base`, this stack's public URL: every stack of
    the machine (the demo, a bench's, a test's) writes into the sink's one folder,
    each registering the same demo addresses, so a link of another stack is "an
    invalid or already used link" here."""
    link = re.compile(re.escape(routes.url(base, "activate")) + r"\?token=([\w.-]+)")
    for msg in messages:
        if address not in str(msg["To"]):
            continue
        found = link.search(msg.get_body(("plain", "html")).get_content())
        if found:
            return found.group(1)
    return None


def mails_since(mail_dir, since):
    """The sink's messages written since `since` (epoch seconds), newest first
    (its file names begin with the time received)."""
    for path in sorted(Path(mail_dir).glob("*.eml"), reverse=True):
        if path.stat().st_mtime < since:
            return
        yield email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def activation_token(mail_dir, address, since, timeout=30):
    """The activation token this stack mailed to `address` (from the SMTP sink's
    folder)."""
    base, deadline = public_url(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        token = token_for(mails_since(mail_dir, since), address, base)
        if token:
            return token
        time.sleep(0.3)
    raise RuntimeError(f"no activation mail to {address} from {base} in {mail_dir}")


class Player:
    """Plays stories: each step one RPC as its actor, at its moment."""

    def __init__(self, rpc, people, agency, citizens):
        self.rpc, self.people, self.agency = rpc, people, agency
        self.citizens = citizens
        self.errors, self.lock = [], threading.Lock()

    def call(self, service, method, actor, *args, at=None, **kwargs):
        """One RPC at `at`; a lost race or a busy service (nothing done) is retried."""
        for attempt in range(RETRIES):
            try:
                return self.rpc.call(service, method, actor, *args, clock=at, **kwargs)
            except (ConcurrentUpdate, Unavailable):
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def actor(self, story, role):
        if role == "citizen":
            return self.people.callers[self.citizens[story.index % len(self.citizens)]]
        if role in ("officer", "leader"):
            return self.people.callers[f"{role}:{story.department}"]
        return self.people.callers[role]

    def play(self, story):
        state = {}
        try:
            for moment, role, action, args in story.steps:
                getattr(self, action)(story, state, self.actor(story, role), moment,
                                      **args)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - counted and reported, run goes on
            with self.lock:
                self.errors.append((story.index, type(exc).__name__, str(exc)[:200]))
        story.dossier_id = state.get("id")
        return story.dossier_id

    # the steps ---------------------------------------------------------------
    def register_paper(self, story, state, desk, at):
        applicant = {k: story.applicant[k] for k in ("full_name", "national_id",
                                                    "phone")}  # fmt: skip
        form = history.form_values(_rng(story), story.procedure, story.applicant)
        data = {"procedure": story.procedure["code"], "applicant": applicant,
                "department": story.department, "form": form}  # fmt: skip
        state["id"] = self.call("dossiers", "register_paper_dossier", desk, data,
                                at=at)["id"]  # fmt: skip

    def create(self, story, state, citizen, at):
        proc = story.procedure
        applicant = dict(story.applicant, full_name=citizen["full_name"])
        data = {"procedure": proc["code"], "agency": self.agency,
                "province": proc["province"],
                "form": history.form_values(_rng(story), proc, applicant)}  # fmt: skip
        state["id"] = self.call("dossiers", "create_dossier", citizen, data, at=at)[
            "id"
        ]
        for slot in proc.get("documents") or []:
            if slot.get("required"):
                self.upload(citizen, state["id"], slot["slot"], at)

    def submit(self, story, state, citizen, at):
        done = self.call("dossiers", "submit_dossier", citizen, state["id"], at=at)
        if done["status"] == "draft" and done.get("payment_state") == "due":
            self.pay(citizen, state, at)  # the fee's confirmation submits it

    def pay(self, citizen, state, at):
        """Pay the fee as the provider would confirm it, at the step's moment: the
        provider's signed callback, sent here with the demo merchant's secret."""
        started = self.call("dossiers", "start_payment", citizen, state["id"], at=at)
        sent = dict(parse_qsl(urlsplit(started["redirect_url"]).query))
        answer = {
            "vnp_TmnCode": sent["vnp_TmnCode"],
            "vnp_TxnRef": sent["vnp_TxnRef"],
            "vnp_Amount": sent["vnp_Amount"],
            "vnp_OrderInfo": sent["vnp_OrderInfo"],
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
            "vnp_TransactionNo": sent["vnp_TxnRef"][-8:],
            "vnp_PayDate": vnpay.stamp(at or utcnow()),
        }
        signed = vnpay.sign(os.environ["PORTAL_PAYMENT_SECRET"], answer)
        got = self.call("dossiers", "payment_callback", None, signed, at=at)
        if got["RspCode"] != "00":
            raise RuntimeError(f"demo payment refused: {got}")

    resubmit = submit

    def upload(self, caller, dossier_id, slot, at, audience=None):
        data = pdf(f"{slot} {dossier_id[:8]}")
        begun = self.call("files", "begin_upload", caller, dossier_id, slot,
                          f"{slot}.pdf", "application/pdf", len(data), audience,
                          at=at)  # fmt: skip
        answer = requests.put(begun["upload_url"], data=data, timeout=60)
        answer.raise_for_status()
        return self.call("files", "complete_upload", caller, begun["upload_id"], at=at)

    def act(self, caller, state, at, action, **options):
        return self.call("dossiers", "act", caller, state["id"], action, at=at,
                         **options)  # fmt: skip

    def receive(self, story, state, desk, at):
        self.act(desk, state, at, "receive", department=story.department)

    receive_again = receive

    def reject(self, story, state, desk, at, reason):
        self.act(desk, state, at, "reject", reason=reason)

    def cancel(self, story, state, desk, at, reason):
        self.act(desk, state, at, "cancel", reason=reason)

    def request_supplement(self, story, state, officer, at, note):
        self.act(officer, state, at, "request_supplement", note=note)

    def draft_result(self, story, state, officer, at):
        self.call("files", "draft_result", officer, state["id"], {}, at=at)

    def send_for_approval(self, story, state, officer, at):
        self.act(officer, state, at, "send_for_approval")

    def send_back(self, story, state, leader, at, note):
        self.act(leader, state, at, "send_back", note=note)

    def approve(self, story, state, leader, at):
        self.act(leader, state, at, "approve")

    def return_result(self, story, state, desk, at):
        try:
            self.act(desk, state, at, "return_result")
        except PaymentRequired:  # a fee due before the result: the applicant pays
            self.pay(self.actor(story, "citizen"), state, at)
            self.act(desk, state, at, "return_result")

    def comment(self, story, state, officer, at, body):
        self.call("dossiers", "add_comment", officer, state["id"], {"body": body},
                  at=at)  # fmt: skip

    def task(self, story, state, officer, at, title, done):
        due = (at.astimezone(VN_TZ) + dt.timedelta(days=3)).date().isoformat()
        task = self.call("dossiers", "create_task", officer, state["id"],
                         {"title": title, "assignee": officer["user_id"],
                          "due_date": due}, at=at)  # fmt: skip
        if done:
            later = at + dt.timedelta(hours=20)
            self.call("dossiers", "update_task", officer, state["id"], task["id"],
                      {"status": "done"}, at=later)  # fmt: skip

    def upload_result(self, story, state, officer, at):
        self.upload(officer, state["id"], "result", at, audience="public")


def _rng(story):
    import random

    return random.Random(f"{history.__name__}:{story.index}")


class ClockIgnored(RuntimeError):
    """The services stamp the real time: history would all be dated today."""


def honoured(rpc, dossier_id, moment):
    """Stop unless the first dossier carries its planned moment, not today's."""
    dossier = (
        rpc.call("dossiers", "get_dossier", SYSTEM, dossier_id) if dossier_id else {}
    )
    stamped = dossier.get("submitted_at") or dossier.get("created_at")
    if not stamped or abs(dt.datetime.fromisoformat(stamped) - moment) > dt.timedelta(
        minutes=1
    ):
        raise ClockIgnored(
            "the services ignore the seeder's clock (start them with"
            f" PORTAL_CLOCK_FROM_CONTEXT=1, as deploy/local/up does): dossier"
            f" {dossier_id} is stamped {stamped}, planned {moment.isoformat()}"
        )


def existing(rpc, agency):
    found = rpc.call("dossiers", "list_dossiers", SYSTEM, {"agency": agency,
                                                           "page_size": 1})  # fmt: skip
    return found["total"]


def stories_for(rpc, ctx, count, days_back, now=None):
    """The planned stories for the demo agency's procedures (deterministic)."""
    now = now or utcnow()
    today = now.astimezone(VN_TZ).date()
    province, departments = ctx["province"], ctx["departments"]
    procedures = []
    for code in ctx["procedures"]:
        proc = rpc.call("dossiers", "get_procedure", SYSTEM, code, province)
        procedures.append(dict(proc, department=department_of(proc, departments)))
    first = today - dt.timedelta(days=days_back)
    opened = ctx.get("agency_valid_from")
    if opened:
        first = max(first, dt.date.fromisoformat(opened))
    days = working_days(rpc, province, first, today)
    # nothing in the last ten minutes: the seed's own "now" stays in the past
    until = now - dt.timedelta(minutes=10)
    return history.plan(SEED, procedures, days, count, until)


def seed(rpc, ctx, count=None, days_back=None, workers=WORKERS):
    """Play the demo history unless the agency already has dossiers; the stories."""
    count = int(os.environ.get("PORTAL_DEMO_DOSSIERS", "2400") if count is None
                else count)  # fmt: skip
    days_back = int(os.environ.get("PORTAL_DEMO_DAYS", "91") if days_back is None
                    else days_back)  # fmt: skip
    agency = ctx["agency"]
    if count <= 0:
        return []
    already = existing(rpc, agency)
    if already:
        print(f"  history: {already} dossiers already there, nothing added")
        return []
    started = time.monotonic()
    agency_row = rpc.call("accounts", "get_agency", SYSTEM, agency)
    ctx.setdefault("agency_valid_from", agency_row.get("valid_from"))
    stories = stories_for(rpc, ctx, count, days_back)
    people = People(rpc)
    for user in ctx["staff"]:
        key = user["role"]
        if user["role"] in ("officer", "leader"):
            key = f"{user['role']}:{user['department']}"
        people.sign_in(key, user["email"], user["password"])
    mail_dir = os.environ.get("PORTAL_MAIL_DIR", "var/mail")
    citizens = citizen_accounts(rpc, people, ctx["province"], mail_dir)
    for address, _, _, _ in CITIZENS:
        ctx["users"].append({"email": address, "password": CITIZEN_PASSWORD,
                             "role": "citizen"})  # fmt: skip
    player = Player(rpc, people, agency, citizens)
    first = next(s for s in stories if not s.online)  # stamped at registration
    honoured(rpc, player.play(first), first.steps[0][0])
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(player.play, [s for s in stories if s is not first]))

    rpc.call("dossiers", "sweep_deadlines", SYSTEM)  # overdue as of now, at once
    seconds = time.monotonic() - started
    print(f"  history: {len(stories)} dossiers over {days_back} days in {seconds:.0f} s"
          f" ({len(player.errors)} stories stopped early)")  # fmt: skip
    for index, kind, text in player.errors[:5]:
        print(f"    story {index}: {kind}: {text}")
    ctx["history_errors"] = player.errors
    return stories
