"""The load a fault test runs through: clients submitting dossiers, a desk receiving
them, and the count of what must be in the database, the index and the mailbox.

Every accepted change is remembered (its dossier id, its expected status, the e-mails
it must cause); a request answered 503 while a component is away is retried by the
client, as a real one would, and counted. `Ledger.verify` then counts, not samples:
each remembered dossier must be in the dossiers database in its status, in the index
in the same status, and its applicant's mailbox must hold exactly one e-mail per
status change.
"""

import threading
import time
import uuid

import requests
from sqlalchemy import create_engine, text

from tests.conftest import Api, Mailbox
from tests.e2e.conftest import PASSWORD, Agency
from tests.e2e.test_api_journey import login, register_citizen

RETRYABLE = {502, 503, 504}


class LightAgency(Agency):
    """The e2e agency, its procedure needing no documents: submissions are cheap."""

    def procedure_body(self):
        body = super().procedure_body()
        body["documents"] = []
        body["form"] = {
            "fields": [
                {"name": "child_name", "label": "Họ tên trẻ", "type": "text",
                 "required": True},
            ]
        }  # fmt: skip
        return body


class Patience:
    """How long a client keeps retrying: until `deadline`, and never while the fault
    is still going on (a round of seven kills outlasts a fixed deadline on a loaded
    machine); once it is over, `AFTER_FAULT` seconds more at least."""

    AFTER_FAULT = 60

    def __init__(self, deadline, faulting):
        self.deadline, self.faulting = deadline, faulting

    def fault_over(self):
        self.deadline = max(self.deadline, time.monotonic() + self.AFTER_FAULT)
        self.faulting.clear()

    def over(self):
        return not self.faulting.is_set() and time.monotonic() > self.deadline

    def left(self):
        return max(self.deadline - time.monotonic(), 1)


def call(fn, path, tally, deadline, **kw):
    """Send until the answer is not a 5xx-for-unavailability or `deadline` (a
    `Patience`) is over."""
    retried = False
    while True:
        try:
            resp = fn(path, timeout=20, **kw)
        except requests.RequestException:
            resp = None
        if resp is not None and resp.status_code not in RETRYABLE:
            resp.retried = retried
            return resp
        retried = True
        tally["retried"] += 1
        if resp is not None:
            tally[f"answered_{resp.status_code}"] = (
                tally.get(f"answered_{resp.status_code}", 0) + 1
            )
            if resp.status_code == 503:
                tally["codes"].add(resp.json().get("error", {}).get("code"))
        if deadline.over():
            raise AssertionError(f"{path}: still unavailable at the deadline")
        time.sleep(0.3)


class Ledger:
    """What the clients were told happened: dossier id → (status, mails expected)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dossiers = {}
        self.tally = {"retried": 0, "codes": set()}
        self.errors = []

    def expect(self, dossier_id, email, status, mails):
        with self.lock:
            self.dossiers[dossier_id] = (email, status, mails)


class World:
    """An agency and its desk, and one activated citizen per client."""

    def __init__(self, stack, clients):
        self.stack = stack
        self.api = Api(stack.url)
        self.mailbox = Mailbox(stack.env["PORTAL_MAIL_DIR"], since=time.time() - 5)
        self.citizens = [self._citizen() for _ in range(clients)]
        self.fresh_agency()

    def fresh_agency(self):
        """A new agency and desk, so each fault's count starts from nothing."""
        self.agency = LightAgency(self.api, self.stack)
        self.desk = login(self.api, self.agency.staff["desk"])

    def _citizen(self):
        email = register_citizen(self.api, self.mailbox)
        return email, login(self.api, email)


def applied(resp, client, dossier_id, status, tally, deadline):
    """Whether an action took effect: its answer, or (when the first try's answer was
    lost and the retry found the work done) the dossier's status now."""
    if resp.status_code == 200:
        return True
    if not resp.retried:
        return False
    now = call(client.get, f"/api/v1/dossiers/{dossier_id}", tally, deadline)
    return now.status_code == 200 and now.json()["status"] == status


def sign_in(world, email, tally, deadline):
    """A new visit: the citizen signs in again (an accounts RPC, with its password
    hash, so the burst keeps accounts busy as well as dossiers and files)."""
    body = {"email": email, "password": PASSWORD}
    resp = call(world.api.post, "/api/v1/sessions", tally, deadline, json=body)
    assert resp.status_code == 201, resp.text
    return world.api.as_user(resp.json()["token"])


def submit_one(world, email, citizen, ledger, deadline, receive):
    """Sign in, create, submit and (when `receive`) receive one dossier; record
    what is due."""
    tally = ledger.tally
    citizen = sign_in(world, email, tally, deadline)
    body = {
        "procedure": world.agency.procedure,
        "agency": world.agency.code,
        "form": {"child_name": f"Nguyễn Văn {uuid.uuid4().hex[:6]}"},
    }
    draft = call(citizen.post, "/api/v1/dossiers", tally, deadline, json=body)
    assert draft.status_code == 201, draft.text
    dossier_id = draft.json()["id"]
    sub = call(citizen.post, f"/api/v1/dossiers/{dossier_id}/submit", tally, deadline)
    ok = applied(sub, citizen, dossier_id, "waiting_reception", tally, deadline)
    assert ok, sub.text
    ledger.expect(dossier_id, email, "waiting_reception", 1)
    if receive:
        got = call(
            world.desk.post,
            f"/api/v1/dossiers/{dossier_id}/actions",
            tally,
            deadline,
            json={"action": "receive", "department": world.agency.department},
        )
        ok = applied(got, world.desk, dossier_id, "processing", tally, deadline)
        assert ok, got.text
        ledger.expect(dossier_id, email, "processing", 2)


def burst(world, ledger, per_client, deadline, during=None):
    """Each citizen submits at least `per_client` dossiers (every other one received),
    and goes on until `during` (the fault) has finished, so the fault meets load."""
    faulting = threading.Event()
    if during is not None:
        faulting.set()
    patience = Patience(deadline, faulting)

    def client(email, citizen):
        n = 0
        try:
            while n < per_client or faulting.is_set():
                submit_one(world, email, citizen, ledger, patience, n % 2 == 0)
                n += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test
            ledger.errors.append(repr(exc))

    threads = [
        threading.Thread(target=client, args=c, daemon=True) for c in world.citizens
    ]
    for t in threads:
        t.start()
    if during is not None:
        try:
            during()
        finally:
            patience.fault_over()
    for t in threads:
        t.join(patience.left())
    assert not ledger.errors, ledger.errors[:3]


def database_statuses(stack, agency):
    """Submitted dossiers of `agency` and their status, read from the database."""
    base = stack.env["PORTAL_PG_DSN_BASE"]
    engine = create_engine(f"{base}/{stack.env['PORTAL_DB_PREFIX']}dossiers")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT public_id, status FROM dossiers WHERE agency = :a"),
                {"a": agency},
            ).all()
            unsent = conn.execute(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            ).scalar()
    finally:
        engine.dispose()
    return {str(i): s for i, s in rows if s != "draft"}, unsent


def index_statuses(world):
    """What the index answers for the agency, as the desk sees it (None: no answer)."""
    found, page = {}, 1
    while True:
        resp = world.desk.get(
            "/api/v1/search/dossiers",
            params={"agency": world.agency.code, "page_size": 100, "page": page},
            timeout=20,
        )
        if resp.status_code != 200:
            return None
        body = resp.json()
        found.update((i["id"], i["status"]) for i in body["items"])
        if len(body["items"]) < 100:
            return found, body["total"]
        page += 1


def mails_per_dossier(world, ledger):
    """How many e-mails each dossier's applicant received about it."""
    counts = dict.fromkeys(ledger.dossiers, 0)
    for email in {e for e, _, _ in ledger.dossiers.values()}:
        for msg in world.mailbox.messages_to(email):
            body = msg.get_body(preferencelist=("plain",)).get_content()
            for dossier_id in counts:
                if dossier_id in body:
                    counts[dossier_id] += 1
    return counts


def verify(world, ledger, timeout=60):
    """Every change the clients were told of is in the database, the index and the
    mailbox, exactly once; polled until `timeout` (events and mail are asynchronous),
    then the last difference is the failure."""
    expected = {d: status for d, (_, status, _) in ledger.dossiers.items()}
    mails = {d: n for d, (_, _, n) in ledger.dossiers.items()}
    deadline, problems = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        stored, unsent = database_statuses(world.stack, world.agency.code)
        indexed = index_statuses(world)
        mailed = mails_per_dossier(world, ledger)
        problems = {
            "database": None if stored == expected else diff(expected, stored),
            "outbox unsent": unsent or None,
            "index": None
            if indexed and indexed == (expected, len(expected))
            else diff(expected, indexed and indexed[0]),
            "mail": None if mailed == mails else diff(mails, mailed),
        }
        if not any(problems.values()):
            return len(expected), sum(mails.values())
        time.sleep(0.5)
    raise AssertionError({k: v for k, v in problems.items() if v})


def diff(want, got):
    got = got or {}
    keys = set(want) | set(got)
    return {k: (want.get(k), got.get(k)) for k in keys if want.get(k) != got.get(k)}
