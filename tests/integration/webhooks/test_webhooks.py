"""Signed webhooks and the event feed, end to end on the real stack.

The dossiers service's events leave through its outbox over the run's RabbitMQ; the
webhooks service logs them, fans them out and POSTs them to local receivers of this
test (ports 18100-18199, allowed through PORTAL_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 by
tests/stack.py, which also shortens the back-off and the timeout). Signatures are
verified with the `standardwebhooks` library itself.
"""

import collections
import contextlib
import datetime as dt
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from kombu import Connection, Producer
from nameko.standalone.events import get_event_exchange
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

import services.webhooks.exceptions  # noqa: F401 - registers remote error types
from deploy.local import seed_webhooks, webhook_receiver
from services.dossiers import store as dossiers_store
from services.dossiers.models import Dossier, Outbox
from services.shared.caller import SYSTEM
from services.shared.config import database_url
from services.shared.errors import ServiceError
from services.webhooks import settings
from tests.integration.dossiers.conftest import PROVINCE, World

WAIT = 30  # seconds any one awaited fact may take on the loaded machine


def serve_on_a_free_port(server, handler):
    """Bind `server` (a ThreadingHTTPServer being built) to the first free port of
    18100-18199, set its `url` and serve it in a daemon thread."""
    for port in range(18100, 18200):
        try:
            ThreadingHTTPServer.__init__(server, ("127.0.0.1", port), handler)
            break
        except OSError:
            continue
    else:
        raise RuntimeError("no free port in 18100-18199")
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()


class Receiver(ThreadingHTTPServer):
    """Answers the n-th try of each message (webhook-id) at a path with the n-th
    step of the path's script (a status, or "hang" for longer than the sender's
    timeout; the last step repeats) and records every request in arrival order."""

    daemon_threads = True

    def __init__(self, scripts):
        self.scripts = scripts
        self.requests, self.lock = [], threading.Lock()
        serve_on_a_free_port(self, Handler)

    def arrived(self, path, headers, body):
        """Record a request; return it with the step that answers it."""
        with self.lock:
            msg_id = headers.get("webhook-id")
            tries = [
                r for r in self.requests if r["headers"].get("webhook-id") == msg_id
            ]
            steps = self.scripts.get(path, [200])
            step = steps[min(len(tries), len(steps) - 1)]
            record = {
                "path": path,
                "headers": headers,
                "body": body,
                "status": 200 if step == "hang" else step,
                "started": time.monotonic(),
                "ended": None,
            }
            self.requests.append(record)
            return record, step

    def at(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        record, step = self.server.arrived(self.path, dict(self.headers), body)
        if step == "hang":
            time.sleep(6)  # far longer than PORTAL_WEBHOOK_TIMEOUT (1.5 s)
        try:
            self.send_response(record["status"])
            if record["status"] == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass  # the sender gave up (timeout) and closed
        record["ended"] = time.monotonic()

    def log_message(self, *args):
        pass


def wait_for(what, check, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def client(agency, province=PROVINCE):
    return {
        "kind": "client",
        "user_id": f"cli-{uuid.uuid4().hex[:8]}",
        "roles": [],
        "province": province,
        "agency": agency,
        "scopes": ["dossiers:read"],
        "full_name": "Hệ thống một cửa",
    }


TYPES = ["dossier_submitted", "dossier_status_changed", "comment_added"]


@pytest.fixture(scope="module")
def receiver():
    server = Receiver(
        {
            "/ok": [200],
            "/flaky": [500, 503, 200],
            "/slow": ["hang", 200],
            "/gone": [410],
            "/other": [200],
            "/limited": [429, 200],
        }
    )
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def setup(rpc, receiver):
    """Subscriptions of a client of the world's agency and of another agency's client;
    then a dossier submitted and received (two events)."""
    world = World(rpc)
    ours, theirs = client(world.agency), client(f"X{uuid.uuid4().hex[:6]}")
    subs = {}
    for path in ("/ok", "/flaky", "/slow", "/gone", "/limited"):
        subs[path] = rpc.call(
            "webhooks",
            "create_subscription",
            ours,
            {"url": receiver.url + path, "event_types": TYPES},
        )
    subs["/other"] = rpc.call(
        "webhooks",
        "create_subscription",
        theirs,
        {"url": receiver.url + "/other", "event_types": TYPES},
    )
    dossier = world.received()
    return world, ours, theirs, subs, dossier


@pytest.fixture(scope="module")
def db(stack):
    """The webhooks service's own database (what it holds at rest)."""
    engine = create_engine(database_url("webhooks", stack.env))
    yield engine
    engine.dispose()


def bodies(receiver, path, dossier_id):
    return [
        r for r in receiver.at(path) if json.loads(r["body"])["subject"] == dossier_id
    ]


def test_deliveries_are_signed_and_carry_no_personal_data(setup, receiver):
    world, _, _, subs, dossier = setup
    got = wait_for(
        "two deliveries at /ok",
        lambda: len(bodies(receiver, "/ok", dossier["id"])) >= 2 and receiver.at("/ok"),
    )
    secret = subs["/ok"]["secret"]
    seen = []
    for request in got:
        event = Webhook(secret).verify(request["body"], request["headers"])
        version = event["data"]["dossier"]["version"]
        seen.append((version, event["type"], event["data"].get("action")))
        assert event["subject"] == dossier["id"]
        assert event["agency"] == world.agency and event["province"] == PROVINCE
        # the receiving desk beside the resolving agency (here the same one)
        receiving = (event["receiving_agency"], event["receiving_province"])
        assert receiving == (world.agency, PROVINCE)
        facts = event["data"]["dossier"]
        assert (facts["receiving_agency"], facts["receiving_province"]) == receiving
        assert event["data_version"] == "1"
        # the applicant's name (in the snapshot and the form) never leaves
        assert "Nguyễn" not in request["body"] and "full_name" not in request["body"]
    # in the dossier's order (tries run concurrently: arrival order is not promised)
    assert [fact for _, *fact in sorted(seen)[:2]] == [
        ["dossier_submitted", "submit"],
        ["dossier_status_changed", "receive"],
    ]
    with pytest.raises(Exception):  # noqa: B017 - the library's own error type
        Webhook(subs["/flaky"]["secret"]).verify(got[0]["body"], got[0]["headers"])


def _tries(receiver, path, msg_id):
    return [r for r in receiver.at(path) if r["headers"]["webhook-id"] == msg_id]


def test_a_500_is_tried_again_under_the_same_webhook_id(setup, receiver, rpc):
    _, ours, _, subs, dossier = setup
    tries = wait_for(
        "three tries of the first event at /flaky",
        lambda: len(receiver.at("/flaky")) >= 3 and receiver.at("/flaky"),
    )
    msg_id = tries[0]["headers"]["webhook-id"]
    first = wait_for(
        "three tries of one message",
        lambda: (
            len(_tries(receiver, "/flaky", msg_id)) >= 3
            and _tries(receiver, "/flaky", msg_id)
        ),
    )
    assert [t["status"] for t in first] == [500, 503, 200]
    log = wait_for(
        "the log shows it delivered after 3 attempts",
        lambda: [
            d
            for d in rpc.call(
                "webhooks", "list_deliveries", ours, subs["/flaky"]["id"]
            )["items"]
            if d["id"] == first[0]["headers"]["webhook-id"]
            and d["status"] == "delivered"
        ],
    )
    assert log[0]["attempts"] == 3 and log[0]["last_status"] == 200


def test_a_timeout_is_tried_again_and_never_delays_another_endpoint(
    setup, receiver, rpc
):
    _, ours, _, subs, dossier = setup
    msg_id = wait_for("a try at /slow", lambda: receiver.at("/slow"))[0]["headers"][
        "webhook-id"
    ]
    tries = wait_for(
        "a second try of it", lambda: len(_tries(receiver, "/slow", msg_id)) >= 2
    )
    tries = _tries(receiver, "/slow", msg_id)
    assert tries[1]["status"] == 200
    # while its first try hung (6 s), /ok had both of its deliveries
    wait_for("both at /ok", lambda: len(bodies(receiver, "/ok", dossier["id"])) >= 2)
    ok = bodies(receiver, "/ok", dossier["id"])
    assert ok[1]["ended"] is not None
    assert ok[1]["ended"] < tries[0]["started"] + 6
    # the log has it once the sender wrote the try's outcome
    wait_for(
        "the log shows the second try",
        lambda: any(
            d["attempts"] >= 2
            for d in rpc.call("webhooks", "list_deliveries", ours, subs["/slow"]["id"])[
                "items"
            ]
        ),
    )


def test_410_disables_the_endpoint(setup, receiver, rpc):
    world, ours, _, subs, dossier = setup
    sub_id = subs["/gone"]["id"]
    wait_for(
        "the endpoint disabled",
        lambda: not rpc.call("webhooks", "get_subscription", ours, sub_id)["active"],
    )
    sub = rpc.call("webhooks", "get_subscription", ours, sub_id)
    assert sub["disabled_reason"] == "gone"
    tried = receiver.at("/gone")
    # only tries in flight with the first 410 (its two events, if both were due;
    # the second may reach the receiver after the first was answered), and no
    # message tried again
    assert 1 <= len(tried) <= 2
    ids = [r["headers"].get("webhook-id") for r in tried]
    assert len(set(ids)) == len(ids)
    # a later event is not sent there (it reaches /ok)
    world.received()
    wait_for("the next dossier at /ok", lambda: len(receiver.at("/ok")) >= 4)
    assert len(receiver.at("/gone")) == len(tried)


def test_429_waits_for_retry_after(setup, receiver):
    first = wait_for("a try at /limited", lambda: receiver.at("/limited"))[0]
    assert first["status"] == 429
    message = first["headers"].get("webhook-id")

    def again():  # the same message's next try (others may have been in flight)
        tries = receiver.at("/limited")
        return [r for r in tries if r["headers"].get("webhook-id") == message][1:]

    assert wait_for("its next try", again)[0]["started"] - first["started"] >= 0.9


def test_no_event_beyond_the_clients_scope(setup, receiver, rpc):
    _, _, theirs, _, dossier = setup
    wait_for("/ok got the dossier", lambda: bodies(receiver, "/ok", dossier["id"]))
    feed = rpc.call("webhooks", "list_events", theirs, {"after": "0", "limit": 500})
    assert [e for e in feed["items"] if e["subject"] == dossier["id"]] == []
    assert receiver.at("/other") == []


def test_the_feed_is_ordered_paged_and_has_nothing_of_a_rolled_back_change(
    setup, receiver, rpc
):
    world, ours, _, _, dossier = setup
    wait_for(
        "/ok got the dossier", lambda: len(bodies(receiver, "/ok", dossier["id"])) >= 2
    )
    # a refused second reception: its transaction, outbox row included, rolled back
    with pytest.raises(ServiceError):
        world.act(world.desk, dossier["id"], "receive", department=world.department)

    def both():
        feed = rpc.call("webhooks", "list_events", ours, {"after": "0", "limit": 500})
        return len([e for e in feed["items"] if e["subject"] == dossier["id"]]) >= 2

    wait_for("both events in the feed", both)
    pages, after = [], "0"
    while True:
        page = rpc.call("webhooks", "list_events", ours, {"after": after, "limit": 2})
        pages += page["items"]
        after = page["next"]
        if not page["more"]:
            break
    cursors = [tuple(map(int, e["cursor"].split("."))) for e in pages]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    mine = [
        (e["type"], e["data"].get("action"))
        for e in pages
        if e["subject"] == dossier["id"]
    ]
    assert mine == [
        ("dossier_submitted", "submit"),
        ("dossier_status_changed", "receive"),
    ]
    whole = rpc.call("webhooks", "list_events", ours, {"after": "0", "limit": 500})
    # what became visible since sorts after what was read: the pages are its start
    assert [e["id"] for e in whole["items"]][: len(pages)] == [e["id"] for e in pages]


def test_no_event_for_a_change_that_failed_after_writing_its_outbox_row(
    setup, receiver, rpc, stack
):
    """The reception's transaction writes its outbox row, then fails at commit (a
    deferred trigger on the dossiers' outbox, the seam: the row was written, the
    commit refused). Nothing reaches the feed or a receiver; the reception done
    again afterwards is the one status change they see."""
    world, ours, _, _, _ = setup
    dossier = world.submitted()
    name = f"fail_{uuid.uuid4().hex[:8]}"
    dossiers = create_engine(database_url("dossiers", stack.env))
    with dossiers.begin() as conn:
        conn.execute(
            text(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected failure at commit'; END $$"
            )
        )
        conn.execute(
            text(
                f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON outbox "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN "
                f"(NEW.payload->>'dossier_id' = '{dossier['id']}' "
                "AND NEW.event_type = 'dossier_status_changed') "
                f"EXECUTE FUNCTION {name}()"
            )
        )
    try:
        with pytest.raises(Exception):  # noqa: B017 - whatever the RPC makes of it
            world.act(world.desk, dossier["id"], "receive", department=world.department)
    finally:
        with dossiers.begin() as conn:
            conn.execute(text(f"DROP TRIGGER {name} ON outbox"))
            conn.execute(text(f"DROP FUNCTION {name}()"))
    with dossiers.connect() as conn:
        committed = (
            conn.execute(
                text(
                    "SELECT event_id FROM outbox WHERE payload->>'dossier_id' = :id "
                    "AND event_type = 'dossier_status_changed'"
                ),
                {"id": dossier["id"]},
            )
            .scalars()
            .all()
        )
    dossiers.dispose()
    assert committed == []  # the failed change left no row
    world.act(world.desk, dossier["id"], "receive", department=world.department)

    def changes_at(path):
        return [
            json.loads(r["body"])
            for r in bodies(receiver, path, dossier["id"])
            if json.loads(r["body"])["type"] == "dossier_status_changed"
        ]

    def in_feed():
        feed = rpc.call("webhooks", "list_events", ours, {"after": "0", "limit": 500})
        return [
            e
            for e in feed["items"]
            if e["subject"] == dossier["id"] and e["type"] == "dossier_status_changed"
        ]

    sent = wait_for("the second reception at /ok", lambda: changes_at("/ok"))
    fed = wait_for("the second reception in the feed", in_feed)
    assert len(sent) == 1 and [e["id"] for e in fed] == [sent[0]["id"]]
    assert sent[0]["data"]["action"] == "receive"


def test_no_event_for_a_change_rolled_back_after_recording_its_event(
    setup, receiver, rpc, stack, db
):
    """The dossiers' own unit of work (a session's transaction on their real
    database) records a reception's event through their store (`store.emit`, the
    outbox row flushed: PostgreSQL has it, inside the transaction only), then the
    change breaks a constraint (the receipt number another dossier holds) and rolls
    back. No outbox row is left, the relay has nothing to publish, and neither the
    feed, the log nor a receiver ever shows the event; the reception done again
    through the service is the one status change they see. Were the event written
    outside the change's transaction, its row would survive the rollback."""
    world, ours, _, _, taken = setup
    assert taken["receipt_number"]
    dossier = world.submitted()
    dossiers = create_engine(database_url("dossiers", stack.env))
    outbox_rows = select(func.count()).select_from(Outbox)
    try:
        with pytest.raises(IntegrityError):
            with Session(dossiers) as session, session.begin():
                row = session.scalar(
                    select(Dossier).where(Dossier.public_id == uuid.UUID(dossier["id"]))
                )
                recorded = dossiers_store.emit(
                    session,
                    row,
                    "dossier_status_changed",
                    {
                        "from": row.status,
                        "to": "received",
                        "action": "receive",
                        "actor": dossiers_store.actor_of(world.desk),
                    },
                )
                session.flush()
                mine = outbox_rows.where(Outbox.event_id == recorded["event_id"])
                assert session.scalar(mine) == 1  # written, in this transaction
                with dossiers.connect() as other:
                    assert other.scalar(mine) == 0  # and nowhere else yet
                row.receipt_number = taken["receipt_number"]
                session.flush()  # a unique receipt number: the change fails here
        with dossiers.connect() as conn:
            assert conn.scalar(mine) == 0  # the failed change left no row
    finally:
        dossiers.dispose()
    world.act(world.desk, dossier["id"], "receive", department=world.department)

    def changes_at(path):
        return [
            json.loads(r["body"])["id"]
            for r in bodies(receiver, path, dossier["id"])
            if json.loads(r["body"])["type"] == "dossier_status_changed"
        ]

    def in_feed():
        feed = rpc.call("webhooks", "list_events", ours, {"after": "0", "limit": 500})
        return [
            e["id"]
            for e in feed["items"]
            if e["subject"] == dossier["id"] and e["type"] == "dossier_status_changed"
        ]

    # the relay publishes in outbox order: had the failed change's row been
    # committed (a lower id), it would have been published no later than this one
    sent = wait_for("the second reception at /ok", lambda: changes_at("/ok"))
    fed = wait_for("the second reception in the feed", in_feed)
    assert len(sent) == 1 and fed == sent and recorded["event_id"] not in sent
    with db.connect() as conn:
        logged = conn.scalar(
            text("SELECT count(*) FROM events WHERE event_id = :id"),
            {"id": recorded["event_id"]},
        )
    assert logged == 0


def test_internal_comments_never_reach_a_client(setup, receiver, rpc):
    world, ours, _, _, dossier = setup
    world.call(
        "add_comment",
        world.officer,
        dossier["id"],
        {"body": "nội bộ", "internal": True},
    )
    world.call(
        "add_comment",
        world.officer,
        dossier["id"],
        {"body": "công khai", "internal": False},
    )

    def comments():
        feed = rpc.call("webhooks", "list_events", ours, {"after": "0", "limit": 500})
        return [
            e
            for e in feed["items"]
            if e["subject"] == dossier["id"] and e["type"] == "comment_added"
        ]

    found = wait_for("the public comment in the feed", comments)
    assert len(found) == 1
    assert "công khai" not in json.dumps(found) and "nội bộ" not in json.dumps(found)


def test_replay_of_one_delivery_and_of_a_time_range(setup, receiver, rpc):
    _, ours, _, subs, dossier = setup
    sub_id = subs["/ok"]["id"]
    first = wait_for(
        "a delivery at /ok", lambda: bodies(receiver, "/ok", dossier["id"])
    )[0]
    msg_id = first["headers"]["webhook-id"]
    before = len(receiver.at("/ok"))
    assert rpc.call("webhooks", "replay", ours, sub_id, {"delivery_id": msg_id}) == {
        "replayed": 1
    }
    again = wait_for(
        "the replayed delivery",
        lambda: [
            r
            for r in receiver.at("/ok")[before:]
            if r["headers"]["webhook-id"] == msg_id
        ],
    )
    assert json.loads(again[0]["body"]) == json.loads(first["body"])
    occurred = json.loads(first["body"])["time"]
    before = len(receiver.at("/ok"))
    count = rpc.call("webhooks", "replay", ours, sub_id, {"since": occurred})[
        "replayed"
    ]
    assert count >= 2
    wait_for("the range sent again", lambda: len(receiver.at("/ok")) >= before + count)


def test_targets_on_private_addresses_are_refused(rpc):
    caller = client("A1")
    for url in (
        "http://10.1.2.3/hook",
        "http://169.254.169.254/",
        "ftp://example.org/",
    ):
        with pytest.raises(ServiceError) as refused:
            rpc.call(
                "webhooks",
                "create_subscription",
                caller,
                {"url": url, "event_types": TYPES},
            )
        assert refused.value.code in ("WEBHOOK_URL_REFUSED", "VALIDATION_ERROR"), url
    with pytest.raises(ServiceError) as refused:
        rpc.call(
            "webhooks",
            "create_subscription",
            caller,
            {"url": "http://127.0.0.1:18199/", "event_types": TYPES, "agencies": ["B"]},
        )
    assert refused.value.details == {"agencies": ["outside_scope"]}


def test_a_name_resolving_to_loopback_is_refused_unless_allowed(
    setup, receiver, rpc, db
):
    """`localhost` answers 127.0.0.1 (the stack allows only that literal): refused on
    save, and refused at the try when a saved endpoint's name answers it later."""
    world, ours, _, _, _ = setup
    port = receiver.server_address[1]
    with pytest.raises(ServiceError) as refused:
        rpc.call(
            "webhooks",
            "create_subscription",
            ours,
            {"url": f"http://localhost:{port}/rebound", "event_types": TYPES},
        )
    assert refused.value.details == {"url": ["url_not_public"]}
    sub = rpc.call(
        "webhooks",
        "create_subscription",
        ours,
        {"url": f"{receiver.url}/rebound", "event_types": TYPES},
    )
    # as if the endpoint's name had been re-pointed at loopback since it was saved
    with db.begin() as conn:
        conn.execute(
            text("UPDATE subscriptions SET url = :url WHERE id = :id"),
            {"url": f"http://localhost:{port}/rebound", "id": sub["id"]},
        )
    world.received()
    refused_tries = wait_for(
        "a try refused for its address",
        lambda: [
            d
            for d in rpc.call("webhooks", "list_deliveries", ours, sub["id"])["items"]
            if d["last_error"] == "url_not_public"
        ],
    )
    assert refused_tries[0]["status"] == "pending" and refused_tries[0]["attempts"] >= 1
    assert receiver.at("/rebound") == []


def test_a_rotated_secret_signs_beside_the_previous_one(setup, rpc, receiver):
    world, ours, _, subs, _ = setup
    old = subs["/ok"]["secret"]
    new = rpc.call("webhooks", "rotate_secret", ours, subs["/ok"]["id"])["secret"]
    before = len(receiver.at("/ok"))
    dossier = world.received()
    got = wait_for(
        "a delivery after the rotation",
        lambda: [
            r
            for r in receiver.at("/ok")[before:]
            if json.loads(r["body"])["subject"] == dossier["id"]
        ],
    )
    for secret in (old, new):
        Webhook(secret).verify(got[0]["body"], got[0]["headers"])


def test_the_database_never_holds_a_signing_secret(setup, rpc, db):
    """Every secret shown (on subscribing, after a rotation) is absent from the
    whole webhooks database, and the tries are still signed with it."""
    _, ours, _, subs, _ = setup
    rotated = rpc.call("webhooks", "rotate_secret", ours, subs["/flaky"]["id"])
    shown = [s["secret"] for s in subs.values()] + [rotated["secret"]]
    with db.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        dump = "\n".join(
            str(row)
            for table in list(tables)
            for row in conn.execute(text(f'SELECT * FROM "{table}"'))
        )
    assert all(sub["id"] in dump for sub in subs.values())  # their rows were read
    for secret in shown:
        assert secret not in dump and secret.removeprefix("whsec_") not in dump
    assert "whsec_" not in dump


def _demo_receiver():
    for port in range(18200, 18300):
        try:
            server = webhook_receiver.Receiver(("127.0.0.1", port))
        except OSError:
            continue
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError("no free port in 18200-18299")


def test_the_demo_seed_subscribes_a_client_whose_receiver_gets_events(setup, rpc):
    """deploy/local/seed_webhooks.py (run twice: idempotent) against the demo
    receiver deploy/local/up starts: the next dossier's events arrive, verified."""
    world = setup[0]
    server = _demo_receiver()
    receiver = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for _ in range(2):
            seed_webhooks.seed(rpc, {"agency": world.agency}, receiver=receiver)
        client = next(
            c
            for c in rpc.call("accounts", "list_api_clients", SYSTEM)
            if c["name"] == seed_webhooks.NAME
        )
        caller = seed_webhooks.client_caller(client)
        subs = rpc.call("webhooks", "list_subscriptions", caller)
        assert [s["url"] for s in subs] == [f"{receiver}/webhooks"]
        dossier = world.received()

        def arrived():
            with server.lock:
                got = [e for e in server.events if e["subject"] == dossier["id"]]
            return len(got) >= 2 and got

        got = wait_for("the dossier's events at the demo receiver", arrived)
        # concurrent tries: arrival order is not promised
        assert sorted(e["type"] for e in got[:2]) == [
            "dossier_status_changed",
            "dossier_submitted",
        ]
        assert all(e["verified"] is True for e in got)
    finally:
        server.shutdown()


def _event(world, dossier_id, agency=None):
    now = dt.datetime.now(dt.UTC).isoformat()
    agency = agency or world.agency
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": now,
        "province": PROVINCE,
        "request_id": None,
        "dossier_id": dossier_id,
        "dossier": {
            "id": dossier_id,
            "province": PROVINCE,
            "agency": agency,
            "procedure": {"code": world.code, "name": "Khai sinh", "version": 1},
            "applicant": {"id": "c1", "kind": "citizen", "full_name": "Nguyễn Văn An"},
            "status": "received",
            "submitted_at": now,
            "version": 2,
        },
        "version": 2,
        "to": "received",
        "action": "receive",
        "actor": {"id": "desk-1", "full_name": "Cán bộ", "role": "desk"},
    }


def test_a_redelivered_event_is_stored_and_sent_once(setup, receiver, rpc, stack):
    world, ours, _, _, _ = setup
    twice, marker = _event(world, "d-twice"), _event(world, "d-marker")
    exchange = get_event_exchange(
        "dossiers", {"AMQP_URI": stack.env["PORTAL_AMQP_URI"]}
    )
    with Connection(stack.env["PORTAL_AMQP_URI"]) as conn:
        producer = Producer(conn, exchange=exchange, serializer="json")
        for body in (twice, twice, marker):
            producer.publish(body, routing_key="dossier_status_changed")
    wait_for("the marker at /ok", lambda: bodies(receiver, "/ok", "d-marker"))

    def subjects():
        feed = rpc.call("webhooks", "list_events", ours, {"after": "0", "limit": 500})
        return (
            feed
            if {"d-twice", "d-marker"} <= {e["subject"] for e in feed["items"]}
            else None
        )

    # the feed shows a transaction's events once every older one has ended
    feed = wait_for("both in the feed", subjects)
    assert [e["id"] for e in feed["items"] if e["subject"] == "d-twice"] == [
        twice["event_id"]
    ]
    assert len(bodies(receiver, "/ok", "d-twice")) == 1


class Gauge(ThreadingHTTPServer):
    """Answers the n-th request at a path (0 first) with `answers[path](n)`, a
    (seconds to take, status) pair, and counts the requests it holds at once per
    path (counted down before it answers: never more than the sender has open)."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, answers):
        self.answers, self.lock, self.requests = answers, threading.Lock(), []
        self.open, self.most = collections.Counter(), collections.Counter()
        serve_on_a_free_port(self, GaugeHandler)

    def at(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]


class GaugeHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server name
        self.rfile.read(int(self.headers["Content-Length"]))
        server, path = self.server, self.path
        with server.lock:
            n = sum(1 for r in server.requests if r["path"] == path)
            seconds, status = server.answers[path](n)
            record = {
                "path": path,
                "id": self.headers.get("webhook-id"),
                "status": status,
                "started": time.monotonic(),
                "ended": None,
            }
            server.requests.append(record)
            server.open[path] += 1
            server.most[path] = max(server.most[path], server.open[path])
        time.sleep(seconds)
        with server.lock:
            server.open[path] -= 1
            record["ended"] = time.monotonic()
        try:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def in_flight(stack):
    """The bound of an endpoint's tries at once, as the stack's sender has it."""
    return settings.IN_FLIGHT.cast(
        stack.env.get(settings.IN_FLIGHT.key, settings.IN_FLIGHT.default)
    )


@contextlib.contextmanager
def _held(db, subscription_id, expected):
    """Hold the endpoint as if another sender served it (a live lease) until its
    `expected` deliveries are all stored, so the sender then finds them due at once
    (not one by one as the events come in); released at the end."""
    with db.begin() as conn:
        conn.execute(
            text(
                "UPDATE subscriptions SET claimed_by = 'test-hold', "
                "lease_until = now() + interval '1 hour' WHERE id = :id"
            ),
            {"id": subscription_id},
        )
    try:
        yield
        count = text("SELECT count(*) FROM deliveries WHERE subscription_id = :id")

        def stored():
            with db.connect() as conn:
                return conn.scalar(count, {"id": subscription_id}) >= expected

        wait_for(f"{expected} deliveries stored", stored)
    finally:
        with db.begin() as conn:
            conn.execute(
                text(
                    "UPDATE subscriptions SET claimed_by = NULL, lease_until = NULL "
                    "WHERE id = :id AND claimed_by = 'test-hold'"
                ),
                {"id": subscription_id},
            )


def _publish(stack, bodies_):
    """Publish event bodies to the dossiers exchange as the outbox relay does."""
    exchange = get_event_exchange(
        "dossiers", {"AMQP_URI": stack.env["PORTAL_AMQP_URI"]}
    )
    with Connection(stack.env["PORTAL_AMQP_URI"]) as conn:
        producer = Producer(conn, exchange=exchange, serializer="json")
        for body in bodies_:
            producer.publish(body, routing_key="dossier_status_changed")


def _endpoint(rpc, url):
    """A client of an agency of its own (no other subscription sees its events)."""
    caller = client(f"F{uuid.uuid4().hex[:6]}")
    sub = rpc.call(
        "webhooks", "create_subscription", caller, {"url": url, "event_types": TYPES}
    )
    return caller, sub


def test_a_slow_endpoint_has_several_tries_in_flight_never_more_than_the_bound(
    setup, rpc, stack, db, in_flight
):
    world = setup[0]
    gauge = Gauge({"/slow-many": lambda n: (0.5, 204)})
    try:
        caller, sub = _endpoint(rpc, gauge.url + "/slow-many")
        count = 3 * in_flight
        with _held(db, sub["id"], count):
            _publish(
                stack,
                [_event(world, f"d-many-{i}", caller["agency"]) for i in range(count)],
            )
        wait_for(
            "every event at the slow endpoint",
            lambda: len({r["id"] for r in gauge.at("/slow-many")}) >= count,
            timeout=WAIT + count * 0.5,
        )
        assert 1 < gauge.most["/slow-many"] <= in_flight
    finally:
        gauge.shutdown()


def test_a_410_among_tries_in_flight_disables_and_nothing_more_is_sent(
    setup, rpc, stack, db, in_flight
):
    """The first `in_flight` tries start together; the last of them to arrive is
    answered 410 at once, the others slowly with 204. Those in flight finish and
    are written with the disabling; no further try starts."""
    world = setup[0]

    def answer(n):
        if n < in_flight - 1:
            return 1.0, 204
        return (0.1, 410) if n == in_flight - 1 else (0, 204)

    gauge = Gauge({"/gone-many": answer})
    try:
        caller, sub = _endpoint(rpc, gauge.url + "/gone-many")
        count = 2 * in_flight + 2
        with _held(db, sub["id"], count):
            _publish(
                stack,
                [_event(world, f"d-gone-{i}", caller["agency"]) for i in range(count)],
            )
        wait_for(
            "the endpoint disabled",
            lambda: (
                not rpc.call("webhooks", "get_subscription", caller, sub["id"])[
                    "active"
                ]
            ),
        )
        time.sleep(2)  # several polls: a try started late would show by now
        tried = gauge.at("/gone-many")
        assert gauge.most["/gone-many"] > 1  # the 410 came among concurrent tries
        assert len(tried) == in_flight
        gone = next(r for r in tried if r["status"] == 410)
        assert all(r["started"] <= gone["ended"] for r in tried)
        with db.connect() as conn:
            log = conn.execute(
                text(
                    "SELECT status, attempts, last_status FROM deliveries "
                    "WHERE subscription_id = :id"
                ),
                {"id": sub["id"]},
            ).all()
        # every try in flight was written (with the disabling), the rest untried
        assert sum(attempts for _, attempts, _ in log) == in_flight
        assert [(s, c) for s, _, c in log if c == 410] == [("failed", 410)]
        assert sum(1 for _, attempts, _ in log if attempts == 0) == count - in_flight
        assert (
            rpc.call("webhooks", "get_subscription", caller, sub["id"])[
                "disabled_reason"
            ]
            == "gone"
        )
    finally:
        gauge.shutdown()


def _scrape(stack):
    samples = {}
    text_ = requests.get(stack.metrics_url("webhooks"), timeout=10).text
    for family in text_string_to_metric_families(text_):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def _sum(samples, name, **labels):
    return sum(
        v
        for found, v in samples.get(name, ())
        if all(found.get(k) == x for k, x in labels.items())
    )


def test_metrics_count_the_deliveries_and_the_backlog(setup, receiver, rpc, stack, db):
    """Read after the deliveries above (kept last in the module): each counter is at
    least what the database shows happened, the backlog gauge equals it."""
    _, ours, _, subs, _ = setup
    wait_for("/gone disabled", lambda: receiver.at("/gone"))
    with db.connect() as conn:
        delivered = conn.scalar(
            text("SELECT count(*) FROM deliveries WHERE status = 'delivered'")
        )
        retried = conn.scalar(
            text(
                "SELECT coalesce(sum(attempts - 1), 0) FROM deliveries "
                "WHERE status = 'delivered'"
            )
        )
        events = conn.scalar(text("SELECT count(*) FROM events"))
    got = _scrape(stack)
    deliveries = "portal_webhook_deliveries_total"
    assert _sum(got, deliveries, outcome="delivered") >= delivered > 0
    assert _sum(got, deliveries, outcome="retry") >= retried > 0  # /flaky, /slow
    assert _sum(got, deliveries, outcome="disabled") >= 1  # /gone
    tries = _sum(got, "portal_webhook_attempt_duration_seconds_count")
    # every counted outcome was a timed try (timed first, counted when written)
    assert tries >= _sum(got, deliveries) >= delivered
    assert (
        _sum(got, "portal_webhook_attempt_duration_seconds_count", status_class="5xx")
        >= 2
    )
    assert _sum(got, "portal_webhook_events_total") == events > 0

    # the endpoint refused at every try (the loopback test above) stays pending;
    # found by its refused tries, as the backlog gauge knows it
    with db.connect() as conn:
        rebound = conn.scalar(
            text(
                "SELECT subscription_id FROM deliveries"
                " WHERE last_error = 'url_not_public' LIMIT 1"
            )
        )
    assert rebound, "the loopback test's refused endpoint"
    with db.connect() as conn:
        pending = conn.scalar(
            text(
                "SELECT count(*) FROM deliveries WHERE status = 'pending' "
                "AND subscription_id = :id"
            ),
            {"id": rebound},
        )
    got = _scrape(stack)
    assert pending > 0
    assert _sum(got, "portal_webhook_pending_deliveries", endpoint=rebound) == pending
    assert _sum(got, "portal_webhook_oldest_pending_seconds", endpoint=rebound) > 0
