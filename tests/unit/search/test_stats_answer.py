"""The statistics resource reshapes the search dashboard's answer (API.md shape)."""

from gateway.resources.dossiers import stats_answer
from services.search import dashboards


def test_month_keys_are_year_and_month_and_the_rate_is_carried():
    result = {
        "total": 5,
        "groups": {
            "month": [
                {"key": "2025-03-01", "count": 3},
                {"key": "2025-04-01", "count": 2},
            ],
            "on_time_rate": {"completed": 4, "on_time": 3, "late": 1, "rate": 0.75},
        },
    }
    answer = stats_answer("month", result)
    assert answer["items"] == [
        {"key": "2025-03", "count": 3},
        {"key": "2025-04", "count": 2},
    ]
    assert (answer["total"], answer["completed"], answer["on_time_rate"]) == (
        5,
        4,
        0.75,
    )


def test_the_assignee_group_counts_the_assignees_field():
    assert dashboards.aggregation("assignee", "month")["terms"]["field"] == "assignees"


def test_the_per_agency_results_are_one_page_sorted_and_counted_by_the_engine():
    rows = {"page": 3, "page_size": 50, "sort": "-rate"}
    body = dashboards.dashboard_body(
        {"match_all": {}}, ["performance_by_agency", "status"], "month", rows
    )
    paged = body["aggs"]["performance_by_agency"]
    assert paged["terms"]["field"] == "agency"
    assert paged["aggs"]["page"]["bucket_sort"] == {
        "sort": [{"rate": {"order": "desc"}}, {"_key": {"order": "asc"}}],
        "from": 100,
        "size": 50,
    }
    # no completed dossier: no rate, last whichever the order
    assert "? -1 :" in paged["aggs"]["rate"]["bucket_script"]["script"]
    # a figure the engine counts: the terms aggregation orders the rows itself and
    # keeps those up to the page's last (here page 3 of 50: 150), ties by code
    ascending = dashboards.paged_performance(
        "agency", 10_000, dict(rows, sort="overdue")
    )
    assert ascending["terms"]["order"] == [{"overdue": "asc"}, {"_key": "asc"}]
    assert ascending["terms"]["size"] == 150
    assert ascending["terms"]["collect_mode"] == "depth_first"
    assert ascending["aggs"]["page"]["bucket_sort"] == {"from": 100, "size": 50}
    assert ascending["aggs"]["overdue"] == {
        "filter": {"term": {"deadline_state": "overdue"}}
    }
    assert "rate" not in ascending["aggs"]  # computed only when sorted by
    by_code = dashboards.paged_performance("agency", 10_000, dict(rows, sort="-key"))
    assert by_code["terms"]["order"] == [{"_key": "desc"}]
    assert (
        "? 2 :"
        in dashboards.paged_performance("agency", 10, dict(rows, sort="rate"))["aggs"][
            "rate"
        ]["bucket_script"]["script"]
    )
    assert (
        body["aggs"]["performance_by_agency_rows"]["cardinality"]["field"] == "agency"
    )
    assert "status_rows" not in body["aggs"]  # short groups come whole
    # without paging (the service always pages; the benchmark measures both)
    whole = dashboards.dashboard_body(
        {"match_all": {}}, ["performance_by_agency"], "month"
    )
    assert "page" not in whole["aggs"]["performance_by_agency"]["aggs"]


def test_the_answer_says_which_page_of_how_many_rows():
    rows = {"page": 1, "page_size": 2, "sort": "-count"}
    bucket = {"key": "A1", "doc_count": 4, "on_time": {"doc_count": 1},
              "late": {"doc_count": 1}, "overdue": {"doc_count": 2}}  # fmt: skip
    answer = {
        "hits": {"total": {"value": 4}},
        "aggregations": {
            "performance_by_agency": {"buckets": [bucket]},
            "performance_by_agency_rows": {"value": 3321},
        },
    }
    board = dashboards.read_dashboard(answer, ["performance_by_agency"], rows)
    assert board["pages"] == {"performance_by_agency": dict(rows, total=3321)}
    (row,) = board["groups"]["performance_by_agency"]
    assert row == {"key": "A1", "count": 4, "on_time": 1, "late": 1, "overdue": 2,
                   "completed": 2, "rate": 0.5}  # fmt: skip


def test_the_province_groups_are_read_from_one_province_and_state_table():
    groups = ["province", "performance_by_province", "on_time_rate", "month"]
    body = dashboards.dashboard_body({"match_all": {}}, groups, "month")
    assert set(body["aggs"]) == {"province_states", "month"}
    cell = [("01", "completed_on_time", 3), ("01", "overdue", 1),
            ("02", "completed_late", 2), ("08", "completed_on_time", 1),
            (None, "completed_on_time", 5), ("08", None, 2)]  # fmt: skip
    answer = {
        "hits": {"total": {"value": 14}},
        "aggregations": {
            "month": {"buckets": []},
            "province_states": {"buckets": [
                {"key": {"province": p, "deadline_state": s}, "doc_count": n}
                for p, s, n in cell]},
        },
    }  # fmt: skip
    board = dashboards.read_dashboard(answer, groups)["groups"]
    # 02 (Hà Giang) is counted in 08; a dossier without a province is in no row
    assert board["province"] == [{"key": "08", "count": 5}, {"key": "01", "count": 4}]
    assert board["performance_by_province"][0] == {
        "key": "08", "count": 5, "on_time": 1, "late": 2, "overdue": 0,
        "completed": 3, "rate": 0.3333,
    }  # fmt: skip
    # ... but in the on-time rate, as the filters aggregation counted it
    assert board["on_time_rate"] == {"completed": 11, "on_time": 9, "late": 2,
                                     "rate": 0.8182}  # fmt: skip
    # asked alone, each group keeps its own aggregation
    alone = dashboards.dashboard_body(
        {"match_all": {}}, ["province", "on_time_rate"], "month"
    )
    assert set(alone["aggs"]) == {"province", "on_time_rate"}
