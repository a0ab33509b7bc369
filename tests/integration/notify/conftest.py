"""The notify tests run on the whole real system (the root stack, stopped faster).

Every peer notify calls is the real service now: files (`list_files`, `read_small`,
`generate_document`), accounts (`get_user`, `list_staff`) and dossiers
(`list_applicants`, `list_due_work`, and the events of real dossiers). One agency with
its desk, officer and leader (created through the gateway, as the e2e tests do) serves
the whole module set.

The mailbox is the root one made cheap: the shared sink directory holds every run's
mail, and parsing all of it on each poll cost seconds per wait. Here only files
written since this session began are read, each once, and only those whose raw bytes
name the address are parsed.
"""

import email
import email.policy
import os
import signal
import subprocess
import time

import pytest

from tests.conftest import Api, Mailbox
from tests.e2e.conftest import PASSWORD, Agency
from tests.stack import Stack


class ParallelStopStack(Stack):
    """The root stack, stopped in parallel.

    Each nameko service takes 2–3 s to stop; `Stack.stop` waits for them one by one
    (≈ 18 s). Signalling them all first makes the whole teardown take the slowest.
    """

    def stop(self):
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                pass  # Stack.stop kills what is still running
        super().stop()


@pytest.fixture(scope="session")
def stack():
    """The whole real system, as the root fixture starts it."""
    if os.environ.get("PORTAL_SKIP_STACK"):
        pytest.skip("PORTAL_SKIP_STACK is set")
    running = ParallelStopStack()
    try:
        running.start()
        yield running
    finally:
        running.stop()


class RecentMailbox(Mailbox):
    """Messages of this session only, parsed once, filtered before parsing."""

    def __init__(self, directory):
        super().__init__(directory)
        self.since = time.strftime("%Y%m%dT%H%M%S", time.gmtime(time.time() - 5))
        self.parsed = {}

    def messages_to(self, address):
        needle, found = address.lower().encode(), []
        for path in sorted(self.directory.glob("*.eml")):
            if path.name < self.since:
                continue
            if path.name not in self.parsed:
                raw = path.read_bytes()
                self.parsed[path.name] = (raw.lower(), raw)
            lowered, raw = self.parsed[path.name]
            if needle not in lowered:
                continue
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            recipients = ",".join(msg.get_all("To", []) + msg.get_all("Cc", []))
            if address.lower() in recipients.lower():
                found.append(msg)
        return found


@pytest.fixture(scope="session")
def mailbox(stack):
    return RecentMailbox(stack.env["PORTAL_MAIL_DIR"])


class Staff(Agency):
    """The e2e agency plus logged-in API clients of its desk, officer and leader."""

    def __init__(self, api, stack):
        super().__init__(api, stack)
        self.clients = {role: self.login(api, e) for role, e in self.staff.items()}

    @staticmethod
    def login(api, address):
        resp = api.post(
            "/api/v1/sessions", json={"email": address, "password": PASSWORD}
        )
        assert resp.status_code == 201, resp.text
        return api.as_user(resp.json()["token"])

    def caller(self, role):
        """The caller dict the gateway resolves for this member of staff."""
        resp = self.clients[role].get("/api/v1/sessions/current")
        assert resp.status_code == 200, resp.text
        return resp.json()


@pytest.fixture(scope="session")
def agency(stack):
    return Staff(Api(stack.url), stack)
