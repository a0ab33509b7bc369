"""The notify tests run on the whole real system (the root `stack`).

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
import time

import pytest

from tests.conftest import Api, Mailbox
from tests.e2e.conftest import PASSWORD, Agency


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
