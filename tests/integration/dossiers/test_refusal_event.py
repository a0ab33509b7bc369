"""A refused submission is announced once, with labels, and changes nothing."""

import pytest

from services.shared.errors import ServiceError

from .test_journey import EventTap


@pytest.fixture
def tap(stack):
    tap = EventTap(stack.env["PORTAL_AMQP_URI"])
    yield tap
    tap.close()


def test_a_refused_submission_is_announced_and_leaves_the_dossier_alone(world, tap):
    d = world.draft(form={})
    with pytest.raises(ServiceError) as excinfo:
        world.call("submit_dossier", world.citizen, d["id"])
    assert excinfo.value.code == "DOSSIER_INVALID"
    events = tap.wait(d["id"], 1)
    assert [t for t, _ in events] == ["dossier_submission_refused"]
    body = events[0][1]
    assert {"form.full_name", "form.copies"} <= set(body["problems"])
    assert body["labels"]["form.full_name"]["vi"] == "Họ và tên"
    assert body["version"] == d["version"]
    again = world.call("get_dossier", world.citizen, d["id"])
    assert (again["status"], again["version"]) == ("draft", d["version"])
