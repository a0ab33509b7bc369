"""The index fed by dossiers events, queried with scope, filters and keywords."""

import pytest

from services.search.exceptions import InvalidFilter
from services.shared.errors import Unauthenticated

from .conftest import OPERATOR, snapshot, unique_province, wait_until


def test_keyword_matches_with_or_without_diacritics(publish, ids_visible):
    province = unique_province()
    hang = snapshot(
        province=province,
        applicant={"id": "c1", "kind": "citizen", "full_name": "Nguyễn Thị Hằng"},
        form_text="Số 5 Đường Láng, Hà Nội",
    )
    other = snapshot(province=province)
    publish("dossier_submitted", hang)
    publish("dossier_submitted", other)
    assert wait_until(lambda: len(ids_visible(OPERATOR, province=province)) == 2)

    def found(q):
        return ids_visible(OPERATOR, province=province, q=q)

    assert found("nguyen thi hang") == {hang["id"]}
    assert found("Nguyễn Thị Hằng") == {hang["id"]}
    assert found("duong lang") == {hang["id"]}
    assert found("nguy") == {hang["id"]}
    assert found("khai sinh") == {hang["id"], other["id"]}
    assert found(hang["receipt_number"]) == {hang["id"]}
    assert found(hang["receipt_number"][:-2].lower()) >= {hang["id"]}
    assert found("nguyen van hang") == set()


def test_each_role_sees_only_its_scope(publish, ids_visible):
    p, q = unique_province(), unique_province()
    mine = snapshot(province=p, agency="A1", department="D1")
    mine["applicant"] = dict(mine["applicant"], id="citizen-1")
    mine["owner"] = "citizen-1"
    sister_dept = snapshot(province=p, agency="A1", department="D2")
    assigned = snapshot(province=p, agency="A1", department="D2", assignees=["off-1"])
    other_agency = snapshot(province=p, agency="A2", department="D1")
    other_province = snapshot(province=q, agency="A1", department="D1")
    docs = [mine, sister_dept, assigned, other_agency, other_province]
    for doc in docs:
        publish("dossier_submitted", doc)
    ids = {d["id"] for d in docs}
    assert wait_until(lambda: ids_visible(OPERATOR, province=[p, q]) == ids)

    def staff(role, user="x"):
        return {
            "user_id": user,
            "kind": "staff",
            "roles": [role],
            "province": p,
            "agency": "A1",
            "department": "D1",
        }

    citizen = {"user_id": "citizen-1", "kind": "citizen", "roles": ["citizen"]}
    assert ids_visible(citizen) == {mine["id"]}
    assert ids_visible(staff("officer", "off-1")) == {mine["id"], assigned["id"]}
    assert ids_visible(staff("leader")) == {mine["id"]}
    expected_agency = {mine["id"], sister_dept["id"], assigned["id"]}
    assert ids_visible(staff("desk")) == expected_agency
    assert ids_visible(staff("admin")) == expected_agency
    assert ids_visible(staff("province_admin")) == ids - {other_province["id"]}
    assert ids_visible(OPERATOR, province=[p, q]) == ids


def test_anonymous_caller_must_log_in(rpc):
    with pytest.raises(Unauthenticated):
        rpc.call("search", "query", {"kind": "anonymous", "roles": []}, {})


def test_older_event_after_newer_keeps_the_newer_state(publish, ids_visible, rpc):
    province = unique_province()
    doc = snapshot(province=province, status="waiting_reception")
    publish("dossier_status_changed", dict(doc, status="completed"), version=3)
    assert wait_until(lambda: ids_visible(OPERATOR, province=province))
    publish("dossier_submitted", doc, version=1)
    publish("dossier_updated", dict(doc, status="processing"), version=2)
    marker = snapshot(province=province)
    publish("dossier_submitted", marker)  # same queue order: processed after them
    wait_until(lambda: len(ids_visible(OPERATOR, province=province)) == 2)
    page = rpc.call(
        "search", "query", OPERATOR, {"province": province, "status": "completed"}
    )
    assert [item["id"] for item in page["items"]] == [doc["id"]]
    assert page["items"][0]["version"] == 3


def test_filters_sort_and_pages(publish, rpc):
    province = unique_province()
    docs = [
        snapshot(province=province, fee=fee, appointment_date=f"2025-04-{day:02d}")
        for fee, day in ((300, 3), (100, 1), (200, 2))
    ]
    for doc in docs:
        publish("dossier_submitted", doc)

    def page(**kw):
        return rpc.call("search", "query", OPERATOR, {"province": province}, **kw)

    assert wait_until(lambda: page()["total"] == 3)
    by_time = page(sort="time_left")["items"]
    assert [d["fee"] for d in by_time] == [100, 200, 300]
    assert [d["fee"] for d in page(sort="-fee", page=2, page_size=2)["items"]] == [100]
    assert page(page=5, page_size=2) == {"items": [], "total": 3}
    ranged = rpc.call(
        "search",
        "query",
        OPERATOR,
        {"province": province, "appointment_from": "2025-04-02"},
    )
    assert ranged["total"] == 2


def test_unknown_filter_or_bad_value_is_invalid_filter(rpc):
    with pytest.raises(InvalidFilter) as info:
        rpc.call("search", "query", OPERATOR, {"colour": "red", "status": "x"})
    assert info.value.code == "INVALID_FILTER"
    assert {"colour", "status"} <= set(info.value.details)
    with pytest.raises(InvalidFilter):
        rpc.call("search", "query", OPERATOR, {}, "nonsense")
