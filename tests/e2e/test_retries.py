"""Idempotency-Key through the real stack: replays, reuse, concurrency, a lost reply.

A second gateway instance (same databases, a 1-second RPC timeout) serves two
purposes: it shows that instances agree on a key (the store is PostgreSQL), and it
gives up on a slowed operation with a 503 while the service still commits, which is
what happened during the broker restart.
"""

import threading
import time
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Api

from .conftest import Agency
from .test_api_journey import PDF, login, register_citizen

HEADER = "Idempotency-Key"


@pytest.fixture(scope="module")
def world(stack, mailbox):
    api = Api(stack.url)
    agency = Agency(api, stack)
    email = register_citizen(api, mailbox)
    return agency, login(api, email), email


@pytest.fixture(scope="module")
def impatient(stack):
    """Another gateway instance that waits at most 1 s for a service's answer."""
    name = "gateway-impatient"
    url = stack.start_extra_gateway(name, {"PORTAL_RPC_TIMEOUT": "1"})
    yield url
    stack.stop_process(name)


def at(client, url):
    """The same caller, talking to another gateway instance."""
    clone = Api(url)
    clone.session.headers.update(client.session.headers)
    return clone


def key():
    return f"test-{uuid.uuid4()}"


def draft_body(agency, child="Nguyễn Văn An"):
    return {
        "procedure": agency.procedure,
        "agency": agency.code,
        "form": {"child_name": child},
    }


def drafts(citizen):
    resp = citizen.get("/api/v1/dossiers", params={"status": "draft"})
    assert resp.status_code == 200, resp.text
    return [item["id"] for item in resp.json()["items"]]


@contextmanager
def dossiers_blocked(stack):
    """Hold a lock that makes every INSERT into dossiers wait until the block ends.

    Yields a function that waits until some statement is waiting on that lock (so
    the request being blocked has reached the service's transaction).
    """
    base = stack.env.get(
        "PORTAL_PG_DSN_BASE", "postgresql://portal:portal@127.0.0.1:5433"
    )
    name = f"{stack.env['PORTAL_DB_PREFIX']}dossiers"
    engine = create_engine(f"{base}/{name}")
    watcher = create_engine(f"{base}/{name}", isolation_level="AUTOCOMMIT")

    def wait_for_waiter(timeout=15):
        deadline = time.monotonic() + timeout
        with watcher.connect() as conn:
            while time.monotonic() < deadline:
                waiting = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :d"
                        " AND wait_event_type = 'Lock'"
                        " AND query ILIKE 'INSERT INTO dossiers%'"
                    ),
                    {"d": name},
                ).scalar()
                if waiting:
                    return
                time.sleep(0.05)
        raise AssertionError("no request reached the blocked insert")

    try:
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE dossiers IN EXCLUSIVE MODE"))
            yield wait_for_waiter
            conn.commit()
    finally:
        engine.dispose()
        watcher.dispose()


def test_a_replay_returns_the_first_answer_and_creates_nothing(world):
    agency, citizen, _ = world
    before = set(drafts(citizen))
    k = key()
    first = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    assert first.status_code == 201, first.text
    again = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert set(drafts(citizen)) - before == {first.json()["id"]}


def test_an_action_replayed_acts_once(world):
    agency, citizen, _ = world
    draft = citizen.post("/api/v1/dossiers", json=draft_body(agency)).json()
    path = f"/api/v1/dossiers/{draft['id']}/comments"
    k = key()
    first = citizen.post(path, json={"body": "Xin bổ sung"}, headers={HEADER: k})
    assert first.status_code == 201, first.text
    again = citizen.post(path, json={"body": "Xin bổ sung"}, headers={HEADER: k})
    assert again.status_code == 201 and again.content == first.content
    listed = citizen.get(path).json()
    assert [c["id"] for c in listed["items"]].count(first.json()["id"]) == 1
    assert listed["total"] == 1


def test_the_same_key_with_another_request_is_refused(world):
    agency, citizen, _ = world
    k = key()
    first = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    assert first.status_code == 201, first.text
    before = set(drafts(citizen))
    other = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency, "Lê Thị Bình"), headers={HEADER: k}
    )
    assert other.status_code == 422, other.text
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    elsewhere = citizen.post(
        f"/api/v1/dossiers/{first.json()['id']}/submit", headers={HEADER: k}
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert set(drafts(citizen)) == before


def test_the_same_body_serialised_differently_is_the_same_request(world):
    agency, citizen, _ = world
    k = key()
    body = draft_body(agency)
    first = citizen.post("/api/v1/dossiers", json=body, headers={HEADER: k})
    reordered = (
        '{"form": {"child_name": "Nguyễn Văn An"}, "agency": "%s", "procedure": "%s"}'
    )
    again = citizen.post(
        "/api/v1/dossiers",
        data=(reordered % (agency.code, agency.procedure)).encode(),
        headers={HEADER: k, "Content-Type": "application/json"},
    )
    assert again.status_code == 201 and again.content == first.content


def test_keys_belong_to_their_caller(stack, world, mailbox):
    agency, citizen, _ = world
    other = login(Api(stack.url), register_citizen(Api(stack.url), mailbox))
    k = key()
    mine = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    theirs = other.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert drafts(other) == [theirs.json()["id"]]


@pytest.mark.parametrize(
    "bad", ["", "has space", "x" * 256, "ký-tự", "a/b", "<script>"]
)
def test_a_malformed_key_is_refused_and_nothing_happens(world, bad):
    agency, citizen, _ = world
    before = set(drafts(citizen))
    resp = citizen.post(
        "/api/v1/dossiers",
        json=draft_body(agency),
        headers={HEADER: bad.encode()},
    )
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["error"]["code"] in ("IDEMPOTENCY_KEY_INVALID", "INVALID_TEXT")
    assert set(drafts(citizen)) == before


def test_a_second_request_while_the_first_runs_is_409_on_any_instance(
    stack, world, impatient
):
    agency, citizen, _ = world
    k, answers = key(), {}

    def first():
        answers["first"] = citizen.post(
            "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
        )

    with dossiers_blocked(stack) as reached:
        runner = threading.Thread(target=first)
        runner.start()
        reached()
        busy = at(citizen, impatient).post(
            "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
        )
    runner.join(30)
    assert busy.status_code == 409, busy.text
    assert busy.json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert int(busy.headers["Retry-After"]) >= 1
    assert answers["first"].status_code == 201, answers["first"].text
    replay = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    assert replay.content == answers["first"].content


def test_a_retry_after_a_lost_reply_gets_the_committed_dossier(stack, world, impatient):
    """The gateway answers 503 (it gave up waiting) although the draft was committed."""
    agency, citizen, _ = world
    slow = at(citizen, impatient)
    before, k = set(drafts(citizen)), key()
    with dossiers_blocked(stack) as reached:
        lost = {}
        runner = threading.Thread(
            target=lambda: lost.update(
                resp=slow.post(
                    "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
                )
            )
        )
        runner.start()
        reached()
        runner.join(30)
    assert lost["resp"].status_code == 503, lost["resp"].text
    # The blocked insert now commits; wait until the draft is there.
    deadline = time.monotonic() + 20
    while not set(drafts(citizen)) - before and time.monotonic() < deadline:
        time.sleep(0.2)
    created = set(drafts(citizen)) - before
    assert len(created) == 1
    retry = citizen.post(
        "/api/v1/dossiers", json=draft_body(agency), headers={HEADER: k}
    )
    assert retry.status_code == 201, retry.text
    assert {retry.json()["id"]} == created
    assert set(drafts(citizen)) - before == created


def test_an_upload_replayed_is_one_file(world):
    agency, citizen, _ = world
    draft = citizen.post("/api/v1/dossiers", json=draft_body(agency)).json()
    path, k = f"/api/v1/dossiers/{draft['id']}/files", key()

    def send(data):
        return citizen.post(
            path,
            data={"slot": "to_khai"},
            files={"file": ("to-khai.pdf", data, "application/pdf")},
            headers={HEADER: k},
        )

    first = send(PDF)
    assert first.status_code == 201, first.text
    again = send(PDF)
    assert again.status_code == 201 and again.content == first.content
    other = send(PDF + b"%% another file\n")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    listed = citizen.get(path).json()
    assert [f["id"] for f in listed["items"]] == [first.json()["id"]]
