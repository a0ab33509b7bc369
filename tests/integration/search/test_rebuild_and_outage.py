"""Rebuild into a new versioned index; the engine unreachable, then back."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests

from services.search import rebuild
from services.search.dependencies import DossierIndex
from services.search.engine import Engine
from services.search.exceptions import RebuildFailed, SearchUnavailable
from tests.stack import ROOT

from .conftest import OPERATOR, snapshot, unique_province, wait_until

# long enough that a rebuild began right after an instance last looked is still
# in that instance's view of it (creating an index may take a second here)
REBUILD_POLL = 3.0


class FakeSource:
    """Stands in for dossiers.list_for_index: pages by internal_id."""

    def __init__(self, snapshots):
        self.rows = [dict(s, internal_id=i + 1) for i, s in enumerate(snapshots)]

    def __call__(self, after, limit):
        start = after or 0
        return [r for r in self.rows if r["internal_id"] > start][:limit]


def test_rebuild_builds_next_version_and_switches_the_alias(engine):
    index = DossierIndex(engine)
    old = snapshot()
    index.index_dossier({"dossier": old, "version": 1})
    source = FakeSource(
        [old, snapshot(), snapshot(status="draft"), snapshot(), snapshot()]
    )

    report = rebuild.rebuild(index, source, batch=2)

    assert report["index"].endswith("dossiers-v2")
    assert report["previous"].endswith("dossiers-v1")
    assert engine.current_index() == report["index"]
    assert not engine.client.indices.exists(index=report["previous"])
    assert engine.count() == 4  # the draft is not indexed
    assert rebuild.check(index, source, batch=2)["consistent"] is True


def test_failed_rebuild_keeps_the_alias_on_the_old_index(engine):
    index = DossierIndex(engine)
    index.index_dossier({"dossier": snapshot(), "version": 1})
    before = engine.current_index()
    source = FakeSource([snapshot(), snapshot(submitted_at="not a date")])

    with pytest.raises(RebuildFailed):
        rebuild.rebuild(index, source)

    assert engine.current_index() == before
    assert not engine.client.indices.exists(index=engine.index_name(2))


def test_check_reports_missing_documents(engine):
    index = DossierIndex(engine)
    index.index_dossier({"dossier": snapshot(), "version": 1})
    report = rebuild.check(index, FakeSource([snapshot(), snapshot()]))
    assert report == {"source": 2, "indexed": 1, "consistent": False}


def event(snapshot, version, **changes):
    return {"dossier": dict(snapshot, version=version, **changes), "version": version}


def test_an_event_is_two_engine_requests_and_none_to_a_rebuild(engine, monkeypatch):
    engine.rebuild_poll = 60.0  # it looks for a rebuild once, at the first event
    index = DossierIndex(engine)
    dossier = snapshot(department="D1")
    task = {"id": 1, "title": "Thẩm định", "assignee": "o1", "status": "open"}
    index.index_dossier(event(dossier, 1))  # creates the indexes, looks once
    meta = {"id": str(uuid.uuid4()), "dossier_id": dossier["id"], "name": "a.pdf"}
    index.index_file(meta)
    engine.refresh(engine.aliases["files"])  # its dossier's update finds it
    sent = []
    perform = engine.client.transport.perform_request

    def recorded(method, url, *args, **kwargs):
        sent.append(f"{method} {url}")
        return perform(method, url, *args, **kwargs)

    monkeypatch.setattr(engine.client.transport, "perform_request", recorded)
    moved = event(dossier, 3, department="D2", tasks=[task])
    assert index.index_dossier(moved) == "indexed"
    assert [line.split("?")[0] for line in sent] == [
        "POST /_bulk",  # the dossier and its task
        f"POST /{engine.aliases['files']}/_update_by_query",
    ]
    assert index.index_dossier(event(dossier, 2, department="D9")) == "stale"
    stale = [line.split("?")[0] for line in sent[2:]]
    files = engine.aliases["files"]
    assert [line.split(" ")[0] for line in stale[:2]] == ["POST", "GET"]
    # the files' update with the indexed source; when the index has not been
    # refreshed since the update just before (version 3), that update's write is a
    # conflict for this one's search: the files index is refreshed and it runs again
    assert stale[2:] in (
        [f"POST /{files}/_update_by_query"],
        [
            f"POST /{files}/_update_by_query",
            f"POST /{files}/_refresh",
            f"POST /{files}/_update_by_query",
        ],
    ), stale
    assert not [line for line in sent if "rebuilding" in line]

    engine.refresh_all()
    assert engine.get(dossier["id"])["_source"]["department"] == "D2"
    tasks = engine.mget_sources([f"{dossier['id']}:1"], index=engine.aliases["tasks"])
    assert tasks[f"{dossier['id']}:1"]["department"] == "D2"
    files = engine.mget_sources([meta["id"]], index=engine.aliases["files"])
    assert files[meta["id"]]["department"] == "D2"  # not the stale event's D9


def test_a_rebuild_that_begins_between_events_loses_none(engine, monkeypatch, stack):
    """An instance that looked for a rebuild just before it began, and writes a
    change right after the rebuild read that dossier, still writes it to the new
    index: the rebuild waits until every instance's view of it is renewed."""
    engine.rebuild_poll = REBUILD_POLL
    index = DossierIndex(engine)
    dossiers = [snapshot() for _ in range(3)]
    source = FakeSource(dossiers)
    # the rebuild's own engine (another process): it sees its rebuild at once
    url = stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    rebuilder = Engine(url, engine.prefix, rebuild_poll=REBUILD_POLL)
    for dossier in dossiers:
        index.index_dossier(event(dossier, 1))  # the instance looks: no rebuild
    read = source.__call__

    def read_then_change(after, limit):
        page = read(after, limit)
        if after is None:  # the first dossier changes once the rebuild has read it
            source.rows[0] = dict(source.rows[0], status="completed", version=2)
            index.index_dossier(event(dossiers[0], 2, status="completed"))
        return page

    try:
        report = rebuild.rebuild(DossierIndex(rebuilder), read_then_change, batch=10)
    finally:
        rebuilder.close()

    assert report["index"].endswith("dossiers-v2")
    found = engine.get(dossiers[0]["id"])["_source"]
    assert (found["version"], found["status"]) == (2, "completed")
    # an instance that still thinks the rebuild runs finds its alias gone: no error
    monkeypatch.setattr(engine, "building", lambda kind="dossiers": True)
    assert index.index_dossier(event(dossiers[1], 2, status="completed")) == "indexed"
    assert engine.get(dossiers[1]["id"])["_source"]["status"] == "completed"


def start_search(stack, **env):
    log = open(stack.log_dir / "search-unreachable.log", "ab")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "services.shared.runner", "search"],
        cwd=ROOT,
        env=dict(stack.env, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def health(rpc):
    try:
        return rpc.call("search", "health", timeout=3)
    except Exception:  # noqa: BLE001 - not up yet
        return {}


def test_engine_unreachable_then_back_loses_no_event(stack, rpc, publish, ids_visible):
    province = unique_province()
    docs = [snapshot(province=province) for _ in range(3)]
    stack.stop_process("search")
    closed = start_search(
        stack,
        PORTAL_OPENSEARCH_URL="http://127.0.0.1:9",
        PORTAL_SEARCH_RETRY_DELAY="0.3",
    )
    try:
        down = wait_until(lambda: health(rpc).get("opensearch", "ok") != "ok", 60)
        assert down
        assert health(rpc)["opensearch"].startswith("error")
        ready = requests.get(f"{stack.url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"]["opensearch"].startswith("error")
        with pytest.raises(SearchUnavailable) as info:
            rpc.call("search", "query", OPERATOR, {"province": province})
        assert info.value.code == "SEARCH_UNAVAILABLE"
        for doc in docs:
            publish("dossier_submitted", doc)
        time.sleep(2)  # the instance tries them, fails, puts them back
    finally:
        os.killpg(closed.pid, signal.SIGTERM)
        closed.wait(30)
        stack.start_service("search")
    expected = {d["id"] for d in docs}
    # Wait for the whole set: the first event indexed must not end the wait early.
    assert wait_until(lambda: visible_or_none(ids_visible, province) == expected, 90), (
        visible_or_none(ids_visible, province)
    )


def visible_or_none(ids_visible, province):
    try:
        return ids_visible(OPERATOR, province=province)
    except Exception:  # noqa: BLE001 - the service is restarting
        return None


def test_dashboard_counts_and_deadline_figures(publish, rpc):
    province = unique_province()
    docs = [
        snapshot(
            province=province, status="completed", deadline_state="completed_on_time"
        ),
        snapshot(
            province=province, status="completed", deadline_state="completed_late"
        ),
        snapshot(
            province=province, status="completed", deadline_state="completed_on_time"
        ),
        snapshot(
            province=province, deadline_state="overdue", days_late=5, assignees=["o1"]
        ),
        snapshot(province=province, deadline_state="due_soon", assignees=["o1"]),
    ]
    for doc in docs:
        publish("dossier_submitted", doc)

    def board():
        return rpc.call("search", "dashboard", OPERATOR, {"province": province})

    assert wait_until(lambda: board()["total"] == 5)
    groups = board()["groups"]
    assert {r["key"]: r["count"] for r in groups["status"]} == {
        "completed": 3,
        "processing": 2,
    }
    assert groups["on_time_rate"] == {
        "completed": 3,
        "on_time": 2,
        "late": 1,
        "rate": 0.6667,
    }
    assert groups["attention_by_officer"] == [
        {"key": "o1", "count": 2, "due_soon": 1, "overdue": 1}
    ]
    late = {r["key"]: r["count"] for r in groups["overdue_by_days_late"]}
    assert late["4-7"] == 1
    assert groups["month"] == [{"key": "2025-03-01", "count": 5}]
