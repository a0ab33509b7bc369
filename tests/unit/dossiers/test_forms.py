"""Form and document validation against a procedure."""

from services.dossiers import forms

FORM = {
    "fields": [
        {"name": "full_name", "type": "text", "required": True, "max_length": 5},
        {"name": "note", "type": "textarea"},
        {"name": "copies", "type": "number", "required": True, "min": 1, "max": 3},
        {"name": "born", "type": "date", "required": True},
        {"name": "result", "type": "select", "options": ["paper", "electronic"]},
        {"name": "abroad", "type": "checkbox"},
    ]
}
DOCS = [
    {"slot": "id_card", "required": True, "max_count": 2},
    {"slot": "photo", "required": False},
]


def test_valid_partial_values_pass():
    assert forms.check_values(FORM, {"full_name": "An", "copies": 2}) == {}


def test_unknown_field_is_named():
    assert forms.check_values(FORM, {"nope": 1}) == {"form.nope": [forms.UNKNOWN]}


def test_each_wrong_type_is_named():
    errors = forms.check_values(
        FORM,
        {
            "full_name": 3,
            "copies": "two",
            "born": "2026-13-01",
            "result": "fax",
            "abroad": "yes",
        },
    )
    assert set(errors) == {
        "form.full_name",
        "form.copies",
        "form.born",
        "form.result",
        "form.abroad",
    }


def test_limits_are_enforced():
    errors = forms.check_values(FORM, {"full_name": "Nguyen Van A", "copies": 9})
    assert set(errors) == {"form.full_name", "form.copies"}
    assert forms.check_values(FORM, {"copies": 0}) == {
        "form.copies": [{"code": "at_least", "params": {"min": 1}}]
    }


def test_booleans_are_not_numbers():
    assert "form.copies" in forms.check_values(FORM, {"copies": True})


def test_complete_check_names_every_missing_required_field():
    errors = forms.check_complete(FORM, {"full_name": ""})
    assert set(errors) == {"form.full_name", "form.copies", "form.born"}


def test_complete_form_passes():
    values = {"full_name": "An", "copies": 1, "born": "2020-01-02"}
    assert forms.check_complete(FORM, values) == {}


def test_missing_required_document_slot_is_named():
    errors = forms.check_documents(DOCS, [{"slot": "photo"}])
    assert errors == {"documents.id_card": [forms.MISSING_DOCUMENT]}


def test_too_many_files_in_a_slot():
    files = [{"slot": "id_card"}] * 3
    assert "documents.id_card" in forms.check_documents(DOCS, files)


def test_documents_complete():
    assert forms.check_documents(DOCS, [{"slot": "id_card"}]) == {}


def test_form_text_collects_strings():
    text = forms.form_text(FORM, {"full_name": "An", "note": "Hà Nội", "copies": 2})
    assert text == "An Hà Nội"
