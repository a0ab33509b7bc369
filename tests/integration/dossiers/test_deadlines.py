"""Deadline and step states that move with time, announced by the periodic sweep."""

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from services.shared.config import database_url
from services.shared.errors import ServiceError

from .conftest import OPERATOR
from .test_journey import EventTap


@pytest.fixture
def tap(stack):
    tap = EventTap(stack.env["PORTAL_AMQP_URI"])
    yield tap
    tap.close()


@pytest.fixture(scope="module")
def db(stack):
    engine = create_engine(database_url("dossiers", stack.env), pool_size=1)
    yield engine
    engine.dispose()


def set_row(db, table, where_id, **values):
    """Move a row back in time (the test's clock), bypassing the service."""
    assigns = ", ".join(f"{k} = :{k}" for k in values)
    key = "public_id" if table == "dossiers" else "id"
    with db.begin() as conn:
        conn.execute(
            text(f"UPDATE {table} SET {assigns} WHERE {key} = :key"),
            dict(values, key=where_id),
        )


def days_ago(n):
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=n)


def sweep(world):
    return world.call("sweep_deadlines", OPERATOR)


def test_a_dossier_past_its_appointment_becomes_overdue_with_an_event(world, db, tap):
    d = world.received()
    assert d["deadline_state"] in ("on_time", "due_soon")
    set_row(db, "dossiers", d["id"], received_at=days_ago(30))
    result = sweep(world)
    assert result["dossiers_changed"] >= 1
    after = world.call("get_dossier", world.admin, d["id"])
    assert after["deadline_state"] == "overdue"
    assert after["days_late"] > 0
    assert after["version"] == d["version"] + 1
    events = [b for t, b in tap.wait(d["id"], 1) if t == "dossier_updated"]
    assert len(events) == 1
    assert events[0]["dossier"]["deadline_state"] == "overdue"
    assert events[0]["version"] == after["version"]


def test_a_second_sweep_announces_nothing_new(world, db, tap):
    d = world.received()
    set_row(db, "dossiers", d["id"], received_at=days_ago(30))
    sweep(world)
    sweep(world)
    after = world.call("get_dossier", world.admin, d["id"])
    assert after["version"] == d["version"] + 1
    assert len([t for t, _ in tap.wait(d["id"], 1) if t == "dossier_updated"]) == 1


def test_the_search_index_follows_the_sweep(world, db, rpc):
    d = world.received()
    set_row(db, "dossiers", d["id"], received_at=days_ago(30))
    sweep(world)
    filters = {"receipt_number": d["receipt_number"], "deadline_state": "overdue"}

    def found():
        page = rpc.call("search", "query", OPERATOR, filters, None, 1, 10)
        return page["items"]

    from tests.integration.search.conftest import wait_until

    items = wait_until(found, timeout=20)
    assert [i["id"] for i in items] == [d["id"]]


def test_closed_dossiers_are_not_swept(world, db):
    d = world.submitted()
    d = world.act(world.citizen, d["id"], "cancel", reason="Nộp nhầm")
    set_row(db, "dossiers", d["id"], deadline_state="on_time")
    sweep(world)
    after = world.call("get_dossier", world.admin, d["id"])
    assert after["version"] == d["version"]


def test_an_overdue_task_moves_its_dossier_on(world, db, tap):
    d = world.received()
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    task = world.call(
        "create_task",
        world.leader,
        d["id"],
        {"title": "Xác minh", "assignee": world.officer["user_id"], "due_date": due},
    )
    assert task["due_state"] == "on_time"
    before = world.call("get_dossier", world.admin, d["id"])
    set_row(db, "tasks", task["id"], due_date=dt.date.today() - dt.timedelta(days=3))
    sweep(world)
    tasks = world.call("list_tasks", world.leader, d["id"])
    assert tasks[0]["due_state"] == "overdue"
    after = world.call("get_dossier", world.admin, d["id"])
    assert after["version"] > before["version"]
    changes = [b["changes"] for t, b in tap.wait(d["id"], 3) if t == "dossier_updated"]
    assert ["task_due_state"] in changes


def test_only_national_operators_may_run_the_sweep(world):
    with pytest.raises(ServiceError) as excinfo:
        world.call("sweep_deadlines", world.admin)
    assert excinfo.value.code == "FORBIDDEN"


def test_sweeps_from_several_instances_at_once_announce_each_change_once(
    world, db, tap
):
    from concurrent.futures import ThreadPoolExecutor

    d = world.received()
    set_row(db, "dossiers", d["id"], received_at=days_ago(30))
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: sweep(world), range(3)))
    after = world.call("get_dossier", world.admin, d["id"])
    assert after["version"] == d["version"] + 1
    assert len([t for t, _ in tap.wait(d["id"], 1) if t == "dossier_updated"]) == 1
