"""Per-step time limits: the current step's due date, its state, and the sweep."""

import datetime as dt
import uuid

import pytest

from services.shared.errors import ServiceError

from .conftest import FORM, OPERATOR, PROVINCE
from .test_deadlines import db, set_row  # noqa: F401 - fixture

LIMITS = {"reception": 1, "processing": 2, "approval": 1}


def with_limits(world, limits=LIMITS):
    """Give the world a procedure whose steps carry limits; return its code."""
    world.code = f"S{uuid.uuid4().hex[:6].upper()}"
    world.call(
        "create_procedure",
        OPERATOR,
        {
            "code": world.code,
            "province": PROVINCE,
            "name": "Cấp giấy phép xây dựng",
            "level": 3,
            "processing_days": 10,
            "agencies": [world.agency],
            "form": FORM,
            "step_limits": limits,
        },
    )
    return world.code


def test_each_step_gets_its_own_due_date(world):
    with_limits(world)
    d = world.submitted()
    assert d["step"] == "reception"
    assert d["step_due_date"] is not None
    d = world.act(world.desk, d["id"], "receive", department=world.department)
    assert d["step"] == "processing"
    assert d["step_state"] in ("on_time", "due_soon")
    due = dt.date.fromisoformat(d["step_due_date"])
    assert due < dt.date.fromisoformat(d["appointment_date"])
    d = world.act(world.officer, d["id"], "send_for_approval")
    assert d["step"] == "approval"


def test_a_step_over_its_limit_turns_overdue_while_the_legal_deadline_holds(
    world,
    db,  # noqa: F811 - fixture
):
    with_limits(world)
    d = world.received()
    past = dt.date.today() - dt.timedelta(days=7)
    set_row(db, "dossiers", d["id"], step_due_date=past)
    world.call("sweep_deadlines", OPERATOR)
    after = world.call("get_dossier", world.admin, d["id"])
    assert after["step_state"] == "overdue"
    assert after["deadline_state"] in ("on_time", "due_soon")
    assert after["version"] == d["version"] + 1


def test_a_procedure_without_limits_has_no_step_due_date(world):
    d = world.received()
    assert d["step"] == "processing"
    assert d["step_due_date"] is None and d["step_state"] is None


def test_a_limit_for_an_unknown_step_is_refused(world):
    with pytest.raises(ServiceError) as excinfo:
        with_limits(world, {"archiving": 2})
    assert excinfo.value.code == "VALIDATION_ERROR"
