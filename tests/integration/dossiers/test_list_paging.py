"""A dossier list is paged and counted in SQL, the assignee filter included."""


def test_pages_cover_the_list_once_and_the_count_is_whole(world):
    w = world
    made = [w.received()["id"] for _ in range(5)]
    filters = {"agency": w.agency, "page_size": 2}
    pages = [
        w.call("list_dossiers", w.desk, dict(filters, page=n)) for n in (1, 2, 3, 4)
    ]
    assert [p["total"] for p in pages] == [5] * 4
    listed = [item["id"] for p in pages for item in p["items"]]
    assert listed == list(reversed(made))  # newest first, each once, nothing past 5


def test_the_assignee_filter_counts_only_his_dossiers(world):
    w = world
    officer = w.officer["user_id"]
    mine = w.act(
        w.desk,
        w.submitted()["id"],
        "receive",
        department=w.department,
        assignee=officer,
    )["id"]
    w.received()
    found = w.call(
        "list_dossiers",
        w.desk,
        {"agency": w.agency, "assignee": officer, "page_size": 1},
    )
    assert found["total"] == 1
    assert [item["id"] for item in found["items"]] == [mine]
