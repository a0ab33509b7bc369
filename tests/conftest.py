"""Fixtures shared by every test: the running stack, an API client, the mailbox."""

import email
import email.policy
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from gateway.rpc import RpcPool

from .stack import Stack

# Session teardown used to hang after the last test, the main thread parked in
# eventlet's hub: a test had imported a module that monkey-patches eventlet on import
# (the runner), which turned this process's threads, sleeps and subprocess waits green.
# `_process_stays_unpatched` below fails the test that patches the process. Should a
# teardown still hang, a watchdog started at the last teardown ends the process after
# TEARDOWN_GRACE seconds with the tally of the reports (failures make it exit 1).
TEARDOWN_GRACE = float(os.environ.get("PORTAL_TEARDOWN_GRACE", "240"))
_tally = {"failed": 0, "passed": 0}


def pytest_runtest_logreport(report):
    if report.failed:
        _tally["failed"] += 1
    elif report.passed and report.when == "call":
        _tally["passed"] += 1


def _end_stuck_session():
    time.sleep(TEARDOWN_GRACE)
    sys.__stderr__.write(
        f"\nsession teardown still running after {TEARDOWN_GRACE:.0f} s: ending it; "
        f"{_tally['passed']} passed, {_tally['failed']} failed (reports)\n"
    )
    sys.__stderr__.flush()
    os._exit(1 if _tally["failed"] else 0)


def _eventlet_patched():
    patcher = sys.modules.get("eventlet.patcher")
    return bool(patcher) and patcher.is_monkey_patched("thread")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if nextitem is None:
        threading.Thread(target=_end_stuck_session, daemon=True).start()
    yield


_patched_reported = []


@pytest.fixture(autouse=True)
def _process_stays_unpatched(request):
    """Fail the first test after which eventlet has patched this process."""
    yield
    patcher = sys.modules.get("eventlet.patcher")
    if not _patched_reported and patcher and patcher.is_monkey_patched("thread"):
        _patched_reported.append(request.node.nodeid)
        pytest.fail(
            f"{request.node.nodeid} monkey-patched eventlet in the test process (its "
            "threads, sleeps and waits turn green and the session's teardown hangs): "
            "import that module in a subprocess",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def stack():
    """The whole system, started once per test run with its own vhost and databases."""
    if os.environ.get("PORTAL_SKIP_STACK"):
        pytest.skip("PORTAL_SKIP_STACK is set")
    running = Stack()
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def rpc(stack):
    """A pooled RPC client on the run's vhost, as the gateway uses."""
    pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=4, timeout=20)
    yield pool
    pool.close()


def _an_address():
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


class Api:
    """A small HTTP client for the gateway that keeps a base URL and a token."""

    def __init__(self, base_url, token=None, lang=None):
        self.base_url = base_url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if lang:
            self.session.headers["Accept-Language"] = lang

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 30)
        if method == "POST" and path == "/api/v1/accounts":
            # Each citizen registers from an address of their own, as in life: the
            # suite registers more than accounts allows one address in an hour (30;
            # the limit has its own test). The gateway trusts X-Forwarded-For from
            # loopback, as behind the deployment's proxy.
            headers = {"X-Forwarded-For": _an_address(), **kwargs.get("headers", {})}
            kwargs["headers"] = headers
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def as_user(self, token):
        return Api(self.base_url, token)


@pytest.fixture
def api(stack):
    return Api(stack.url)


class Mailbox:
    """Read what the local SMTP sink stored (one .eml file per message).

    Only files stored since `since` (UTC, the sink's file-name clock) are read, each
    once: the sink's folder keeps every message of every run and would otherwise be
    re-parsed on every poll.
    """

    def __init__(self, directory, since=None):
        self.directory = Path(directory)
        started = time.time() - 5 if since is None else since
        self.since = time.strftime("%Y%m%dT%H%M%S", time.gmtime(started))
        self.raw = {}

    def messages_to(self, address):
        needle, found = address.lower().encode(), []
        for path in sorted(self.directory.glob("*.eml")):
            if path.name < self.since:
                continue
            if path.name not in self.raw:
                self.raw[path.name] = path.read_bytes()
            raw = self.raw[path.name]
            if needle not in raw.lower():
                continue
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            recipients = ",".join(msg.get_all("To", []) + msg.get_all("Cc", []))
            if address.lower() in recipients.lower():
                found.append(msg)
        return found

    def wait_for(self, address, count=1, timeout=30, subject_contains=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msgs = self.messages_to(address)
            if subject_contains:
                msgs = [m for m in msgs if subject_contains in str(m["Subject"])]
            if len(msgs) >= count:
                return msgs
            time.sleep(0.3)
        raise AssertionError(f"no {count} message(s) to {address} in {timeout}s")


@pytest.fixture(scope="session")
def mailbox(stack):
    return Mailbox(stack.env["PORTAL_MAIL_DIR"], since=stack.created - 5)
