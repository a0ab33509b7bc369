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
