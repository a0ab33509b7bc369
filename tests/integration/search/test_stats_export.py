"""GET /api/v1/stats/dossiers answered from the index's aggregations, with exports."""

import io
import uuid

import pytest
from openpyxl import load_workbook

from .conftest import snapshot, unique_province, wait_until


@pytest.fixture
def operator_api(api, stack):
    resp = api.post(
        "/api/v1/sessions",
        json={
            "email": stack.env["PORTAL_ADMIN_EMAIL"],
            "password": stack.env["PORTAL_ADMIN_PASSWORD"],
        },
    )
    assert resp.status_code == 201, resp.text
    return api.as_user(resp.json()["token"])


@pytest.fixture
def agency(publish):
    """An agency of its own with four indexed dossiers."""
    code, province = f"ST{uuid.uuid4().hex[:6]}", unique_province()
    rows = [
        ("processing", "overdue", "2025-03-02T08:00:00+07:00", ["o1"]),
        ("processing", "on_time", "2025-03-20T08:00:00+07:00", ["o1", "o2"]),
        ("completed", "completed_on_time", "2025-04-01T08:00:00+07:00", ["o2"]),
        ("completed", "completed_late", "2025-04-02T08:00:00+07:00", []),
    ]
    for status, state, submitted, assignees in rows:
        publish(
            "dossier_submitted",
            snapshot(
                agency=code,
                province=province,
                status=status,
                deadline_state=state,
                submitted_at=submitted,
                assignees=assignees,
            ),
        )
    return code


def stats(client, **params):
    return client.get("/api/v1/stats/dossiers", params=params)


def test_counts_by_status_with_the_on_time_rate(operator_api, agency):
    body = wait_until(
        # an answer before the first event made the index is an error, not a count
        lambda: (r := stats(operator_api, agency=agency).json()).get("total") == 4 and r
    )
    assert body["group_by"] == "status"
    assert {i["key"]: i["count"] for i in body["items"]} == {
        "processing": 2,
        "completed": 2,
    }
    assert body["completed"] == 2 and body["on_time_rate"] == 0.5


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("assignee", {"o1": 2, "o2": 2}),
        ("month", {"2025-03": 2, "2025-04": 2}),
        ("deadline_state", {"overdue": 1, "on_time": 1}),
    ],
)
def test_counts_by_each_group(operator_api, agency, group_by, expected):
    def answer():
        body = stats(operator_api, agency=agency, group_by=group_by).json()
        return body["total"] == 4 and body

    counts = {i["key"]: i["count"] for i in wait_until(answer)["items"]}
    assert {k: v for k, v in counts.items() if k in expected} == expected


def test_the_period_limits_the_counts(operator_api, agency):
    wait_until(lambda: stats(operator_api, agency=agency).json()["total"] == 4)
    body = stats(operator_api, agency=agency, **{"from": "2025-04-01"}).json()
    assert body["total"] == 2


def test_csv_and_xlsx_exports(operator_api, agency):
    wait_until(lambda: stats(operator_api, agency=agency).json()["total"] == 4)
    csv = stats(operator_api, agency=agency, group_by="agency", format="csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1] == f"{agency},4"
    xlsx = stats(operator_api, agency=agency, group_by="status", format="xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == {"processing": 2, "completed": 2}


def test_an_unknown_group_or_format_is_refused(operator_api):
    bad = stats(operator_api, group_by="colour")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "INVALID_FILTER"
    assert stats(operator_api, format="pdf").status_code == 422


def test_anonymous_callers_get_401(api):
    assert stats(api).status_code == 401


def test_the_current_steps_state_is_indexed_and_filterable(publish, ids_visible):
    where = unique_province()
    late = snapshot(
        province=where,
        step="processing",
        step_due_date="2025-03-03",
        step_state="overdue",
    )
    fine = snapshot(
        province=where,
        step="approval",
        step_due_date="2099-01-01",
        step_state="on_time",
    )
    publish("dossier_status_changed", late)
    publish("dossier_status_changed", fine)
    operator = {"user_id": "op", "kind": "operator", "roles": ["operator"]}
    wait_until(lambda: len(ids_visible(operator, province=where)) == 2)
    assert ids_visible(operator, province=where, step_state="overdue") == {late["id"]}
