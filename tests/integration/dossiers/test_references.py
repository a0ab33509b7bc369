"""Every reference is checked where it enters (issue 11, item 4), on the real stack.

Assignees against accounts' staff of the dossier's department, the receiving agency
against accounts' agencies (exists, open today, the procedure's province and list),
the procedure's level against what is done online, and who may manage a procedure.
"""

import time
import uuid

import pytest

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

from .conftest import FORM, OPERATOR, PROVINCE, citizen, staff


def refused(call, *args, **kwargs):
    with pytest.raises(ServiceError) as excinfo:
        call(*args, **kwargs)
    return excinfo.value


def agency(rpc, province=PROVINCE, replaces=None):
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    body = {"code": code, "name": "UBND phường", "province": province}
    if replaces:
        body["replaces"] = replaces
    rpc.call("accounts", "create_agency", SYSTEM, body)
    return code


def procedure(world, level=3, agencies=None, caller=OPERATOR):
    code = f"Q{uuid.uuid4().hex[:6].upper()}"
    body = {
        "code": code,
        "province": PROVINCE,
        "name": "Thủ tục thử",
        "level": level,
        "processing_days": 3,
        "agencies": [world.agency] if agencies is None else agencies,
        "form": FORM,
    }
    world.call("create_procedure", caller, body)
    return code


def draft(world, code, agency_code=None):
    body = {
        "procedure": code,
        "agency": agency_code or world.agency,
        "form": {"full_name": "Nguyễn Văn Bình", "copies": 1},
    }
    return world.call("create_dossier", world.citizen, body)


def paper_body(world, code=None, **applicant):
    person = {"full_name": "Lê Văn C", "national_id": "001090123456"}
    person["phone"] = "0912345678"
    return {
        "procedure": code or world.code,
        "department": world.department,
        "applicant": dict(person, **applicant),
        "form": {"full_name": "Lê Văn C", "copies": 1},
    }


# --- assignees -------------------------------------------------------------------


def test_an_action_refuses_an_assignee_who_is_not_staff_of_the_department(world):
    w = world
    other_department = w.member("officer", department=_department(w, "KHAC"))
    gone = w.member("officer")
    w.rpc.call("accounts", "deactivate_user", SYSTEM, gone["user_id"])
    d = w.submitted()
    for someone in (w.citizen, other_department, gone, {"user_id": "nobody"}):
        err = refused(
            w.act, w.desk, d["id"], "receive", department=w.department,
            assignee=someone["user_id"],
        )  # fmt: skip
        assert (err.code, list(err.details)) == ("ASSIGNEE_NOT_STAFF", ["assignee"])
    assert w.call("get_dossier", w.desk, d["id"])["status"] == "waiting_reception"
    taken = w.act(
        w.desk, d["id"], "receive", department=w.department,
        assignee=w.officer["user_id"],
    )  # fmt: skip
    assert taken["assignees"] == [w.officer["user_id"]]


def test_a_task_is_given_only_to_staff_of_the_dossiers_department(world):
    w = world
    d = w.received()
    outsider = World2(w).officer
    operators = w.rpc.call("accounts", "list_staff", SYSTEM, None, None, "operator")
    assert operators, "the stack has its national operator"
    person = _citizen_account(w.rpc)
    for someone in (person, outsider["user_id"], operators[0]["id"]):
        err = refused(
            w.call, "create_task", w.leader, d["id"],
            {"title": "Xác minh", "assignee": someone},
        )  # fmt: skip
        assert (err.code, list(err.details)) == ("ASSIGNEE_NOT_STAFF", ["assignee"])
    assert w.call("list_tasks", w.leader, d["id"]) == []
    task = w.call(
        "create_task", w.leader, d["id"],
        {"title": "Xác minh", "assignee": w.officer["user_id"]},
    )  # fmt: skip
    err = refused(
        w.call, "update_task", w.leader, d["id"], task["id"],
        {"assignee": w.citizen["user_id"]},
    )  # fmt: skip
    assert err.code == "ASSIGNEE_NOT_STAFF"
    moved = w.call(
        "update_task", w.leader, d["id"], task["id"],
        {"assignee": w.officer2["user_id"]},
    )  # fmt: skip
    assert moved["assignee"] == w.officer2["user_id"]


def test_a_task_on_a_dossier_without_department_is_refused(world):
    w = world
    d = w.submitted()
    err = refused(
        w.call, "create_task", w.admin, d["id"],
        {"title": "Xác minh", "assignee": w.officer["user_id"]},
    )  # fmt: skip
    assert err.code == "ASSIGNEE_NOT_STAFF"


def test_assignee_check_answers_503_while_accounts_is_down(world, stack, rpc):
    w = world
    d = w.submitted()
    stack.stop_process("accounts")
    try:
        err = refused(
            w.act, w.desk, d["id"], "receive", department=w.department,
            assignee=w.officer["user_id"],
        )  # fmt: skip
        assert (err.status, err.code) == (503, "ACCOUNTS_UNAVAILABLE")
    finally:
        stack.start_service("accounts")
        _wait_accounts(rpc)
    assert w.call("get_dossier", w.desk, d["id"])["status"] == "waiting_reception"


def test_a_submission_answers_503_while_files_is_down_never_judged_on_no_files(
    world, stack, rpc
):
    """The files a submission is judged against come from the files service only:
    while it is down the submit is 503 FILES_UNAVAILABLE and the draft stays one."""
    w = world
    d = w.draft()
    stack.stop_process("files")
    try:
        err = refused(w.call, "submit_dossier", w.citizen, d["id"])
        assert (err.status, err.code) == (503, "FILES_UNAVAILABLE")
    finally:
        stack.start_service("files")
        _wait_for(rpc, "files")
    assert w.call("get_dossier", w.citizen, d["id"])["status"] == "draft"
    assert w.call("submit_dossier", w.citizen, d["id"])["status"] != "draft"


def _wait_for(rpc, service, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return rpc.call(service, "health", timeout=3)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise AssertionError(f"{service} did not come back")


# --- the receiving agency --------------------------------------------------------


def test_an_online_dossier_names_an_agency_that_exists_is_open_and_listed(world):
    w, rpc = world, world.rpc
    closed = agency(rpc)
    agency(rpc, replaces=closed)  # closes `closed` the day before today
    elsewhere = agency(rpc, province="79")
    unlisted = agency(rpc)
    code = procedure(w, agencies=[w.agency, closed, elsewhere, "NO.SUCH.AGENCY"])
    cases = {
        "NO.SUCH.AGENCY": "AGENCY_UNKNOWN",
        closed: "AGENCY_CLOSED",
        elsewhere: "AGENCY_OUTSIDE_PROVINCE",
        unlisted: "AGENCY_NOT_LISTED",
    }
    for agency_code, expected in cases.items():
        err = refused(draft, w, code, agency_code)
        assert (err.status, err.code, list(err.details)[0]) == (422, expected, "agency")
    assert draft(w, code)["status"] == "draft"


def test_a_draft_is_not_submitted_to_an_agency_closed_since(world):
    w, rpc = world, world.rpc
    soon_closed = agency(rpc)
    code = procedure(w, agencies=[soon_closed])
    d = draft(w, code, soon_closed)
    successor = agency(rpc, replaces=soon_closed)
    err = refused(w.call, "submit_dossier", w.citizen, d["id"])
    assert (err.code, err.details["successor"]) == ("AGENCY_CLOSED", [successor])


def test_the_desk_of_a_closed_agency_cannot_register_paper_dossiers(world):
    w = world
    successor = agency(w.rpc, replaces=w.agency)
    err = refused(w.call, "register_paper_dossier", w.desk, paper_body(w))
    assert (err.code, err.details["successor"]) == ("AGENCY_CLOSED", [successor])


# --- levels -----------------------------------------------------------------------


@pytest.mark.parametrize("level", [1, 2])
def test_levels_1_and_2_take_no_online_dossier_but_paper_ones(world, level):
    w = world
    code = procedure(w, level=level)
    err = refused(draft, w, code)
    assert (err.status, err.code) == (422, "PROCEDURE_NOT_ONLINE")
    assert "procedure" in err.details
    paper = w.call("register_paper_dossier", w.desk, paper_body(w, code))
    assert paper["status"] == "processing"


def test_a_draft_is_not_submitted_once_its_procedure_is_level_2(world):
    w = world
    d = w.draft()
    current = w.call("get_procedure", OPERATOR, w.code, PROVINCE)
    body = {k: current[k] for k in ("name", "processing_days", "agencies", "form")}
    w.call("update_procedure", OPERATOR, w.code, dict(body, level=2, province=PROVINCE))
    err = refused(w.call, "submit_dossier", w.citizen, d["id"])
    assert err.code == "PROCEDURE_NOT_ONLINE"


# --- managing procedures ---------------------------------------------------------


def test_a_national_operator_names_the_province_of_a_procedure(world):
    body = {"code": "NOPROV", "name": "x", "level": 3, "processing_days": 1}
    err = refused(world.call, "create_procedure", OPERATOR, body)
    assert (err.status, err.code, list(err.details)) == (
        422,
        "VALIDATION_ERROR",
        ["province"],
    )


def test_an_agency_admin_manages_only_procedures_its_agency_receives(world):
    w = world
    other = agency(w.rpc)
    foreign = procedure(w, agencies=[other])
    body = {"name": "Đổi tên", "level": 3, "processing_days": 1, "agencies": [other]}
    err = refused(w.call, "update_procedure", w.admin, foreign, body)
    assert (err.status, err.code) == (403, "PROCEDURE_OUT_OF_SCOPE")
    # adding its own agency to another agency's procedure is republishing it too
    err = refused(
        w.call, "update_procedure", w.admin, foreign,
        dict(body, agencies=[other, w.agency]),
    )  # fmt: skip
    assert err.code == "PROCEDURE_OUT_OF_SCOPE"
    err = refused(procedure, w, agencies=[other], caller=w.admin)
    assert err.code == "PROCEDURE_OUT_OF_SCOPE"
    err = refused(procedure, w, agencies=[], caller=w.admin)
    assert err.code == "PROCEDURE_OUT_OF_SCOPE"
    mine = procedure(w, caller=w.admin)
    again = w.call("update_procedure", w.admin, mine, dict(body, agencies=[w.agency]))
    assert again["version"] == 2
    province_admin = staff("province_admin", None)
    assert w.call("update_procedure", province_admin, foreign, body)["version"] == 2


# --- the paper applicant ---------------------------------------------------------


def test_a_paper_dossier_takes_no_account_id_and_belongs_to_nobody(world):
    w = world
    someone = citizen()
    err = refused(
        w.call, "register_paper_dossier", w.desk,
        paper_body(w, id=someone["user_id"]),
    )  # fmt: skip
    assert (err.code, list(err.details)) == ("VALIDATION_ERROR", ["applicant.id"])
    err = refused(
        w.call, "register_paper_dossier", w.desk, paper_body(w, national_id=None)
    )
    assert "applicant.national_id" in err.details
    err = refused(w.call, "register_paper_dossier", w.desk, paper_body(w, phone=None))
    assert "applicant.email" in err.details
    d = w.call("register_paper_dossier", w.desk, paper_body(w))
    assert d["applicant"]["id"] is None
    err = refused(w.call, "get_dossier", someone, d["id"])
    assert err.code == "DOSSIER_NOT_FOUND"


# --- helpers ---------------------------------------------------------------------


class World2:
    """Another agency of the same province with a real officer."""

    def __init__(self, world):
        code = agency(world.rpc)
        world.rpc.call(
            "accounts", "create_department", SYSTEM,
            {"code": world.department, "name": "Tư pháp", "agency": code},
        )  # fmt: skip
        created = world.rpc.call(
            "accounts", "create_staff", SYSTEM,
            {"email": f"o-{uuid.uuid4().hex[:8]}@dossiers.test", "full_name": "X",
             "role": "officer", "agency": code, "department": world.department,
             "province": PROVINCE},
        )  # fmt: skip
        self.officer = staff("officer", code, world.department)
        self.officer["user_id"] = created["id"]


def _citizen_account(rpc):
    """A real (pending) citizen account's id."""
    body = {
        "kind": "citizen", "full_name": "Trần Văn Dân",
        "email": f"dan-{uuid.uuid4().hex[:10]}@dossiers.test", "phone": "0912345678",
        "password": "Portal-Refs-2026", "national_id": "001090123456",
        "province": PROVINCE,
    }  # fmt: skip
    return rpc.call("accounts", "register", {"kind": "anonymous"}, body)["id"]


def _department(world, code):
    world.rpc.call(
        "accounts", "create_department", SYSTEM,
        {"code": code, "name": "Phòng khác", "agency": world.agency},
    )  # fmt: skip
    return code


def _wait_accounts(rpc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return rpc.call("accounts", "health", timeout=3)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise AssertionError("accounts did not come back")
