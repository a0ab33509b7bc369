"""Every message the dossiers service raises reads in Vietnamese at the gateway."""

import pytest

import gateway.resources.dossiers  # noqa: F401 - registers the service's messages
from gateway.i18n import translate
from services.dossiers import claims, forms, references, work

MESSAGES = [
    forms.MISSING,
    forms.UNKNOWN,
    forms.NOT_STRING,
    forms.NOT_NUMBER,
    forms.NOT_DATE,
    forms.NOT_BOOL,
    forms.NOT_OPTION,
    forms.TOO_LONG.format(200),
    forms.TOO_SMALL.format(1),
    forms.TOO_BIG.format(10),
    forms.MISSING_DOCUMENT,
    forms.TOO_MANY_FILES.format(1),
    forms.TOO_MANY_FILES.format(3),
    forms.TOO_MANY_FILES.format(100),
    work.UNKNOWN_FILE,
    references.NOT_STAFF,
    references.NO_DEPARTMENT,
    references.NOT_ONLINE,
    references.NOT_OWN_AGENCY,
    claims.MISMATCH,
    "Unknown agency.",
    "The agency is not open on this day.",
    "The agency is not in the procedure's province.",
    "Not a valid national ID.",
    "Not a valid tax code.",
    "Not a valid phone number.",
    "An e-mail or a phone number is required.",
    "Give either the national ID or the access code.",
]


@pytest.mark.parametrize("message", MESSAGES)
def test_each_message_has_a_vietnamese_translation(message):
    assert translate(message, "vi") != message
    assert translate(message, "en") == message


def test_the_file_limit_keeps_its_number_in_vietnamese():
    assert "3" in translate(forms.TOO_MANY_FILES.format(3), "vi")


def test_too_many_files_in_a_slot_is_reported_with_its_limit():
    documents = [{"slot": "photo", "name": "Ảnh", "max_count": 2}]
    files = [{"slot": "photo"}] * 3
    errors = forms.check_documents(documents, files)
    assert errors == {"documents.photo": [forms.TOO_MANY_FILES.format(2)]}


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
    assert "file_ids" in excinfo.value.details
