"""A slot's file limit and a comment's file references, as field details."""

import pytest

from services.dossiers import forms, work


def test_too_many_files_in_a_slot_is_reported_with_its_limit():
    documents = [{"slot": "photo", "name": "Ảnh", "max_count": 2}]
    files = [{"slot": "photo"}] * 3
    errors = forms.check_documents(documents, files)
    assert errors == {
        "documents.photo": [{"code": "too_many_files", "params": {"max": 2}}]
    }


class Files:
    def __init__(self, ids):
        self.known = ids

    def ids(self, dossier_id):
        return self.known


class Dossier:
    public_id = "d-1"


def test_a_comment_may_reference_its_own_dossiers_files():
    work.check_file_refs(Files({"f1", "f2"}), Dossier(), ["f1"])
    work.check_file_refs(None, Dossier(), [])


@pytest.mark.parametrize("known", [{"f1"}, None])
def test_a_comment_referencing_another_file_is_refused(known):
    from services.shared.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as excinfo:
        work.check_file_refs(
            Files(known), Dossier(), ["f1", "other"] if known else ["f1"]
        )
    assert excinfo.value.details["file_ids"][0] == "not_dossier_file"
