"""Helpers of the notify integration tests: publish events, read the delivery log."""

import time
import uuid

from nameko.standalone.events import event_dispatcher
from sqlalchemy import create_engine, text

import services.notify.exceptions  # noqa: F401 - registers notify's error types
from services.notify.samples import DOSSIER
from services.shared.config import database_url


def publish(stack, source, event_type, payload):
    """Publish an event as `source` would, on the run's vhost."""
    config = {"AMQP_URI": stack.env["PORTAL_AMQP_URI"], "serializer": "json"}
    event_dispatcher(config)(source, event_type, payload)


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
