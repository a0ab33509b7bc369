"""A burst of dossier submissions through the gateway, and what became of each.

Used by the cluster tests and by `bench/run cluster`: a few clients create and submit
dossiers as fast as the stack answers; an action (a node killed) runs once a given
number have been submitted. A client retries what was answered 5xx or not at all,
as the portal's pages do, so that a broker failover costs time and never a dossier.
Every acknowledged dossier is then checked in the databases (see `verify`).
"""

import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
from sqlalchemy import create_engine, text

from tests.e2e.conftest import Agency

SLOT = "giay_to"


class LightAgency(Agency):
    """An agency whose procedure needs one form field; its one document is optional."""

    def procedure_body(self):
        body = super().procedure_body()
        body["documents"] = [
            {"slot": SLOT, "name": "Giấy tờ kèm theo", "required": False,
             "accept": ["application/pdf"], "max_count": 10},
        ]  # fmt: skip
        body["form"] = {
            "fields": [
                {"name": "child_name", "label": "Họ tên", "type": "text",
                 "required": True},
            ]
        }  # fmt: skip
        return body


@dataclass
class Outcome:
    submitted: list = field(default_factory=list)  # dossier ids answered 200
    at: list = field(default_factory=list)  # seconds into the burst of each of them
    retries: int = 0
    errors: list = field(default_factory=list)  # the last error of an abandoned one
    seconds: float = 0.0
    action_at: float | None = None  # seconds into the burst

    def rate(self):
        return len(self.submitted) / self.seconds if self.seconds else 0.0


def _retrying(call, outcome, lock, deadline):
    """Call until an answer below 500 arrives (or the deadline passes)."""
    while True:
        try:
            resp = call()
            if resp.status_code < 500:
                return resp
            error = f"{resp.status_code} {resp.text[:200]}"
        except requests.RequestException as exc:
            error = repr(exc)
        with lock:
            outcome.retries += 1
        if time.monotonic() > deadline:
            return error
        time.sleep(0.2)


def submit_one(client, agency, outcome, lock, deadline):
    """Create and submit one dossier; return its id once the portal said submitted."""
    created = _retrying(
        lambda: client.post(
            "/api/v1/dossiers",
            json={
                "procedure": agency.procedure,
                "agency": agency.code,
                "form": {"child_name": f"Nguyễn Văn {uuid.uuid4().hex[:6]}"},
            },
        ),
        outcome,
        lock,
        deadline,
    )
    if isinstance(created, str) or created.status_code != 201:
        return None, getattr(created, "text", created)
    dossier_id = created.json()["id"]
    answer = _retrying(
        lambda: client.post(f"/api/v1/dossiers/{dossier_id}/submit"),
        outcome,
        lock,
        deadline,
    )
    if isinstance(answer, str):
        return None, answer
    if answer.status_code != 200:
        # a retry after a lost answer finds it already submitted
        state = client.get(f"/api/v1/dossiers/{dossier_id}")
        if state.status_code == 200 and state.json()["status"] == "waiting_reception":
            return dossier_id, None
        return None, answer.text
    return dossier_id, None


def run(client, agency, total, clients=4, action=None, action_after=None, limit=180):
    """Submit `total` dossiers from `clients` threads; run `action` once midway."""
    outcome, lock = Outcome(), threading.Lock()
    counter = iter(range(total))
    fired = threading.Event()
    start = time.monotonic()
    deadline = start + limit

    def fire():
        outcome.action_at = time.monotonic() - start
        action()

    def worker():
        session = client.as_user(None)
        session.session.headers.update(client.session.headers)
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    return
            dossier_id, error = submit_one(session, agency, outcome, lock, deadline)
            with lock:
                if dossier_id:
                    outcome.submitted.append(dossier_id)
                    outcome.at.append(time.monotonic() - start)
                else:
                    outcome.errors.append(error)
                due = action and not fired.is_set()
                due = due and len(outcome.submitted) >= (action_after or 0)
                if due:
                    fired.set()
            if due:
                fire()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.monotonic() - start
    return outcome


def _db(stack, service):
    base = stack.env["PORTAL_PG_DSN_BASE"]
    return create_engine(f"{base}/{stack.env['PORTAL_DB_PREFIX']}{service}")


def ledger(stack, dossier_ids, recipient):
    """What the databases hold for these dossiers, one query per service.

    Returns {status of each dossier}, {dossier → its submission events, published
    or not}, {event → e-mails notify queued of it for `recipient`}, {dossiers the
    index shows submitted}.
    """
    ids = [str(i) for i in dossier_ids]
    with _db(stack, "dossiers").connect() as conn:
        status = dict(
            conn.execute(
                text(
                    "SELECT public_id::text, status FROM dossiers "
                    "WHERE public_id::text = ANY(:ids)"
                ),
                {"ids": ids},
            ).all()
        )
        events = {}
        for dossier, event, published in conn.execute(
            text(
                "SELECT payload->>'dossier_id', event_id, published_at IS NOT NULL "
                "FROM outbox WHERE event_type = 'dossier_submitted' "
                "AND payload->>'dossier_id' = ANY(:ids)"
            ),
            {"ids": ids},
        ):
            events.setdefault(dossier, []).append((event, published))
    event_ids = [e for pairs in events.values() for e, _ in pairs]
    with _db(stack, "notify").connect() as conn:
        messages = {}
        for (event,) in conn.execute(
            text(
                "SELECT event_id FROM messages "
                "WHERE event_id = ANY(:ids) AND recipient = :to"
            ),
            {"ids": event_ids, "to": recipient},
        ):
            messages[event] = messages.get(event, 0) + 1
    return status, events, messages, searchable(stack, ids)


def searchable(stack, ids):
    """The dossiers the search index shows as submitted."""
    url = stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    resp = requests.post(
        f"{url.split(',')[0]}/{stack.env['PORTAL_INDEX_PREFIX']}dossiers/_search",
        json={
            "query": {"ids": {"values": ids}},
            "size": len(ids),
            "_source": ["status"],
        },
        timeout=10,
    )
    if resp.status_code in (404, 503):  # no index yet, or its shard not started
        return set()
    resp.raise_for_status()
    return {
        hit["_id"]
        for hit in resp.json()["hits"]["hits"]
        if hit["_source"]["status"] == "waiting_reception"
    }


def settled(stack, dossier_ids, recipient, timeout=90):
    """Wait until every submission event was published and consumed; return ledger."""
    deadline = time.monotonic() + timeout
    while True:
        status, events, messages, indexed = ledger(stack, dossier_ids, recipient)
        wanted = {e for pairs in events.values() for e, _ in pairs}
        done = all(p for pairs in events.values() for _, p in pairs)
        done = done and wanted <= set(messages) and len(indexed) == len(dossier_ids)
        if done or time.monotonic() > deadline:
            return status, events, messages, indexed
        time.sleep(0.5)


def losses(stack, dossier_ids, recipient, timeout=90):
    """Every way an acknowledged submission was lost or doubled (empty: none)."""
    status, events, messages, indexed = settled(stack, dossier_ids, recipient, timeout)
    found = []
    for dossier in map(str, dossier_ids):
        pairs = events.get(dossier, [])
        if status.get(dossier) != "waiting_reception":
            found.append(f"{dossier}: status {status.get(dossier)}")
        if len(pairs) != 1:
            found.append(f"{dossier}: {len(pairs)} submission events")
        for event, published in pairs:
            if not published:
                found.append(f"{dossier}: event {event} never published")
            if messages.get(event, 0) != 1:
                found.append(f"{dossier}: {messages.get(event, 0)} e-mails")
        if dossier not in indexed:
            found.append(f"{dossier}: not searchable as submitted")
    return found
