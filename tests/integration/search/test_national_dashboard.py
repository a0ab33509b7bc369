"""The national view (issue 18, item 3): results per province and per agency, old
provincial codes counted in the unit they became part of, and the export."""

import csv
import io
import uuid

import pytest

from .conftest import OPERATOR, snapshot, wait_until
from .test_stats_export import operator_api  # noqa: F401 - fixture

GROUPS = ["province", "performance_by_province", "performance_by_agency"]


@pytest.fixture
def procedure(publish):
    """Dossiers of one procedure of its own in three provinces, one of them filed
    under 02 (Hà Giang, merged into 08 Tuyên Quang on 2025-07-01)."""
    code = f"NV{uuid.uuid4().hex[:6]}"
    rows = [
        ("02", "A02", "completed", "completed_on_time"),
        ("02", "A02", "processing", "overdue"),
        ("08", "A08", "completed", "completed_late"),
        ("01", "A01", "completed", "completed_on_time"),
        ("01", "A01", "processing", "on_time"),
    ]
    for province, agency, status, state in rows:
        publish(
            "dossier_submitted",
            snapshot(
                province=province,
                agency=f"{agency}{code}",
                status=status,
                deadline_state=state,
                procedure={"code": code, "name": "Thủ tục quốc gia", "version": 1},
            ),
        )
    return code


def board(rpc, caller, code):
    return rpc.call("search", "dashboard", caller, {"procedure": code}, GROUPS, None)


def test_the_national_view_counts_each_province_in_force(rpc, procedure):
    found = wait_until(
        lambda: (b := board(rpc, OPERATOR, procedure))["total"] == 5 and b
    )
    groups = found["groups"]
    assert groups["province"] == [
        {"key": "08", "count": 3},
        {"key": "01", "count": 2},
    ]
    by_province = {r["key"]: r for r in groups["performance_by_province"]}
    assert by_province["08"] == {
        "key": "08", "count": 3, "on_time": 1, "late": 1, "overdue": 1,
        "completed": 2, "rate": 0.5,
    }  # fmt: skip
    assert by_province["01"]["rate"] == 1.0 and by_province["01"]["overdue"] == 0
    by_agency = {r["key"]: r for r in groups["performance_by_agency"]}
    assert by_agency[f"A02{procedure}"]["count"] == 2  # agencies keep their own code
    assert by_agency[f"A02{procedure}"]["overdue"] == 1

    admin = {"user_id": "pa", "kind": "staff", "roles": ["province_admin"],
             "province": "01"}  # fmt: skip
    mine = board(rpc, admin, procedure)["groups"]["performance_by_province"]
    assert [r["key"] for r in mine] == ["01"]


def test_the_results_per_agency_come_a_page_at_a_time_in_the_order_asked(
    rpc, procedure
):
    def page(number, size, sort):
        found = rpc.call(
            "search", "dashboard", OPERATOR, {"procedure": procedure},
            ["performance_by_agency"], None, number, size, sort,
        )  # fmt: skip
        keys = [r["key"][:3] for r in found["groups"]["performance_by_agency"]]
        return keys, found["pages"]["performance_by_agency"]

    assert wait_until(lambda: len(page(1, 10, "key")[0]) == 3)
    # by count, ties by code: A01 and A02 have two dossiers, A08 one
    assert page(1, 2, "-count") == (
        ["A01", "A02"], {"page": 1, "page_size": 2, "sort": "-count", "total": 3}
    )  # fmt: skip
    assert page(2, 2, "-count")[0] == ["A08"]
    assert page(3, 2, "-count")[0] == []
    assert page(1, 3, "-overdue")[0] == ["A02", "A01", "A08"]
    assert page(1, 3, "rate")[0] == ["A08", "A01", "A02"]  # 0 %, then 100 %
    assert page(1, 3, "-key")[0] == ["A08", "A02", "A01"]


def test_the_national_view_exports_as_csv(operator_api, procedure):  # noqa: F811
    params = {"procedure": procedure, "group_by": "performance_by_province"}
    wait_until(
        lambda: (
            operator_api.get("/api/v1/dashboards/dossiers", params=params).json()[
                "total"
            ]
            == 5
        )
    )
    resp = operator_api.get(
        "/api/v1/dashboards/dossiers", params=dict(params, format="csv")
    )
    assert resp.status_code == 200, resp.text
    rows = list(csv.reader(io.StringIO(resp.text.lstrip("\ufeff"))))
    assert rows[0] == ["Mã", "Tên", "Số hồ sơ", "Đã giải quyết", "Đúng hạn",
                       "Trễ hạn", "Tỷ lệ đúng hạn", "Quá hạn"]  # fmt: skip
    assert rows[1][:3] == ["08", "Tỉnh Tuyên Quang", "3"]
    assert rows[1][3:] == ["2", "1", "1", "0.5", "1"]
    # the per-agency export is the page asked for, in its order
    agencies = dict(params, group_by="performance_by_agency", format="csv",
                    page="2", page_size="1", sort="-overdue")  # fmt: skip
    resp = operator_api.get("/api/v1/dashboards/dossiers", params=agencies)
    assert resp.status_code == 200, resp.text
    rows = list(csv.reader(io.StringIO(resp.text.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][0].startswith("A01")
    bad = operator_api.get(
        "/api/v1/dashboards/dossiers", params=dict(agencies, sort="name")
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "INVALID_FILTER"
