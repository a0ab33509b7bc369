"""The RPCs notify calls: applicants of a procedure, officers' and leaders' due work."""

import datetime as dt
import uuid

import pytest

from services.dossiers.domain import local_date
from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

from .conftest import PROVINCE, citizen
from .test_deadlines import days_ago, db, set_row  # noqa: F401 - fixture


def test_applicants_of_a_procedure_are_listed_once_each_in_scope(world):
    first, second, drafting = citizen(), citizen(), citizen()
    world.submitted(first)
    world.submitted(first)
    world.submitted(second)
    world.draft(drafting)
    today = local_date(dt.datetime.now(dt.UTC)).isoformat()  # Vietnamese day
    found = world.call("list_applicants", world.admin, world.code, today, today)
    assert sorted(p["email"] for p in found) == sorted(
        [first["email"], second["email"]]
    )
    assert all(p["full_name"] for p in found)


def test_applicants_outside_the_period_or_scope_are_left_out(world):
    world.submitted()
    yesterday = local_date(days_ago(1)).isoformat()
    assert world.call("list_applicants", world.admin, world.code, None, yesterday) == []
    other = dict(world.admin, agency="OTHER")
    assert world.call("list_applicants", other, world.code, None, None) == []


def test_citizens_cannot_list_applicants(world):
    with pytest.raises(ServiceError) as excinfo:
        world.call("list_applicants", world.citizen, world.code, None, None)
    assert excinfo.value.code == "FORBIDDEN"


def _leader(world):
    """A real leader of the world's department in the accounts service."""
    email = f"leader-{uuid.uuid4().hex[:8]}@example.test"
    created = world.rpc.call(
        "accounts",
        "create_staff",
        SYSTEM,
        {
            "email": email,
            "full_name": "Trưởng phòng Lê Văn Cường",
            "role": "leader",
            "agency": world.agency,
            "department": world.department,
            "province": PROVINCE,
        },
    )
    return created["id"], email


def test_due_work_names_each_officers_items_and_each_leaders_overdue(world, db):  # noqa: F811 - fixture
    leader_id, leader_email = _leader(world)
    officer = world.officer["user_id"]
    d = world.submitted()
    d = world.act(
        world.desk, d["id"], "receive", department=world.department, assignee=officer
    )
    set_row(db, "dossiers", d["id"], received_at=days_ago(30))
    world.call("sweep_deadlines", SYSTEM)
    tomorrow = (local_date(days_ago(-1))).isoformat()
    task = {"title": "Thẩm định hồ sơ", "due_date": tomorrow}
    task["assignee"] = world.officer2["user_id"]
    world.call("create_task", world.leader, d["id"], task)

    work = world.call("list_due_work", SYSTEM, 2)

    officers = {o["user"]["id"]: o["items"] for o in work["officers"]}
    mine = [i for i in officers[officer] if i["dossier_id"] == d["id"]]
    assert [(i["kind"], i["state"]) for i in mine] == [("dossier", "overdue")]
    assert mine[0]["title"].startswith(d["receipt_number"])
    theirs = officers[world.officer2["user_id"]]
    # a task's assignee joins the dossier's assignees, so he is reminded of both
    assert sorted((i["kind"], i["state"]) for i in theirs) == [
        ("dossier", "overdue"),
        ("task", "due_soon"),
    ]
    leaders = {entry["user"]["id"]: entry for entry in work["leaders"]}
    entry = leaders[leader_id]
    assert entry["user"]["email"] == leader_email
    assert entry["departments"][0]["department"] == world.department
    assert entry["departments"][0]["overdue"] >= 1
    assert d["id"] in {i["dossier_id"] for i in entry["items"]}


def test_only_the_system_may_read_everyones_due_work(world):
    with pytest.raises(ServiceError) as excinfo:
        world.call("list_due_work", world.leader, 2)
    assert excinfo.value.code == "FORBIDDEN"
