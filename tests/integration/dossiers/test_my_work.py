"""Each staff member sees the figures of their own work, and only their own."""

import pytest

from services.shared.errors import ServiceError


def test_an_officer_sees_his_own_steps_assigned_dossiers_and_tasks(world):
    w = world
    d = w.received()
    w.act(w.officer, d["id"], "send_for_approval", note="Đề nghị duyệt")
    w.act(w.leader, d["id"], "send_back", note="Xem lại", assignee=w.officer["user_id"])
    w.call(
        "create_task",
        w.leader,
        d["id"],
        {"title": "Xác minh", "assignee": w.officer["user_id"]},
    )
    mine = w.call("my_stats", w.officer, {})
    assert mine["done"] == {"send_for_approval": 1}
    assert sum(mine["assigned_open"].values()) == 1
    assert mine["tasks"]["open"] == 1
    desk = w.call("my_stats", w.desk, {})
    assert desk["done"].get("receive") == 1 and "send_for_approval" not in desk["done"]
    other = w.call("my_stats", w.officer2, {})
    assert other["done"] == {} and other["tasks"] == {} and other["assigned_open"] == {}


def test_a_citizen_has_no_work_figures(world):
    with pytest.raises(ServiceError) as exc:
        world.call("my_stats", world.citizen, {})
    assert exc.value.code == "FORBIDDEN"
