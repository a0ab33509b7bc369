"""A comment may reference its own dossier's files only (checked with files)."""

import pytest

from services.shared.errors import ValidationFailed
from tests.integration.files import samples
from tests.integration.files.test_files import upload
from tests.integration.files.test_with_dossiers import (  # noqa: F401 - fixtures
    draft,
    procedure_world,
    real_client,
)


def test_a_comment_cannot_reference_another_dossiers_file(procedure_world, real_client):  # noqa: F811 - fixture
    w = procedure_world
    mine, other = draft(w), draft(w)
    sent = upload(real_client, mine["id"], w.citizen, "a.pdf", samples.pdf(), "to_khai")
    assert sent.status_code == 201, sent.text
    file_id = sent.json["id"]
    body = {"body": "Tôi gửi bổ sung tệp", "file_ids": [file_id]}
    comment = w.call("add_comment", w.citizen, mine["id"], body)
    assert comment["file_ids"] == [file_id]
    with pytest.raises(ValidationFailed) as excinfo:
        w.call("add_comment", w.citizen, other["id"], body)
    assert "file_ids" in excinfo.value.details
    assert w.call("list_comments", w.citizen, other["id"]) == []


def test_a_comment_with_an_unknown_file_id_is_refused(world):
    d = world.submitted()
    body = {"body": "Xem tệp", "file_ids": ["no-such-file"]}
    with pytest.raises(ValidationFailed) as excinfo:
        world.call("add_comment", world.citizen, d["id"], body)
    assert "file_ids" in excinfo.value.details
