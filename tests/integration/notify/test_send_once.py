"""A notify killed while it sends: every message reaches the mailbox exactly once.

Its own small system: one notify process under the supervisor (restarted after a
crash, as deployed) on the run's vhost and database, and the project's SMTP sink
(`deploy/local/smtp_sink.py`, one copy per Message-ID) in this process on a port
of its own. The sink SIGKILLs notify as it stores the 10th message of a bulk send,
before answering it: the mailbox has that message, notify never learnt it. The
restarted notify (or rather its lease, run out) sends it again, as the same
message. Counted by Message-ID: each row of the delivery log is in the mailbox
once, each recipient has one message, the sink saw the re-send, every row is
`sent`, and notify was restarted once.

And two notify instances live at once, sharing one bulk send (as a deployment with
two replicas does): both send part of it, none sends a row the other claimed — each
row is in the mailbox once and the sink saw no message twice.
"""

import asyncio
import email.policy
import os
import signal
import sys
import time
from email.parser import BytesParser

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from deploy.local.smtp_sink import MaildirSink, SinkController, message_id
from gateway.rpc import RpcPool
from services.shared.caller import SYSTEM
from services.shared.config import database_url
from tests.faults.components import first_free
from tests.stack import Stack, free_port

CALLER = dict(SYSTEM, province="01", agency="ONCE", department="ONCE")
APPROVER = {"kind": "staff", "roles": ["province_admin"], "user_id": "approver",
            "province": "01"}  # fmt: skip
RECIPIENTS, KILL_AT = 40, 10


class KillingSink(MaildirSink):
    """The project's sink, which kills notify once, after storing a message and
    before its 250."""

    def __init__(self, directory, stack):
        super().__init__(directory)
        self.stack, self.stored, self.killed = stack, 0, None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        answer = await super().handle_DATA(server, session, envelope)
        self.stored += 1
        if self.stored == KILL_AT and self.killed is None:
            self.killed = message_id(envelope.original_content or envelope.content)
            os.kill(self.stack.pid("notify"), signal.SIGKILL)
        return answer


class SlowSink(MaildirSink):
    """The project's sink, taking 10 ms per message as a real relay takes longer:
    the send lasts long enough for both instances to poll, claim and send."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def notify_system(tmp_path, make_sink, instances):
    stack = Stack()
    port = first_free(range(5800, 5820))
    sink = make_sink(tmp_path, stack)
    controller: Controller = SinkController(sink, hostname="127.0.0.1", port=port)
    controller.start()
    stack.env.update(
        PORTAL_SMTP_PORT=str(port),
        PORTAL_SMTP_CONNECTIONS="2",
        PORTAL_NOTIFY_LEASE="3",  # a dead instance's claims free after 3 s
        PORTAL_LOG_LEVEL="WARNING",
    )
    rpc = RpcPool(stack.env["PORTAL_AMQP_URI"], size=2, timeout=60)
    try:
        stack.create_vhost()
        for name in instances:
            stack.metrics_ports[name] = free_port()
            env = dict(stack.env, PORTAL_METRICS_PORT=str(stack.metrics_ports[name]))
            argv = [sys.executable, "-m", "services.shared.runner", "notify"]
            stack.start_process(name, argv, env)
        wait(lambda: rpc.call("notify", "health", timeout=3), 120)
        yield stack, sink, rpc, tmp_path
    finally:
        rpc.close()
        stack.stop()
        controller.stop()


@pytest.fixture
def system(tmp_path):
    yield from notify_system(tmp_path, KillingSink, ["notify"])


@pytest.fixture
def pair(tmp_path):
    yield from notify_system(tmp_path, lambda d, _: SlowSink(d), ["notify", "notify-2"])


def wait(check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if found := check():
                return found
        except Exception:  # noqa: BLE001, S110 - not there yet
            pass
        time.sleep(0.3)
    raise AssertionError(f"not done in {timeout} s")


def rows(stack, bulk_id):
    engine = create_engine(database_url("notify", stack.env).replace("+psycopg2", ""))
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT m.public_id, m.recipient, m.status, m.attempts, "
                    "m.claimed_by "
                    "FROM messages m JOIN bulk_mails b ON b.id = m.bulk_id "
                    "WHERE b.public_id = :b"
                ),
                {"b": bulk_id},
            ).all()
    finally:
        engine.dispose()


def bulk_send(rpc, recipients):
    """A bulk e-mail to `recipients` people, approved, confirmed and sent; its id."""
    csv = "".join(f"once-{i}@example.vn,Nguyễn Thị Ánh Tuyết {i}\n" for i in
                  range(recipients))  # fmt: skip
    body = {"subject": "Thông báo {{ full_name }}", "body": "Kính gửi {{ full_name }}",
            "csv": csv, "rate": 0}  # fmt: skip
    draft = rpc.call("notify", "create_bulk_mail", CALLER, body)
    rpc.call("notify", "approve_bulk_mail", APPROVER, draft["id"])
    rpc.call("notify", "confirm_bulk_mail", CALLER, draft["id"])

    def done():
        found = rpc.call("notify", "get_bulk_mail", CALLER, draft["id"], timeout=5)
        return found["status"] == "done"

    wait(done, 120)
    return draft


def test_a_notify_killed_while_sending_mails_each_message_once(system):
    stack, sink, rpc, mail_dir = system
    draft = bulk_send(rpc, RECIPIENTS)
    assert sink.killed, "notify was never killed while sending"
    stored = [(p.read_bytes()) for p in mail_dir.glob("*.eml")]
    ids = [message_id(raw).decode() for raw in stored]
    log = rows(stack, draft["id"])
    assert {r.status for r in log} == {"sent"}
    assert sorted(ids) == sorted(f"<{r.public_id}@dichvucong.local>" for r in log)
    assert len(stored) == len(set(ids)) == RECIPIENTS
    for row in log:  # one message per recipient
        assert sum(row.recipient.encode() in raw for raw in stored) == 1
    for raw in stored:  # every name and subject whole, as the .eml has it
        msg = BytesParser(policy=email.policy.default).parsebytes(raw)
        number = msg["To"].addresses[0].username.split("-")[1]
        assert msg["To"].addresses[0].display_name == f"Nguyễn Thị Ánh Tuyết {number}"
        assert str(msg["Subject"]) == f"Thông báo Nguyễn Thị Ánh Tuyết {number}"
    resent = (mail_dir / ".ids" / "duplicates").read_text().split()
    assert sink.killed.decode() in resent  # sent again, stored once
    assert stack.supervised("notify")["restarts"] == 1


def sent_by(stack, name):
    """How many messages the instance `name` sent (its own /metrics)."""
    body = requests.get(stack.metrics_url(name), timeout=5).text
    return int(sum(
        float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
        if line.startswith('portal_emails_total{') and 'state="sent"' in line
    ))  # fmt: skip


def test_two_live_notify_instances_never_send_the_same_row(pair):
    stack, _, rpc, mail_dir = pair
    draft = bulk_send(rpc, 4 * RECIPIENTS)
    log = rows(stack, draft["id"])
    ids = [message_id(p.read_bytes()).decode() for p in mail_dir.glob("*.eml")]
    assert {r.status for r in log} == {"sent"}
    assert sorted(ids) == sorted(f"<{r.public_id}@dichvucong.local>" for r in log)
    assert {r.attempts for r in log} == {1}  # no row begun twice
    sent = {n: sent_by(stack, n) for n in ("notify", "notify-2")}
    assert sum(sent.values()) == len(log) and all(sent.values()), sent  # both sent
    assert not (mail_dir / ".ids" / "duplicates").exists()  # no message twice
    assert {n: stack.supervised(n)["restarts"] for n in ("notify", "notify-2")} == {
        "notify": 0, "notify-2": 0,
    }  # fmt: skip
