"""The national catalogue in the search index, on the real stack.

One procedure code is published in Hà Nội (01) and Hồ Chí Minh City (79) through
the API; the dossiers service announces each change (`procedure_changed`) and the
search service indexes it with its agencies' names. It is found with and without
diacritics, by a cut word and by its code, the asked province first; a new version
is found by its new name; a withdrawn one disappears (and stays out of the
dossiers' catalogue); a document lost behind the index's back is back after a
rebuild, and the withdrawn one stays out.
"""

import uuid

import pytest
import requests

from services.shared.caller import SYSTEM
from services.shared.errors import Forbidden, NotFound
from tests.e2e.conftest import Agency

from .conftest import OPERATOR, wait_until

ANONYMOUS = {"kind": "anonymous"}


def found(rpc, text, province=None):
    answer = rpc.call("search", "search_procedures", ANONYMOUS, text, province)
    return [(item["province"], item["code"]) for item in answer["items"]], answer


def far_agency(agency):
    code = f"Q{uuid.uuid4().hex[:6].upper()}"
    made = agency.operator.post("/api/v1/agencies", json={
        "code": code, "name": "UBND phường Sài Gòn", "province": "79",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    return code


def test_a_procedure_of_two_provinces_is_found_nationally(api, stack, rpc):
    agency = Agency(api, stack)  # publishes `code` in 01 for its agency
    code, far = agency.procedure, far_agency(agency)
    body = dict(agency.procedure_body(), province="79", agencies=[far],
                name=f"Đăng ký khai sinh cho trẻ {code}", documents=[])  # fmt: skip
    made = agency.operator.post("/api/v1/procedures", json=body)
    assert made.status_code == 201, made.text
    both = {("01", code), ("79", code)}

    # diacritics optional; the asked province first, then the rest of the country
    got = wait_until(lambda: set(found(rpc, f"đăng ký khai sinh {code}")[0]) == both)
    assert got, found(rpc, code)
    assert found(rpc, f"dang ky khai sinh {code}", "79")[0] == [
        ("79", code), ("01", code)
    ]  # fmt: skip
    assert found(rpc, f"DANG KY khai sinh {code}", "01")[0][0] == ("01", code)
    assert set(found(rpc, code.lower())[0]) == both  # the code, any case
    assert found(rpc, f"khai si {code}")[0]  # a word cut short
    assert found(rpc, f"kết hôn {code}")[0] == []  # every word must match
    items = found(rpc, code, "79")[1]["items"]
    assert items[0]["agencies"] == [{"code": far, "name": "UBND phường Sài Gòn"}]
    assert (items[0]["fee"], items[0]["level"], items[0]["version"]) == (8000, 3, 1)
    assert items[0]["received_elsewhere"] is True
    # the public API answers the same
    api_answer = api.get(f"/api/v1/search/procedures?q={code}&province=79")
    assert api_answer.status_code == 200, api_answer.text
    assert [i["province"] for i in api_answer.json()["items"]] == ["79", "01"]
    refused = api.get(
        "/api/v1/search/procedures", params={"q": "x" * 201, "province": "7"}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "INVALID_FILTER"
    assert set(refused.json()["error"]["details"]) == {"q", "province"}

    # a new version is found by its new name
    renamed = dict(agency.procedure_body(), name=f"Cấp bản sao trích lục {code}")
    published = agency.operator.put(f"/api/v1/procedures/{code}", json=renamed)
    assert published.status_code == 200, published.text
    assert wait_until(lambda: found(rpc, f"trich luc {code}")[0] == [("01", code)])

    # withdrawn: gone from the search and from the dossiers' catalogue
    withdrawn = agency.operator.delete(
        f"/api/v1/procedures/{code}", params={"province": "79"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_at"]
    assert wait_until(lambda: found(rpc, code)[0] == [("01", code)])
    national = rpc.call("dossiers", "list_procedures", ANONYMOUS, q=code,
                        national=True)  # fmt: skip
    assert [p["province"] for p in national] == ["01"]
    with pytest.raises(NotFound):
        rpc.call("dossiers", "get_procedure", ANONYMOUS, code, "79")
    # withdrawing again changes nothing (no second event)
    again = rpc.call("dossiers", "withdraw_procedure", OPERATOR, code, "79")
    assert again["withdrawn_at"] == withdrawn.json()["withdrawn_at"]

    # 01's document lost behind the index's back; a rebuild brings it back
    engine_url = stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    base = engine_url.split(",")[0].rstrip("/")
    alias = f"{stack.env['PORTAL_INDEX_PREFIX']}procedures"
    lost = requests.delete(f"{base}/{alias}/_doc/01:{code}?refresh=true", timeout=10)
    assert lost.ok, lost.text
    assert found(rpc, code)[0] == []
    report = rpc.call("search", "rebuild_index", OPERATOR, timeout=120)
    rebuilt = report["procedures"]
    assert rebuilt["source"] == rebuilt["indexed"] >= 1
    assert rebuilt["index"] != rebuilt["previous"]
    assert found(rpc, code, "79")[0] == [("01", code)]  # the withdrawn one stays out
    assert found(rpc, f"trich luc {code}")[1]["items"][0]["version"] == 2


def test_only_the_national_scope_reads_the_procedures_for_the_index(rpc):
    page = rpc.call("dossiers", "list_procedures_for_index", SYSTEM, limit=2)
    assert all("internal_id" in item and "revision" in item for item in page)
    agency_admin = {"kind": "staff", "roles": ["admin"], "user_id": "a1",
                    "province": "01", "agency": "AG"}  # fmt: skip
    with pytest.raises(Forbidden):
        rpc.call("dossiers", "list_procedures_for_index", agency_admin)
