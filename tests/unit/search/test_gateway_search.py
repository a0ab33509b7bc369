"""The gateway's search area: HTTP to RPC, exports and charts, with a fake pool."""

import io

import falcon.testing
import pytest
from openpyxl import load_workbook

from gateway import settings
from gateway.app import create_app
from gateway.rpc import RpcPool
from services.search.exceptions import InvalidFilter, SearchUnavailable
from services.shared import config

OFFICER = {"user_id": "o1", "kind": "staff", "roles": ["leader"], "province": "01"}
ITEM = {
    "id": "d1",
    "receipt_number": "AG-250101-0001",
    "procedure": {"code": "KS", "name": "Đăng ký khai sinh"},
    "applicant": {"full_name": "Nguyễn Thị Hằng"},
    "status": "processing",
}
BOARD = {
    "total": 3,
    "groups": {
        "status": [{"key": "processing", "count": 2}, {"key": "completed", "count": 1}],
        "month": [{"key": "2025-02-01", "count": 1}, {"key": "2025-03-01", "count": 2}],
        "agency": [{"key": "000.00.01.H26", "count": 3}],
    },
}
AGENCIES = [{"code": "000.00.01.H26", "name": "UBND tỉnh Hưng Yên"}]


class FakeRpc(RpcPool):
    """Answers authenticate and the search RPCs; records the calls."""

    def __init__(self, fail=None):
        super().__init__("amqp://unused")
        self.calls, self.fail = [], fail

    def call(self, service, method, *args, request_id=None, timeout=None, **kw):
        self.calls.append((service, method, args))
        if method == "authenticate":
            return dict(OFFICER)
        if self.fail:
            raise self.fail
        if service == "accounts":
            return AGENCIES if method == "list_agencies" else []
        if method == "query":
            page = args[3] or 1
            return {"items": [ITEM] if page == 1 else [], "total": 1}
        groups = args[2] or list(BOARD["groups"])
        return {"total": 3, "groups": {g: BOARD["groups"][g] for g in groups}}


def client(rpc):
    cfg = config.load(settings.SETTINGS)
    return falcon.testing.TestClient(
        create_app(rpc, cfg), headers={"Authorization": "Bearer t"}
    )


def test_list_passes_filters_and_paging_to_query():
    rpc = FakeRpc()
    result = client(rpc).simulate_get(
        "/api/v1/search/dossiers",
        query_string="status=processing&status=completed&q=hang&page=2&sort=fee"
        "&from=2025-01-01",
    )
    assert result.status_code == 200
    service, method, args = rpc.calls[-1]
    assert (service, method) == ("search", "query")
    assert args[1] == {
        "status": ["processing", "completed"],
        "q": "hang",
        "submitted_from": "2025-01-01",
    }
    assert args[2:] == ("fee", "2", None)


def test_list_exports_csv_with_vietnamese_text():
    result = client(FakeRpc()).simulate_get(
        "/api/v1/search/dossiers", params={"format": "csv"}
    )
    assert result.headers["content-type"].startswith("text/csv")
    assert "Nguyễn Thị Hằng" in result.text
    assert "AG-250101-0001" in result.text


def test_dashboard_group_exports_xlsx():
    result = client(FakeRpc()).simulate_get(
        "/api/v1/dashboards/dossiers", params={"format": "xlsx", "group_by": "status"}
    )
    sheet = load_workbook(io.BytesIO(result.content)).active
    assert [c.value for c in sheet[1]] == ["Mã", "Tên", "Số hồ sơ"]
    assert [c.value for c in sheet[2]] == ["processing", "Đang xử lý", 2]


def test_dashboard_exports_name_agencies_not_only_their_codes():
    result = client(FakeRpc()).simulate_get(
        "/api/v1/dashboards/dossiers", params={"format": "csv", "group_by": "agency"}
    )
    assert "000.00.01.H26,UBND tỉnh Hưng Yên,3" in result.text
    chart = client(FakeRpc()).simulate_get(
        "/api/v1/dashboards/dossiers.svg", params={"group_by": "agency"}
    )
    assert "UBND tỉnh Hưng Yên: 3" in chart.text and 'role="img"' in chart.text


def test_dashboard_chart_is_svg_without_script():
    result = client(FakeRpc()).simulate_get(
        "/api/v1/dashboards/dossiers.svg", params={"group_by": "month"}
    )
    assert result.headers["content-type"].startswith("image/svg+xml")
    assert result.text.startswith("<svg") and "<polyline" in result.text
    assert "<script" not in result.text


def test_printable_dashboard_embeds_chart_and_table():
    result = client(FakeRpc()).simulate_get(
        "/api/v1/dashboards/dossiers", params={"format": "html"}
    )
    assert "<svg" in result.text and "<table" in result.text


def test_unknown_format_is_invalid_filter():
    result = client(FakeRpc()).simulate_get(
        "/api/v1/search/dossiers", params={"format": "pdf"}
    )
    assert result.status_code == 422
    assert result.json["error"]["code"] == "INVALID_FILTER"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (
            SearchUnavailable("Search is temporarily unavailable"),
            503,
            "SEARCH_UNAVAILABLE",
        ),
        (
            InvalidFilter("Invalid filter", {"colour": ["Unknown field."]}),
            422,
            "INVALID_FILTER",
        ),
    ],
)
def test_service_errors_keep_their_status_and_code(error, status, code):
    result = client(FakeRpc(fail=error)).simulate_get("/api/v1/search/dossiers")
    assert result.status_code == status
    assert result.json["error"]["code"] == code
