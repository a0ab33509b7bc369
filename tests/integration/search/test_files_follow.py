"""A dossier file's copy of its dossier's fields ends at the dossier's newest state,
whatever the order its writes land in (the engine of the run, the search code called
directly, the moment of each write chosen by the test).

A file is indexed from its dossier as read when its `file_uploaded` event is handled,
and each dossier event then sets the dossier's fields on its files with an
`update_by_query`, which finds only the files searches find (refreshed). Two races
lost the newer state: the dossier changing while its file was being indexed (the
event's update ran before the file was searchable), and an older event's update
landing after a newer one's (two events of one dossier handled at once).
"""

import uuid

import pytest

from services.search.dependencies import DossierIndex

from .conftest import snapshot


def event(dossier, version, **changes):
    return {"dossier": dict(dossier, version=version, **changes), "version": version}


def file_of(dossier):
    return {"id": str(uuid.uuid4()), "dossier_id": dossier["id"], "name": "a.pdf",
            "audience": "public", "slot": "to_khai"}  # fmt: skip


def indexed_file(engine, meta):
    engine.refresh(engine.aliases["files"])
    found = engine.mget_sources([meta["id"]], index=engine.aliases["files"])
    return found[meta["id"]]


@pytest.mark.parametrize("lands", ["before", "after"])
def test_a_dossier_changed_while_its_file_is_indexed_is_on_the_file(
    engine, monkeypatch, lands
):
    """The dossier's next event lands between the file's read of its dossier and its
    write, or right after its write (before it is searchable)."""
    index = DossierIndex(engine)
    dossier = snapshot(department="D1", agency="AG")
    index.index_dossier(event(dossier, 1))
    meta = file_of(dossier)
    put = engine.put

    def put_and_change(doc, target, **kwargs):
        monkeypatch.setattr(engine, "put", put)  # once
        if lands == "before":
            index.index_dossier(event(dossier, 2, department="D2", agency="AH"))
        put(doc, target, **kwargs)
        if lands == "after":
            index.index_dossier(event(dossier, 2, department="D2", agency="AH"))

    monkeypatch.setattr(engine, "put", put_and_change)
    index.index_file(meta)

    found = indexed_file(engine, meta)
    assert (found["department"], found["agency"]) == ("D2", "AH")
    assert found["dossier_version"] == 2


def test_an_older_events_update_landing_last_leaves_the_newer_state(
    engine, monkeypatch
):
    """Version 2 is written, then version 3 is handled whole (its update refreshed)
    before version 2's update of the files runs: the files keep version 3."""
    index = DossierIndex(engine)
    dossier = snapshot(department="D1")
    index.index_dossier(event(dossier, 1))
    meta = file_of(dossier)
    index.index_file(meta)
    update = engine.client.update_by_query
    files = engine.aliases["files"]

    def newer_first(*args, **kwargs):
        monkeypatch.setattr(engine.client, "update_by_query", update)  # once
        index.index_dossier(event(dossier, 3, department="D3"))
        engine.refresh(files)  # as this instance's refresher does in 0.1 s
        return update(*args, **kwargs)

    monkeypatch.setattr(engine.client, "update_by_query", newer_first)
    assert index.index_dossier(event(dossier, 2, department="D2")) == "indexed"

    assert engine.get(dossier["id"])["_source"]["department"] == "D3"
    found = indexed_file(engine, meta)
    assert found["department"] == "D3"
    assert found["dossier_version"] == 3


def test_an_update_meeting_a_concurrent_one_is_run_again(engine, monkeypatch):
    """Version 3's update is written while version 2's update is between its search
    and its writes (not refreshed: a version conflict, skipped by the engine): the
    skipped update is run again, and the newest state stays."""
    index = DossierIndex(engine)
    dossier = snapshot(department="D1")
    index.index_dossier(event(dossier, 1))
    meta = file_of(dossier)
    index.index_file(meta)
    index.index_dossier(event(dossier, 2, department="D2"))
    engine.refresh(engine.aliases["files"])
    update = engine.client.update_by_query
    answers = []

    def recorded(*args, **kwargs):
        answers.append(update(*args, **kwargs))
        return answers[-1]

    # a write of the file between the update's search and its write: the file as
    # an event of version 4 leaves it, written behind the search's back
    source = indexed_file(engine, meta)
    changed = dict(source, department="D4", dossier_version=4)
    engine.client.index(index=engine.aliases["files"], id=meta["id"], body=changed)
    monkeypatch.setattr(engine.client, "update_by_query", recorded)
    assert index.index_dossier(event(dossier, 3, department="D3")) == "indexed"

    assert answers[0]["version_conflicts"] == 1  # the search read the file unrefreshed
    assert answers[-1]["version_conflicts"] == 0 and answers[-1]["noops"] == 1
    found = indexed_file(engine, meta)
    assert found["department"] == "D4"
    assert found["dossier_version"] == 4
