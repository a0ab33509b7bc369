"""Effective-dated succession (issue 18, item 1) on the real stack.

Two agencies with open dossiers in every state, closed dossiers, staff and
procedures merge into a successor while the dossiers service is down: accounts
moves staff and departments at once, the `agency_succeeded` event waits in its
queue, and once dossiers is back every open dossier and procedure list has moved,
nothing closed has, nothing is left behind, and the successor's staff work on.
"""

import time
import uuid

import pytest

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError
from tests.integration.notify.helpers import publish

from .conftest import OPERATOR, PROVINCE, World, staff

OPEN = (
    "draft",
    "waiting_reception",
    "processing",
    "supplement_requested",
    "pending_approval",
    "approved",
)
CLOSED = ("completed", "rejected", "cancelled")


def in_state(w, state):
    """A dossier of agency `w.agency` brought to `state` through the workflow."""
    if state == "draft":
        return w.draft()
    d = w.submitted()
    if state == "waiting_reception":
        return d
    if state == "rejected":
        return w.act(w.desk, d["id"], "reject", reason="Thiếu giấy tờ")
    if state == "cancelled":
        return w.act(w.desk, d["id"], "cancel", reason="Công dân rút hồ sơ")
    d = w.act(w.desk, d["id"], "receive", department=w.department)
    if state == "processing":
        return d
    if state == "supplement_requested":
        return w.act(w.officer, d["id"], "request_supplement", note="Bổ sung ảnh")
    d = w.act(w.officer, d["id"], "send_for_approval")
    if state == "pending_approval":
        return d
    d = w.act(w.leader, d["id"], "approve")
    if state == "approved":
        return d
    return w.act(w.desk, d["id"], "return_result")


def wait_for(check, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def report_when_done(rpc, succession_id):
    def done():
        try:
            found = rpc.call("dossiers", "succession_report", SYSTEM, succession_id)
        except ServiceError:
            return None
        return found if found["finished_at"] else None

    return wait_for(done)


def procedure_listing(w, agencies):
    code = f"M{uuid.uuid4().hex[:6].upper()}"
    w.call(
        "create_procedure",
        OPERATOR,
        {
            "code": code,
            "province": PROVINCE,
            "name": "Chứng thực bản sao",
            "level": 3,
            "processing_days": 2,
            "agencies": agencies,
            "form": {"fields": []},
        },
    )
    return code


@pytest.fixture
def merger(rpc, stack):
    a, b = World(rpc), World(rpc)
    other = f"X{uuid.uuid4().hex[:6].upper()}"
    rpc.call(
        "accounts",
        "create_agency",
        SYSTEM,
        {"code": other, "name": "UBND xã khác", "province": PROVINCE},
    )
    shared = procedure_listing(a, [a.agency, other, b.agency])
    dossiers = {s: in_state(a, s) for s in OPEN + CLOSED}
    dossiers["b_processing"] = in_state(b, "processing")
    successor = f"S{uuid.uuid4().hex[:6].upper()}"
    rpc.call(
        "accounts",
        "create_agency",
        SYSTEM,
        {"code": successor, "name": "UBND phường Hợp Nhất", "province": PROVINCE},
    )
    return a, b, other, shared, dossiers, successor


def test_a_merger_moves_every_open_dossier_staff_and_list_even_if_dossiers_was_down(
    rpc, stack, merger
):
    a, b, other, shared, dossiers, successor = merger

    def seen(key):  # the applicant sees his dossier in every state, draft included
        owner = b.citizen if key.startswith("b_") else a.citizen
        return a.call("get_dossier", owner, dossiers[key]["id"])

    before = {key: seen(key) for key in dossiers}

    stack.stop_process("dossiers")
    try:
        made = rpc.call(
            "accounts",
            "succeed_agencies",
            OPERATOR,
            {"successor": successor, "predecessors": [a.agency, b.agency]},
        )
    finally:
        stack.start_service("dossiers")
        stack.wait_ready()
    assert made["applied_at"] and made["predecessors"] == [a.agency, b.agency]
    moved_staff = {p["id"] for p in made["staff_moved"]}
    assert {a.officer["user_id"], b.leader["user_id"]} <= moved_staff
    assert made["departments_added"] == [
        {"agency": a.agency, "code": "PTP", "name": "Tư pháp"}
    ]

    # accounts: predecessors closed, staff and departments at the successor
    for code in (a.agency, b.agency):
        old = rpc.call("accounts", "get_agency", SYSTEM, code)
        assert old["replaced_by"] == successor and old["valid_to"]
    people = rpc.call("accounts", "list_staff", SYSTEM, successor)
    assert moved_staff <= {p["id"] for p in people}
    assert not rpc.call("accounts", "list_staff", SYSTEM, a.agency)
    depts = rpc.call("accounts", "get_agency", SYSTEM, successor)["departments"]
    assert [d["code"] for d in depts] == ["PTP"]

    report = report_when_done(rpc, made["id"])

    # dossiers: every open one moved with its receipt number, no closed one did
    moved = {m["id"]: m for m in report["dossiers"]}
    for key, d in dossiers.items():
        now = seen(key)
        was = before[key]
        assert now["receipt_number"] == was["receipt_number"]
        assert now["status"] == was["status"]
        if was["status"] in OPEN:
            assert now["agency"] == successor, key
            assert moved[d["id"]]["from_agency"] == was["agency"]
            assert moved[d["id"]]["receipt_number"] == was["receipt_number"]
        else:
            assert now["agency"] == a.agency, key
            assert d["id"] not in moved
    assert len(moved) == len(OPEN) + 1
    owner_history = a.call("history", a.citizen, dossiers["processing"]["id"])
    line = [h for h in owner_history if h["action"] == "agency_succeeded"]
    assert [c["new"] for c in line[0]["changes"]] == [successor]

    # procedures: a new version names the successor; the old one keeps its list
    current = a.call("get_procedure", OPERATOR, shared, PROVINCE)
    assert current["agencies"] == [successor, other]
    assert a.call("get_procedure", OPERATOR, a.code, PROVINCE)["agencies"] == [
        successor
    ]
    assert sorted(p["procedure"] for p in report["procedures"]) == sorted(
        [a.code, b.code, shared]
    )

    # the successor's staff see and work on what moved
    desk = staff("desk", successor)
    listed = a.call("list_dossiers", desk, {"agency": successor, "page_size": 50})
    assert {d["id"] for d in listed["items"]} == set(moved) - {dossiers["draft"]["id"]}
    officer = dict(a.officer, agency=successor)
    sent = a.act(officer, dossiers["processing"]["id"], "send_for_approval")
    assert sent["status"] == "pending_approval"
    received = a.act(
        desk, dossiers["waiting_reception"]["id"], "receive", department="PTP"
    )
    assert received["receipt_number"].startswith(f"{successor}-")
    submitted = a.call("submit_dossier", a.citizen, dossiers["draft"]["id"])
    assert submitted["agency"] == successor

    # a closed agency refuses new dossiers and names its successor
    with pytest.raises(ServiceError) as refused:
        a.draft()
    err = refused.value
    assert err.code == "AGENCY_CLOSED"
    assert err.details["successor"] == [successor]
    assert err.details["agency"][0]["params"]["name"] == "UBND phường Hợp Nhất"

    # the same move delivered again (a redelivery before it was marked done)
    # finds nothing left to move
    replay = str(uuid.uuid4())
    publish(
        stack,
        "accounts",
        "agency_succeeded",
        {
            "event_id": str(uuid.uuid4()),
            "occurred_at": made["created_at"],
            "succession_id": replay,
            "successor": successor,
            "successor_province": PROVINCE,
            "predecessors": [a.agency, b.agency],
            "effective_date": made["effective_date"],
        },
    )
    again = report_when_done(rpc, replay)
    assert again["dossiers"] == [] and again["procedures"] == []
    assert report_when_done(rpc, made["id"]) == report
    history = a.call("history", a.citizen, dossiers["approved"]["id"])
    assert len([h for h in history if h["action"] == "agency_succeeded"]) == 1


def test_a_succession_is_refused_for_unknown_replaced_or_out_of_scope_agencies(
    rpc, world
):
    w = world
    successor = f"S{uuid.uuid4().hex[:6].upper()}"
    rpc.call(
        "accounts",
        "create_agency",
        SYSTEM,
        {"code": successor, "name": "UBND phường mới", "province": PROVINCE},
    )

    def refusal(caller, body):
        with pytest.raises(ServiceError) as excinfo:
            rpc.call("accounts", "succeed_agencies", caller, body)
        return excinfo.value

    err = refusal(OPERATOR, {"successor": successor, "predecessors": ["NOPE1"]})
    assert (err.code, list(err.details)) == ("VALIDATION_ERROR", ["predecessors"])
    err = refusal(OPERATOR, {"successor": successor, "predecessors": [successor]})
    assert (err.code, list(err.details)) == ("VALIDATION_ERROR", ["predecessors"])
    other_province = staff("province_admin", None, province="79")
    err = refusal(other_province, {"successor": successor, "predecessors": [w.agency]})
    assert err.code == "NOT_FOUND"
    err = refusal(w.desk, {"successor": successor, "predecessors": [w.agency]})
    assert err.code == "FORBIDDEN"
    rpc.call(
        "accounts",
        "succeed_agencies",
        OPERATOR,
        {"successor": successor, "predecessors": [w.agency]},
    )
    err = refusal(OPERATOR, {"successor": successor, "predecessors": [w.agency]})
    assert (err.code, list(err.details)) == ("VALIDATION_ERROR", ["predecessors"])


def test_a_succession_dated_ahead_closes_on_its_date_and_moves_nothing_yet(rpc, world):
    w = world
    successor = f"S{uuid.uuid4().hex[:6].upper()}"
    rpc.call(
        "accounts",
        "create_agency",
        SYSTEM,
        {"code": successor, "name": "UBND phường mới", "province": PROVINCE},
    )
    d = w.submitted()
    made = rpc.call(
        "accounts",
        "succeed_agencies",
        OPERATOR,
        {
            "successor": successor,
            "predecessors": [w.agency],
            "effective_date": "2099-01-01",
        },
    )
    assert made["applied_at"] is None and made["staff_moved"] == []
    old = rpc.call("accounts", "get_agency", SYSTEM, w.agency)
    assert old["valid_to"] == "2098-12-31"
    assert rpc.call("accounts", "apply_successions", OPERATOR) == []
    assert w.call("get_dossier", w.desk, d["id"])["agency"] == w.agency
    assert w.draft()["agency"] == w.agency  # open until its last day
