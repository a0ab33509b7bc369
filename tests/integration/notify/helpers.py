"""Helpers of the notify integration tests: publish events, read the delivery log."""

import time
import uuid

import requests
from nameko.standalone.events import event_dispatcher
from sqlalchemy import create_engine, text

import services.dossiers.exceptions  # noqa: F401 - registers the error types
import services.notify.exceptions  # noqa: F401
from services.notify.samples import DOSSIER
from services.shared.config import database_url
from tests.contracts.events import complete

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def publish(stack, source, event_type, payload):
    """Publish an event as `source` would, on the run's vhost."""
    config = {"AMQP_URI": stack.env["PORTAL_AMQP_URI"], "serializer": "json"}
    event_dispatcher(config)(source, event_type, complete(source, event_type, payload))


def event(**fields):
    body = {"event_id": str(uuid.uuid4()), "occurred_at": "2026-01-05T09:00:00+07:00"}
    body.update(fields)
    return body


def address(tag="citizen"):
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.vn"


def dossier(email, **changes):
    """A dossier snapshot with a fresh id whose applicant is `email`."""
    snapshot = dict(DOSSIER, id=str(uuid.uuid4()), **changes)
    snapshot["applicant"] = dict(DOSSIER["applicant"], email=email)
    return snapshot


def officer(dossier_snapshot, **changes):
    caller = {
        "user_id": "officer-1",
        "kind": "staff",
        "roles": ["officer"],
        "province": dossier_snapshot["province"],
        "agency": dossier_snapshot["agency"],
        "department": dossier_snapshot["department"],
    }
    caller.update(changes)
    return caller


class DeliveryLog:
    """Read the notify service's own tables (tests only)."""

    def __init__(self, stack):
        self.engine = create_engine(
            database_url("notify", stack.env).replace("+psycopg2", "")
        )

    def rows(self, where, **params):
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    text(f"SELECT * FROM messages WHERE {where} ORDER BY id"), params
                )
                .mappings()
                .all()
            )

    def wait(self, where, predicate, timeout=30, **params):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.rows(where, **params)
            if rows and predicate(rows):
                return rows
            time.sleep(0.3)
        raise AssertionError(
            f"delivery log never matched: {self.rows(where, **params)}"
        )


class notify_with:  # noqa: N801 - used as a context manager
    """Replace the stack's notify process by one with extra environment."""

    def __init__(self, stack, rpc, **env):
        self.stack, self.rpc, self.env = stack, rpc, env

    def __enter__(self):
        self._swap(self.env)
        return self

    def __exit__(self, *exc):
        self._swap({})

    def _swap(self, extra):
        stack = self.stack
        stack.stop_process("notify")
        original = stack.env
        stack.env = {**original, **extra}
        try:
            stack.start_service("notify")
        finally:
            stack.env = original
        wait_health(self.rpc)


def wait_health(rpc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return rpc.call("notify", "health", timeout=3)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise AssertionError("notify did not come back")


def citizen(email, full_name="Trần Thị Mai"):
    """A citizen caller (dossiers keeps the applicant from the caller)."""
    return {
        "user_id": str(uuid.uuid4()),
        "kind": "citizen",
        "roles": ["citizen"],
        "province": "01",
        "email": email,
        "full_name": full_name,
    }


def draft(rpc, agency, person, form=None):
    """A real draft dossier of the agency's procedure."""
    body = {"procedure": agency.procedure, "agency": agency.code, "form": form or {}}
    return rpc.call("dossiers", "create_dossier", person, body)


def paper_dossier(rpc, agency, email, full_name="Đặng Văn Hùng"):
    """A real paper dossier registered at the desk (received at once)."""
    body = {
        "procedure": agency.procedure,
        "applicant": {
            "full_name": full_name,
            "email": email,
            "national_id": "001090123456",
        },
        "department": agency.department,
        "form": {"child_name": "Đặng Minh Khôi", "copies": 1},
    }
    return rpc.call("dossiers", "register_paper_dossier", agency.caller("desk"), body)


def upload(client, dossier_id, slot, name, data, content_type):
    """Upload a file to a dossier slot through the gateway; return its meta."""
    resp = client.post(
        f"/api/v1/dossiers/{dossier_id}/files",
        data={"slot": slot},
        files={"file": (name, data, content_type)},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def act(client, dossier_id, action, **body):
    resp = client.post(
        f"/api/v1/dossiers/{dossier_id}/actions", json={"action": action, **body}
    )
    assert resp.status_code == 200, (action, resp.text)
    return resp.json()


def put_file(rpc, caller, dossier_id, slot, name, data, content_type):
    """Store a real file through files.begin_upload/complete_upload; return meta."""
    begun = rpc.call(
        "files", "begin_upload", caller, dossier_id, slot, name, content_type, len(data)
    )
    resp = requests.put(
        begun["upload_url"],
        data=data,
        headers={"Content-Type": content_type},
        timeout=30,
    )
    resp.raise_for_status()
    return rpc.call("files", "complete_upload", caller, begun["upload_id"])
