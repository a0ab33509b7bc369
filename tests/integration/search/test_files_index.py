"""The files index follows the files that exist: a deleted dossier file leaves it,
and a rebuild makes it again from the files service (every stored dossier file, no
deleted one), on the real stack.

A citizen uploads a file to a draft (indexed by its `file_uploaded` event); files
`delete_dossier_files` (the owner) deletes it and announces `files_deleted` through
its outbox, and the index drops it. Another upload's document is removed behind the
index's back and a made-up document is added: `rebuild_index` (the operator) puts
the first back and leaves the second out.
"""

import time
import uuid

import pytest
import requests

from services.shared.caller import SYSTEM
from services.shared.errors import Forbidden
from tests.e2e.conftest import Agency
from tests.e2e.test_api_journey import PDF, login, register_citizen, upload

from .conftest import OPERATOR


def draft_with_a_file(api, agency, citizen):
    body = {"procedure": agency.procedure, "agency": agency.code,
            "form": {"child_name": "Nguyễn Văn An", "copies": 1}}  # fmt: skip
    draft = citizen.post("/api/v1/dossiers", json=body)
    assert draft.status_code == 201, draft.text
    name = f"to-khai-{uuid.uuid4().hex[:8]}.pdf"
    meta = upload(citizen, draft.json()["id"], "to_khai", name, PDF, "application/pdf")
    return draft.json()["id"], meta["id"]


def indexed(rpc, dossier_id):
    found = rpc.call("search", "query_files", SYSTEM, {"dossier_id": dossier_id})
    return sorted(item["id"] for item in found["items"])


def until(fetch, want, timeout=60):
    deadline = time.monotonic() + timeout
    while (got := fetch()) != want and time.monotonic() < deadline:
        time.sleep(0.3)
    return got


def test_deleted_files_leave_the_index_and_a_rebuild_makes_it_from_the_files(
    api, stack, mailbox, rpc
):
    agency = Agency(api, stack)
    email = register_citizen(api, mailbox)
    citizen = login(api, email)
    owner = rpc.call("accounts", "authenticate", citizen.session.headers[
        "Authorization"].split()[1])  # fmt: skip

    deleted, deleted_file = draft_with_a_file(api, agency, citizen)
    assert until(lambda: indexed(rpc, deleted), [deleted_file]) == [deleted_file]
    answer = rpc.call("files", "delete_dossier_files", owner, deleted)
    assert answer["deleted"] == 1
    assert until(lambda: indexed(rpc, deleted), []) == []

    kept, kept_file = draft_with_a_file(api, agency, citizen)
    assert until(lambda: indexed(rpc, kept), [kept_file]) == [kept_file]
    # the index loses the kept file's document and gains one of no file at all
    engine_url = stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    alias = f"{stack.env['PORTAL_INDEX_PREFIX']}files"
    base = engine_url.split(",")[0].rstrip("/")
    url = f"{base}/{alias}/_doc"
    source = requests.get(f"{url}/{kept_file}", timeout=10).json()["_source"]
    ghost = str(uuid.uuid4())
    ghost_doc = dict(source, id=ghost, name="ghost.pdf")
    assert requests.put(f"{url}/{ghost}", json=ghost_doc, timeout=10).ok
    requests.delete(f"{url}/{kept_file}?refresh=true", timeout=10)
    assert indexed(rpc, kept) == [ghost]

    report = rpc.call("search", "rebuild_index", OPERATOR, timeout=120)
    assert report["files"]["source"] == report["files"]["indexed"] >= 1
    assert report["files"]["index"] != report["files"]["previous"]
    assert until(lambda: indexed(rpc, kept), [kept_file]) == [kept_file]
    assert indexed(rpc, deleted) == []


def test_only_the_national_scope_reads_the_files_for_the_index(rpc):
    page = rpc.call("files", "list_for_index", SYSTEM, after=None, limit=2)
    assert all("internal_id" in item and item["dossier_id"] for item in page)
    agency_admin = {"kind": "staff", "roles": ["admin"], "user_id": "a1",
                    "province": "01", "agency": "AG"}  # fmt: skip
    with pytest.raises(Forbidden):
        rpc.call("files", "list_for_index", agency_admin)
