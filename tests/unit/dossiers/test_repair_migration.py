"""The 0004 migration repairs stored text without touching valid text."""

import importlib.util
from pathlib import Path

import pytest

PATH = (
    Path(__file__).resolve().parents[3]
    / "services/dossiers/migrations/versions/0006_repair_unstorable_text.py"
)


@pytest.fixture(scope="module")
def migration():
    spec = importlib.util.spec_from_file_location("repair_0004", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lone_surrogates_and_nul_are_repaired(migration):
    stored = {"name": "a\ud800b\x00c", "list": ["\udfff"], "k\x00": 1}
    assert migration.repaired(stored) == {
        "name": "a\ufffdbc",
        "list": ["\ufffd"],
        "k": 1,
    }


def test_valid_text_comes_back_unchanged(migration):
    value = {"name": "Nguyễn 👶🏽 \u202e<b>", "n": 2, "ok": True, "none": None}
    assert migration.repaired(value) == value
