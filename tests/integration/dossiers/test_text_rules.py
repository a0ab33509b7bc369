"""The dossiers service refuses unstorable text even when called by RPC directly.

The gateway refuses it first (tests/unit/gateway/test_text_guard.py); these calls
skip the gateway, as another service or a script would.
"""

import pytest

from services.shared.errors import ValidationFailed

BAD = ["a\x00b", "a\ud800b", "\udfff"]


@pytest.mark.parametrize("value", BAD)
def test_a_draft_with_unstorable_form_text_is_refused_by_field(world, value):
    with pytest.raises(ValidationFailed) as refused:
        world.draft(form={"full_name": value, "copies": 1})
    assert "form.full_name" in refused.value.details


@pytest.mark.parametrize("value", BAD)
def test_comments_and_tasks_with_unstorable_text_are_refused(world, value):
    dossier = world.received()
    with pytest.raises(ValidationFailed) as refused:
        world.call("add_comment", world.officer, dossier["id"], {"body": value})
    assert "body" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        world.call("create_task", world.officer, dossier["id"], {"title": value})
    assert "title" in refused.value.details


def test_hostile_but_valid_text_is_stored_as_sent(world):
    value = "\u202e<script>x</script> 👶🏽 Nguye\u0302\u0303n " + "Đ" * 10_000
    dossier = world.draft(form={"full_name": value, "copies": 1})
    assert world.call("get_dossier", world.citizen, dossier["id"])["form"] == {
        "full_name": value,
        "copies": 1,
    }


@pytest.mark.parametrize("page", [10**30, 0, "x"])
def test_a_page_out_of_range_is_refused(world, page):
    with pytest.raises(ValidationFailed) as refused:
        world.call("list_dossiers", world.desk, {"page": page})
    assert "page" in refused.value.details
