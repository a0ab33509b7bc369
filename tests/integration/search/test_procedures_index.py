"""The national catalogue in the search index, on the real stack.

One procedure code is published in Hà Nội (01) and Hồ Chí Minh City (79) through
the API; the dossiers service announces each change (`procedure_changed`) and the
search service indexes it with its agencies' names. It is found with and without
diacritics, by a cut word and by its code, the asked province first; a new version
is found by its new name; a withdrawn one disappears (and stays out of the
dossiers' catalogue); a document lost behind the index's back is back after a
rebuild, and the withdrawn one stays out. A new or never filled index fills
itself from the dossiers service (once, in the background, retried while dossiers
does not answer), keeping what newer events wrote.
"""

import os
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from services.search import rebuild
from services.search.dependencies import DossierIndex
from services.search.engine import Engine
from services.shared.caller import SYSTEM
from services.shared.errors import Forbidden, NotFound, Unavailable
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

    # its managers see it withdrawn; publishing a new version offers it again
    def withdrawn_in_79():
        listed = rpc.call("dossiers", "list_withdrawn_procedures", OPERATOR, "79")
        return {p["code"]: p for p in listed}

    assert withdrawn_in_79()[code]["withdrawn_at"] == withdrawn.json()["withdrawn_at"]
    offered = agency.operator.put(f"/api/v1/procedures/{code}", json=body)
    assert offered.status_code == 200, offered.text
    assert code not in withdrawn_in_79()
    assert wait_until(lambda: set(found(rpc, code)[0]) == both)


def test_only_the_national_scope_reads_the_procedures_for_the_index(rpc):
    page = rpc.call("dossiers", "list_procedures_for_index", SYSTEM, limit=2)
    assert all("internal_id" in item and "revision" in item for item in page)
    agency_admin = {"kind": "staff", "roles": ["admin"], "user_id": "a1",
                    "province": "01", "agency": "AG"}  # fmt: skip
    with pytest.raises(Forbidden):
        rpc.call("dossiers", "list_procedures_for_index", agency_admin)


def entry(code, revision, **changed):
    """A procedure as dossiers `list_procedures_for_index` lists it."""
    return dict(dict(
        code=code, province="01", name=f"Cấp giấy phép {code}", name_en=None,
        level=2, fee=0, agencies=["AG1"], received_elsewhere=True, version=1,
        revision=revision,
    ), **changed)  # fmt: skip


class Listing:
    """Stands in for `list_procedures_for_index`: pages by internal id; `fail_after`
    reads answer, then dossiers is gone."""

    def __init__(self, entries, fail_after=None):
        self.rows = [dict(e, internal_id=i + 1) for i, e in enumerate(entries)]
        self.reads, self.fail_after = 0, fail_after

    def __call__(self, after, limit):
        if self.fail_after is not None and self.reads >= self.fail_after:
            raise Unavailable("dossiers is gone", {"service": ["dossiers"]})
        self.reads += 1
        return [r for r in self.rows if r["internal_id"] > (after or 0)][:limit]


def named(codes):
    return {code: "UBND phường Ba Đình" for code in codes}


def offered(engine):
    engine.refresh(engine.aliases["procedures"])
    page = DossierIndex(engine).search_procedures(None, None, 1, 100)
    return {item["code"]: item for item in page["items"]}


def test_the_catalogue_index_fills_itself_once_keeping_newer_events(stack, engine):
    url = stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    kept, gone, renamed, more = (f"F{uuid.uuid4().hex[:6].upper()}" for _ in "1234")
    # events handled before the fill (the index exists, never filled): one
    # procedure withdrawn, one renamed, both after the listing below was read
    index = DossierIndex(engine)
    index.index_procedure({"change": "withdrawn", "revision": 3,
                           "procedure": entry(gone, 3)})  # fmt: skip
    index.index_procedure({"change": "published", "revision": 4,
                           "procedure": entry(renamed, 4, name="Tên mới")})  # fmt: skip
    listing = Listing([entry(kept, 1), entry(gone, 2), entry(renamed, 3)])

    # dossiers gone halfway: nothing marked, the next try fills it
    broken = Listing(listing.rows, fail_after=1)
    with pytest.raises(Unavailable):
        rebuild.fill_procedures(index, broken, named, batch=2)
    assert not Engine(url, engine.prefix).is_filled("procedures")

    # two instances starting at once both fill: the same documents, once
    fresh = [Engine(url, engine.prefix) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(
            lambda e: rebuild.fill_procedures(DossierIndex(e), listing, named, 2),
            fresh,
        ))  # fmt: skip
    assert {"source": 3, "index": engine.aliases["procedures"]} in reports
    found = offered(engine)
    assert set(found) == {kept, renamed}  # the withdrawn one stays out
    assert found[renamed]["name"] == "Tên mới"  # the newer event's document kept
    assert found[kept]["agencies"] == [{"code": "AG1", "name": "UBND phường Ba Đình"}]

    # filled: a later start reads nothing, even with dossiers down
    later = Engine(url, engine.prefix)
    down = Listing([], fail_after=0)
    assert rebuild.fill_procedures(DossierIndex(later), down, named) is None
    assert down.reads == 0
    # a rebuilt index is filled by construction
    listing.rows.append(dict(entry(more, 1), internal_id=9))
    rebuild.rebuild_procedures(index, listing, named)
    assert rebuild.fill_procedures(DossierIndex(Engine(url, engine.prefix)), down,
                                   named) is None  # fmt: skip
    for client in fresh + [later]:
        client.close()


def test_search_fills_an_emptied_catalogue_at_start_once_dossiers_answers(
    api, stack, rpc
):
    agency = Agency(api, stack)  # publishes its procedure in 01
    code = agency.procedure
    assert wait_until(lambda: found(rpc, code)[0] == [("01", code)])
    engine_url = stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    base = engine_url.split(",")[0].rstrip("/")
    pattern = f"{stack.env['PORTAL_INDEX_PREFIX']}procedures*"

    # the catalogue index lost while search and dossiers are down
    for name in ("search", "dossiers"):  # signalled together, then each waited
        os.killpg(stack.processes[name].pid, signal.SIGTERM)
    for name in ("search", "dossiers"):
        stack.stop_process(name)
    try:
        lost = requests.delete(f"{base}/{pattern}", timeout=30,
                               params={"expand_wildcards": "all"})  # fmt: skip
        assert lost.ok, lost.text
        stack.env["PORTAL_SEARCH_FILL_EVERY"] = "1"
        try:
            stack.start_service("search")
        finally:
            del stack.env["PORTAL_SEARCH_FILL_EVERY"]
        # search starts and answers without dossiers: an empty catalogue
        assert wait_until(lambda: answers(rpc, code) == [], 60)
    finally:
        stack.start_service("dossiers")
    assert wait_until(lambda: answers(rpc, code) == [("01", code)], 60)


def answers(rpc, code):
    try:
        return found(rpc, code)[0]
    except Exception:  # noqa: BLE001 - search is still starting
        return None
