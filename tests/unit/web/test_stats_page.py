"""The statistics page: charts with their tables, names not codes, scope, errors."""

import re

from services.contracts.search import GROUPS
from services.shared.errors import Forbidden, ValidationFailed

from .conftest import FakeRpc, make_client, session_cookies

LEADER = {
    "user_id": "l1",
    "kind": "staff",
    "roles": ["leader"],
    "province": "01",
    "agency": "UBX",
    "department": "TP",
    "full_name": "Lãnh đạo",
}
OFFICER = dict(LEADER, user_id="o1", roles=["officer"])
ADMIN = dict(LEADER, user_id="a1", roles=["admin"], department=None)
CITIZEN = {"user_id": "c1", "kind": "citizen", "roles": ["citizen"], "province": "01"}


def board(**groups):
    empty = {g: [] for g in GROUPS}
    empty["on_time_rate"] = {"completed": 4, "on_time": 3, "late": 1, "rate": 0.75}
    empty.update(groups)
    return {"total": 9, "groups": empty}


BOARD = board(
    status=[{"key": "processing", "count": 6}, {"key": "completed", "count": 3}],
    procedure=[{"key": "1.001193", "count": 9}],
    department=[{"key": "TP", "count": 7}, {"key": "DC", "count": 2}],
    attention_by_officer=[{"key": "o1", "count": 2, "due_soon": 1, "overdue": 1}],
    month=[{"key": "2026-02-01", "count": 4}, {"key": "2026-03-01", "count": 5}],
    overdue_series=[{"key": "2026-03-01", "count": 1}],
    due_soon_series=[{"key": "2026-03-01", "count": 2}],
)


def show(caller, answer=BOARD, path="/can-bo/thong-ke"):
    fake = FakeRpc(caller=caller)
    fake.answers[("search", "dashboard")] = answer
    fake.answers[("accounts", "list_agencies")] = [{"code": "UBX", "name": "UBND xã X"}]
    fake.answers[("accounts", "list_departments")] = [
        {"agency": "UBX", "code": "TP", "name": "Tư pháp"},
        {"agency": "UBX", "code": "DC", "name": "Địa chính"},
    ]
    fake.answers[("accounts", "list_staff")] = [
        {"id": "o1", "full_name": "Trần Văn Bảo"}
    ]
    resp = make_client(fake).simulate_get(path, cookies=session_cookies()[0])
    return resp, fake


def section(text, group):
    found = re.search(rf'<section[^>]*id="s-{group}".*?</section>', text, re.S)
    return found and found.group(0)


def test_each_group_is_a_chart_with_its_table_and_names_instead_of_codes():
    resp, fake = show(ADMIN)
    assert resp.status_code == 200
    text = resp.text
    status = section(text, "status")
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in status and 'role="img"' in status
    )
    assert "Đang xử lý" in status and ">processing<" not in status
    assert "Đăng ký khai sinh" in section(text, "procedure")
    departments = section(text, "department")
    assert "Tư pháp" in departments and "Địa chính" in departments
    assert "Trần Văn Bảo" in section(text, "attention_by_officer")
    assert "03/2026" in section(text, "month")
    deadlines = section(text, "deadlines_over_time")
    assert "Sắp đến hạn" in deadlines and "Quá hạn" in deadlines
    assert 'id="stats-total">9<' in text and "75 %" in text
    # every group an agency's scope spans is asked of the search service, as the
    # caller (by agency and by province only span wider scopes)
    ((_, _, args, _),) = fake.called("dashboard")
    wide = {"agency", "province", "performance_by_agency", "performance_by_province",
            "received_by_province"}  # fmt: skip
    assert args[0]["user_id"] == "a1" and set(args[2]) == set(GROUPS) - wide


def test_exports_link_the_same_group_and_filters():
    resp, fake = show(ADMIN, path="/can-bo/thong-ke?tu=2026-01-01&khoang=week")
    status = section(resp.text, "status")
    assert (
        "/api/v1/dashboards/dossiers?submitted_from=2026-01-01&amp;group_by=status"
        in status
    )
    assert (
        "format=csv" in status and "format=xlsx" in status and "interval=week" in status
    )
    ((_, _, args, _),) = fake.called("dashboard")
    assert args[1] == {"submitted_from": "2026-01-01"} and args[3] == "week"


def test_an_officer_sees_his_own_work_without_the_per_officer_groups():
    resp, _ = show(OFFICER)
    assert resp.status_code == 200
    assert "Số liệu các hồ sơ được giao cho bạn." in resp.text
    assert section(resp.text, "attention_by_officer") is None
    assert section(resp.text, "status") is not None


def test_a_bad_filter_shows_the_unfiltered_figures_with_a_notice():
    calls = []

    def answer(caller, filters, groups, interval, *rows):
        calls.append(filters)
        if filters:
            raise ValidationFailed("Invalid filter", {"submitted_from": ["invalid"]})
        return BOARD

    resp, _ = show(LEADER, answer, "/can-bo/thong-ke?tu=nope")
    assert resp.status_code == 200 and "Bộ lọc chưa hợp lệ" in resp.text
    assert calls == [{"submitted_from": "nope"}, {}]


OPERATOR = {"user_id": "op", "kind": "operator", "roles": ["operator"]}


def test_the_results_per_agency_are_one_page_sorted_by_its_columns():
    rows = [{"key": f"A{n}", "count": 9 - n, "on_time": 1, "late": 1, "overdue": n,
             "completed": 2, "rate": 0.5} for n in range(3)]  # fmt: skip
    answer = dict(board(performance_by_agency=rows))
    answer["pages"] = {"performance_by_agency": {
        "total": 120, "page": 2, "page_size": 50, "sort": "-overdue"}}  # fmt: skip
    resp, fake = show(
        OPERATOR, answer, "/can-bo/thong-ke?khoang=week&trang_cq=2&sap_xep_cq=-overdue"
    )
    assert resp.status_code == 200
    ((_, _, args, _),) = fake.called("dashboard")
    assert args[3:] == ("week", 2, 50, "-overdue")  # the page asked of the service
    table = section(resp.text, "performance_by_agency")
    assert "Trang 2/3 (120 dòng)" in table
    page = "/can-bo/thong-ke?khoang=week&amp;trang_cq={}&amp;sap_xep_cq={}"
    assert (
        f'href="{page.format(1, "-overdue")}#s-performance_by_agency" rel="prev"'
        in table
    )
    assert (
        f'href="{page.format(3, "-overdue")}#s-performance_by_agency" rel="next"'
        in table
    )
    # the sorted column reverses, another starts from its largest, names ascending
    assert f'aria-sort="descending"><a href="{page.format(1, "overdue")}' in table
    assert f'<a href="{page.format(1, "-rate")}' in table
    assert f'<a href="{page.format(1, "key")}' in table
    # the export is the page shown
    assert "page=2&amp;page_size=50&amp;sort=-overdue" in table
    # a group that is not paged has neither
    assert 'rel="next"' not in section(resp.text, "performance_by_province")


def test_a_citizen_gets_the_forbidden_page():
    resp, _ = show(CITIZEN, Forbidden("Not permitted"))
    assert resp.status_code == 403
