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
