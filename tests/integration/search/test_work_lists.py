"""The work lists' index queries: tabs and their counts, the dossier's value, tasks."""

from .conftest import OPERATOR, snapshot, unique_province, wait_until


def officer(province, user, department="D1"):
    return {
        "user_id": user,
        "kind": "staff",
        "roles": ["officer"],
        "province": province,
        "agency": "AG",
        "department": department,
    }


def test_tabs_count_and_list_the_open_dossiers_of_each(publish, rpc, ids_visible):
    p = unique_province()
    docs = {
        "waiting": snapshot(province=p, status="waiting_reception"),
        "late": snapshot(province=p, status="processing", deadline_state="overdue"),
        "soon": snapshot(province=p, status="processing", deadline_state="due_soon"),
        "supplement": snapshot(province=p, status="supplement_requested"),
        "approval": snapshot(province=p, status="pending_approval"),
        "approved": snapshot(province=p, status="approved", deadline_state="overdue"),
        # received here, resolved elsewhere: the receiving desk's two tabs
        "to_transfer": snapshot(
            province=p,
            status="to_transfer",
            receiving_agency="RX",
            receiving_province="79",
        ),  # fmt: skip
        "transferred": snapshot(
            province=p, status="transferred", deadline_state="due_soon"
        ),
        "returned": snapshot(province=p, status="returned"),
        "done": snapshot(
            province=p, status="completed", deadline_state="completed_late"
        ),
    }
    for doc in docs.values():
        publish("dossier_submitted", doc)
    assert wait_until(lambda: len(ids_visible(OPERATOR, province=p)) == len(docs))

    tabs = rpc.call("search", "count_tabs", OPERATOR, {"province": p})
    counts = {t["key"]: t["count"] for t in tabs["items"]}
    assert counts == {
        "waiting_reception": 1,
        "processing": 2,
        "due_soon": 2,
        "overdue": 2,
        "supplement_requested": 1,
        "pending_approval": 1,
        "to_return": 1,
        "to_transfer": 1,
        "returned": 1,
    }
    assert tabs["total"] == 9  # the completed one is in no tab

    def tab(name, **more):
        return ids_visible(OPERATOR, province=p, tab=name, **more)

    assert tab("overdue") == {docs["late"]["id"], docs["approved"]["id"]}
    assert tab("to_return") == {docs["approved"]["id"]}
    assert tab("to_transfer") == {docs["to_transfer"]["id"]}
    assert tab("returned") == {docs["returned"]["id"]}
    assert tab("due_soon") == {docs["soon"]["id"], docs["transferred"]["id"]}
    # the receiving desk filters beside the resolving agency
    assert ids_visible(OPERATOR, province=p, receiving_agency="RX") == {
        docs["to_transfer"]["id"]
    }
    assert tab("processing", deadline_state="due_soon") == {docs["soon"]["id"]}
    # counts follow the other filters
    one = rpc.call("search", "count_tabs", OPERATOR, {"province": p, "q": "nothing"})
    assert {t["count"] for t in one["items"]} == {0}

    # the page's one call answers the same page and the same counts
    for name in ("overdue", "to_return", "returned", None):
        filters = {"province": p, **({"tab": name} if name else {})}
        page = rpc.call("search", "work_list", OPERATOR, filters, "time_left", 1, 20)
        assert page["tabs"] == tabs
        listed = {item["id"] for item in page["items"]}
        assert listed == (tab(name) if name else {d["id"] for d in docs.values()})
        assert page["total"] == len(listed)


def test_sort_by_the_procedures_value_field_then_missing_last(publish, rpc):
    p = unique_province()
    values = [250_000_000.0, None, 1_500_000.0, 90_000_000.0]
    docs = [snapshot(province=p, value=v) for v in values]
    for doc in docs:
        publish("dossier_submitted", doc)

    def order(sort):
        page = rpc.call("search", "query", OPERATOR, {"province": p}, sort, 1, 10)
        return [item["value"] for item in page["items"]]

    assert wait_until(lambda: len(order("value")) == 4)
    assert order("-value") == [250_000_000.0, 90_000_000.0, 1_500_000.0, None]
    assert order("value") == [1_500_000.0, 90_000_000.0, 250_000_000.0, None]


def task(task_id, assignee, due_date, due_state, status="open", title="Thẩm định"):
    return {
        "id": task_id,
        "title": title,
        "assignee": assignee,
        "created_by": "leader-1",
        "due_date": due_date,
        "due_state": due_state,
        "status": status,
    }


def test_tasks_are_listed_with_deadline_states_to_who_may_see_them(publish, rpc):
    p = unique_province()
    first = snapshot(
        province=p,
        assignees=["off-1", "off-2"],
        value=5.0,
        tasks=[
            task(1, "off-1", "2025-03-05", "overdue", title="Xác minh hồ sơ đất"),
            task(2, "off-2", "2025-03-07", "due_soon"),
        ],
    )
    second = snapshot(
        province=p,
        department="D2",
        assignees=["off-1"],
        tasks=[task(3, "off-1", "2025-03-06", "due_soon", title="Đo đạc thửa đất")],
    )
    publish("dossier_submitted", first)
    publish("dossier_submitted", second)

    def tasks(caller, filters=None, sort=None):
        filters = dict(filters or {}, agency="AG")
        page = rpc.call("search", "query_tasks", caller, filters, sort, 1, 50)
        return [(t["dossier_id"], t["task_id"]) for t in page["items"]]

    leader = dict(officer(p, "leader-9"), roles=["leader"])
    operator = dict(OPERATOR)
    assert wait_until(lambda: len(tasks(operator, {"q": "dat"}) or ()) >= 2 or None)
    mine = tasks(officer(p, "off-1"))
    # an officer lists his own tasks only, in every department he is assigned to,
    # the least time left first
    assert mine == [(first["id"], 1), (second["id"], 3)]
    # a leader lists every task of his department's dossiers
    assert tasks(leader) == [(first["id"], 1), (first["id"], 2)]
    assert tasks(leader, {"deadline_state": "due_soon"}) == [(first["id"], 2)]
    # keyword without diacritics, on the task title
    assert tasks(officer(p, "off-1"), {"q": "do dac"}) == [(second["id"], 3)]
    # a citizen never lists tasks
    citizen = {"user_id": first["owner"], "kind": "citizen", "roles": ["citizen"]}
    try:
        found = tasks(citizen)
    except Exception as exc:  # noqa: BLE001 - refused outright is as good
        assert getattr(exc, "status", None) == 403
    else:
        assert found == []

    # a newer snapshot marks a task done: the list follows
    later = dict(first, version=2)
    later["tasks"] = [dict(first["tasks"][0], status="done", due_state=None)]
    later["tasks"].append(first["tasks"][1])
    publish("dossier_updated", later)
    assert wait_until(
        lambda: tasks(officer(p, "off-1"), {"status": "open"}) == [(second["id"], 3)]
    )
    assert tasks(officer(p, "off-1"), {"status": "done"}) == [(first["id"], 1)]
