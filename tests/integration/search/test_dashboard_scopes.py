"""Dashboards agree with the database, each staff member over their own scope.

Real dossiers go through the dossiers service's workflow (received by two desk
members, assigned to two officers, one taken to its result, one refused); the
search index learns them from the events. Each role's dashboard is then compared
with what the dossiers service counts in PostgreSQL: its `stats` (the leader's and
the admin's scope) and each dossier's history (who received it, for the desk).
"""

import uuid
from collections import Counter

import pytest

from services.shared.errors import ServiceError
from tests.integration.dossiers.conftest import World, staff

from .conftest import wait_until

GROUPS = ["status", "procedure", "deadline_state", "month", "on_time_rate"]


@pytest.fixture(scope="module")
def seeded(stack):
    from gateway.rpc import RpcPool

    rpc = RpcPool(stack.env["PORTAL_AMQP_URI"], size=2, timeout=20)
    w = World(rpc)
    w.desk2 = staff("desk", w.agency)
    w.desk2["user_id"] = f"desk-{uuid.uuid4().hex[:6]}"
    me, other = w.officer["user_id"], w.officer2["user_id"]

    def received(desk, officer):
        d = w.submitted()
        return w.act(
            desk, d["id"], "receive", department=w.department, assignee=officer
        )

    first = received(w.desk, me)
    second = received(w.desk2, other)
    done = received(w.desk, me)
    w.act(w.officer, done["id"], "send_for_approval")
    w.act(w.leader, done["id"], "approve")
    w.act(w.desk, done["id"], "return_result")
    waiting = w.submitted()
    refused = w.submitted()
    w.act(w.desk2, refused["id"], "reject", reason="Thiếu giấy tờ")
    w.ids = [d["id"] for d in (first, second, done, waiting, refused)]
    yield w
    rpc.close()


def dashboard(w, caller, groups=GROUPS):
    return w.rpc.call("search", "dashboard", caller, {"agency": w.agency}, groups)


def counts(rows, cut=None):
    return {str(r["key"])[:cut]: r["count"] for r in rows if r["count"]}


def caught_up(w):
    """Wait until the index holds every seeded dossier at its database version."""
    truth = {i: w.call("get_dossier", w.admin, i)["version"] for i in w.ids}

    def versions():
        found = w.rpc.call(
            "search", "query", w.admin, {"agency": w.agency}, None, 1, 100
        )
        return {d["id"]: d["version"] for d in found["items"]} == truth

    assert wait_until(versions, timeout=30), "the index never caught up"


def indexed(w, caller, total):
    """The caller's dashboard, the index having caught up with the database."""
    caught_up(w)
    return dashboard(w, caller)


@pytest.mark.parametrize("who", ["admin", "leader"])
def test_the_dashboard_agrees_with_the_database_counts(seeded, who):
    w = seeded
    caller = getattr(w, who)
    db = {
        g: w.call("stats", caller, group_by=g, agency=w.agency)
        for g in ("status", "procedure", "deadline_state", "month")
    }
    board = indexed(w, caller, db["status"]["total"])
    assert board["total"] == db["status"]["total"] > 0
    for group in ("status", "procedure", "deadline_state"):
        assert counts(board["groups"][group]) == counts(db[group]["items"]), group
    assert counts(board["groups"]["month"], 7) == counts(db["month"]["items"])
    rate = board["groups"]["on_time_rate"]
    assert rate["completed"] == db["status"]["completed"] == 1
    assert rate["rate"] == db["status"]["on_time_rate"]


def test_the_leader_counts_his_department_and_the_admin_the_agency(seeded):
    w = seeded
    admin = indexed(w, w.admin, len(w.ids))
    # the waiting and the refused dossiers never reached the department
    leader = indexed(w, w.leader, 3)
    assert admin and admin["total"] == 5
    assert leader and leader["total"] == 3


def test_an_officer_counts_only_the_dossiers_assigned_to_him(seeded):
    w = seeded
    mine = [
        d for d in (w.call("get_dossier", w.admin, i) for i in w.ids)
        if w.officer["user_id"] in d["assignees"]
    ]  # fmt: skip
    board = indexed(w, w.officer, len(mine))
    assert board and board["total"] == len(mine) == 2
    assert counts(board["groups"]["status"]) == dict(Counter(d["status"] for d in mine))
    other = dashboard(w, w.officer2)
    assert other["total"] == 1
    assert counts(other["groups"]["status"]) == {"processing": 1}


def test_the_desk_counts_only_what_it_received(seeded):
    w = seeded
    received_by = Counter()
    for dossier_id in w.ids:
        entries = w.call("history", w.admin, dossier_id)
        receive = [e for e in entries if e["action"] == "receive"]
        if receive:
            received_by[receive[0]["actor"]["id"]] += 1
    board = indexed(w, w.desk, received_by[w.desk["user_id"]])
    assert board and board["total"] == received_by[w.desk["user_id"]] == 2
    assert counts(board["groups"]["status"]) == {"processing": 1, "completed": 1}
    assert dashboard(w, w.desk2)["total"] == received_by[w.desk2["user_id"]] == 1


def test_a_citizen_has_no_dashboard(seeded):
    with pytest.raises(ServiceError) as exc:
        dashboard(seeded, seeded.citizen)
    assert exc.value.code == "FORBIDDEN"
