"""A files-only stack: the files service, its converter and a dossiers stand-in.

The real dossiers service answers `check_upload`/`get_dossier` once its permission
rules are in place; these tests pin the files service's own behaviour against a
stand-in (services/files/testing/fake_dossiers.py) on the run's own vhost, database
and bucket. The gateway's files resource runs in-process (falcon TestClient) over the
real broker; bearer tokens "t:<json caller>" resolve to hand-built callers.
"""

import json
import os
import socket
import time
import uuid

import pytest
from falcon import testing

from gateway.app import create_app
from gateway.rpc import RpcPool
from services.files.testing.fake_dossiers import call as fake
from tests.stack import Stack

FAKE = "files.testing.fake_dossiers:FakeDossiersService"
CONVERTER = "files.converter:ConverterService"


class TestRpc(RpcPool):
    """The real pool, except that accounts.authenticate reads test tokens."""

    __test__ = False

    def call(self, service, method, *args, **kwargs):
        if (service, method) == ("accounts", "authenticate"):
            token = args[0]
            return json.loads(token[2:]) if token.startswith("t:") else None
        return super().call(service, method, *args, **kwargs)


def wait_for(check, timeout=60, interval=0.3):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception:  # noqa: BLE001 - retried until the deadline
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


@pytest.fixture(scope="session")
def files_stack():
    if os.environ.get("PORTAL_SKIP_STACK"):
        pytest.skip("PORTAL_SKIP_STACK is set")
    env = dict(os.environ, PORTAL_FILES_DOSSIERS_SERVICE="files_fake_dossiers")
    env.setdefault("PORTAL_CONVERSION_TIMEOUT", "60")
    stack = Stack(env)
    stack.create_vhost()
    try:
        for target in ("files", FAKE, CONVERTER):
            stack.start_service(target)
        pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=4, timeout=30)
        wait_for(lambda: pool.call("files", "health", timeout=5)["postgres"] == "ok")
        wait_for(lambda: fake(pool, "health"))
        stack.pool = pool
        yield stack
        pool.close()
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def frpc(files_stack):
    return files_stack.pool


@pytest.fixture(scope="session")
def client(files_stack):
    rpc = TestRpc(files_stack.env["PORTAL_AMQP_URI"], size=4, timeout=30)
    saved = os.environ.get("PORTAL_FILES_MAX_BYTES")
    os.environ["PORTAL_FILES_MAX_BYTES"] = str(2 * 1024 * 1024)
    try:
        app = create_app(rpc, {"PORTAL_MAX_JSON_BODY": 1024 * 1024})
    finally:
        if saved is None:
            os.environ.pop("PORTAL_FILES_MAX_BYTES")
        else:
            os.environ["PORTAL_FILES_MAX_BYTES"] = saved
    yield testing.TestClient(app)
    rpc.close()


def citizen(province="01"):
    return {
        "user_id": uuid.uuid4().hex,
        "kind": "citizen",
        "roles": ["citizen"],
        "province": province,
    }


def staff(role="officer", province="01", agency="A1", department="D1"):
    return {
        "user_id": uuid.uuid4().hex,
        "kind": "staff",
        "roles": [role],
        "province": province,
        "agency": agency,
        "department": department,
    }


def headers(caller):
    return {"Authorization": "Bearer t:" + json.dumps(caller)}


@pytest.fixture
def dossier(frpc):
    """A draft dossier of a fresh citizen with a few slots."""
    owner = citizen()
    body = {
        "id": uuid.uuid4().hex,
        "owner": owner["user_id"],
        "province": "01",
        "agency": "A1",
        "department": "D1",
        "status": "draft",
        "slots": {
            "any": {"accept": [], "max_count": 10},
            "photo": {"accept": ["image/*"], "max_count": 2},
            "pdf_only": {"accept": ["application/pdf"], "max_count": 1},
        },
    }
    fake(frpc, "register", body)
    return body, owner


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
