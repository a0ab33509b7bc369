"""What an edit changed, field by field (the history's old → new lines)."""

from services.dossiers import changes


def test_only_the_fields_whose_value_differs_are_listed_in_order():
    old = {"child_name": "An", "copies": 1, "born": None}
    new = {"child_name": "An", "copies": 3, "born": "2026-01-02"}
    assert changes.diff(old, new, ["copies", "child_name", "born"]) == [
        {"field": "copies", "old": 1, "new": 3},
        {"field": "born", "old": None, "new": "2026-01-02"},
    ]


def test_every_key_by_default_and_a_new_key_has_no_old_value():
    assert changes.diff({}, {"a": 1}) == [{"field": "a", "old": None, "new": 1}]
    assert changes.diff({"a": 1}, {"a": 1}) == []


def test_a_file_added_is_a_change_of_its_slot():
    assert changes.file_added("to_khai", "Tờ khai.pdf") == [
        {"field": "to_khai", "old": None, "new": "Tờ khai.pdf"}
    ]
