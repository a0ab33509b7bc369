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
    ascending = dashboards.paged_performance("agency", 10, dict(rows, sort="overdue"))
    assert ascending["aggs"]["page"]["bucket_sort"]["sort"][0] == {
        "state['overdue']>_count": {"order": "asc"}
    }
    assert "rate" not in ascending["aggs"]  # computed only when sorted by
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
    bucket = {"key": "A1", "doc_count": 4, "state": {"buckets": {
        "on_time": {"doc_count": 1}, "late": {"doc_count": 1},
        "overdue": {"doc_count": 2}}}}  # fmt: skip
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
