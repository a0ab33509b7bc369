"""Received here, resolved there (issue 18, item 2) on the real stack.

A desk of an agency in Hồ Chí Minh City (79) receives a paper dossier for a
procedure an agency of Hà Nội (01) resolves, transfers it; the resolving agency's
desk accepts it and its staff process it as usual; the result is returned to the
receiving desk, which hands it over. Both agencies' staff see it (lists, single
reads, search), a third agency does not, each side takes only its own steps.
"""

import subprocess
import time
import uuid

import pytest

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

from .conftest import PROVINCE, World, citizen, staff

ELSEWHERE = "79"
APPLICANT = {
    "full_name": "Trần Thị Chuyển",
    "kind": "citizen",
    "national_id": "079123456789",
    "phone": "0901234567",
}
FORM = {"full_name": "Trần Văn Nhận", "copies": 1}


def agency_in(rpc, province, name):
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    rpc.call(
        "accounts",
        "create_agency",
        SYSTEM,
        {"code": code, "name": name, "province": province},
    )
    return code


@pytest.fixture
def two_provinces(rpc):
    """The resolving world (01) and the codes of a receiving and a third agency."""
    world = World(rpc)
    receiving = agency_in(rpc, ELSEWHERE, "UBND phường Sài Gòn")
    third = agency_in(rpc, ELSEWHERE, "UBND phường Bến Thành")
    return world, receiving, third


def refused(call, *args, **kwargs):
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    return caught.value


def ids(page):
    return {d["id"] for d in page["items"]}


def wait_for(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return found


def test_a_dossier_received_in_another_province_is_transferred_resolved_and_returned(
    rpc, two_provinces
):
    w, receiving, third = two_provinces
    desk_x = staff("desk", receiving, province=ELSEWHERE)
    officer_x = staff("officer", receiving, "TN", province=ELSEWHERE)
    desk_z = staff("desk", third, province=ELSEWHERE)
    admin_79 = staff("province_admin", None, province=ELSEWHERE)

    d = w.call(
        "register_paper_dossier",
        desk_x,
        {"procedure": w.code, "agency": w.agency, "applicant": APPLICANT, "form": FORM},
    )
    # received at the desk of X: numbered by X, the legal clock runs from now
    assert d["status"] == "to_transfer"
    assert (d["agency"], d["province"]) == (w.agency, PROVINCE)
    assert (d["receiving_agency"], d["receiving_province"]) == (receiving, ELSEWHERE)
    assert d["receipt_number"].startswith(f"{receiving}-")
    assert d["received_at"] and d["appointment_date"]
    assert d["actions"] == ["cancel", "reject", "transfer"]

    # both agencies see it; a third agency and the receiving agency's officers do not
    assert w.call("get_dossier", w.desk, d["id"])["actions"] == ["cancel"]
    assert w.call("get_dossier", admin_79, d["id"])["id"] == d["id"]
    for outsider in (desk_z, officer_x, staff("desk", w.agency, province="02")):
        assert refused(w.call, "get_dossier", outsider, d["id"]).code == (
            "DOSSIER_NOT_FOUND"
        )
    assert d["id"] in ids(w.call("list_dossiers", desk_x, {}))
    assert d["id"] in ids(w.call("list_dossiers", w.desk, {}))
    assert d["id"] not in ids(w.call("list_dossiers", desk_z, {}))
    # filtered by the receiving desk, beside the resolving agency
    mine = w.call("list_dossiers", admin_79, {"receiving_agency": receiving})
    assert ids(mine) == {d["id"]}
    assert w.call("list_dossiers", admin_79, {"receiving_agency": third})["total"] == 0

    # only the receiving desk transfers
    assert refused(w.act, w.desk, d["id"], "transfer").status == 403
    d = w.act(desk_x, d["id"], "transfer")
    assert d["status"] == "transferred" and d["transferred_at"]
    assert d["actions"] == ["cancel"]

    # only the resolving agency accepts and processes
    error = refused(w.act, desk_x, d["id"], "accept_transfer", department="PTP")
    assert error.status == 403
    d = w.act(w.desk, d["id"], "accept_transfer", department=w.department)
    assert (d["status"], d["department"]) == ("processing", w.department)
    assert refused(w.act, officer_x, d["id"], "send_for_approval").status == 404
    d = w.act(w.officer, d["id"], "send_for_approval")
    d = w.act(w.leader, d["id"], "approve")
    assert d["status"] == "approved"

    # the resolving agency returns the result to the receiving desk, which hands it
    assert refused(w.act, desk_x, d["id"], "return_result").code == (
        "INVALID_TRANSITION"
    )
    assert refused(w.act, desk_x, d["id"], "return_to_desk").status == 403
    d = w.act(w.desk, d["id"], "return_to_desk")
    assert d["status"] == "returned" and d["returned_at"]
    assert refused(w.act, w.desk, d["id"], "return_result").status == 403
    d = w.act(desk_x, d["id"], "return_result")
    assert d["status"] == "completed"
    assert d["deadline_state"] == "completed_on_time"

    moves = [(h["action"], h["to"]) for h in w.call("history", SYSTEM, d["id"])]
    assert moves == [
        ("register_paper", "to_transfer"),
        ("transfer", "transferred"),
        ("accept_transfer", "processing"),
        ("send_for_approval", "pending_approval"),
        ("approve", "approved"),
        ("return_to_desk", "returned"),
        ("return_result", "completed"),
    ]

    # the search index carries both agencies, and its scope filter admits both
    def found(who, receipt=d["receipt_number"]):
        page = w.rpc.call("search", "query", who, {"q": receipt})
        return {i["id"]: i for i in page["items"]}

    indexed = wait_for(lambda: found(desk_x).get(d["id"], {}).get("status") == (
        "completed") and found(desk_x))  # fmt: skip
    assert indexed[d["id"]]["receiving_agency"] == receiving
    assert d["id"] in found(w.desk)
    assert d["id"] not in found(desk_z)

    # statistics count it once per role: received by X, resolved by Y
    local = w.received()
    wait_for(lambda: found(w.desk, local["receipt_number"]).get(local["id"]))
    groups = ["received_by_agency", "received_by_province", "performance_by_agency"]

    def dashboard(who):
        answer = w.rpc.call("search", "dashboard", who, {"procedure": w.code}, groups)
        rows = {g: {r["key"]: r for r in answer["groups"][g]} for g in groups}
        return answer["total"], rows

    total, rows = dashboard(SYSTEM)
    assert total == 2
    received = {k: r["count"] for k, r in rows["received_by_agency"].items()}
    assert received == {receiving: 1, w.agency: 1}
    by_province = {k: r["count"] for k, r in rows["received_by_province"].items()}
    assert by_province == {ELSEWHERE: 1, PROVINCE: 1}
    resolved = rows["performance_by_agency"]
    assert set(resolved) == {w.agency}
    assert (resolved[w.agency]["count"], resolved[w.agency]["completed"]) == (2, 1)
    assert resolved[w.agency]["on_time"] == 1
    # the receiving agency's own figures: what it received, resolved by the other
    admin_x = staff("admin", receiving, province=ELSEWHERE)
    total, rows = dashboard(admin_x)
    assert total == 1
    assert {k: r["count"] for k, r in rows["received_by_agency"].items()} == {
        receiving: 1
    }
    assert rows["performance_by_agency"][w.agency]["completed"] == 1


def test_an_online_dossier_names_its_receiving_desk_and_a_procedure_may_refuse_it(
    rpc, two_provinces
):
    w, receiving, _ = two_provinces
    desk_x = staff("desk", receiving, province=ELSEWHERE)
    applicant = citizen(ELSEWHERE)
    draft = w.call(
        "create_dossier",
        applicant,
        {
            "procedure": w.code,
            "agency": w.agency,
            "province": PROVINCE,
            "receiving_agency": receiving,
            "form": FORM,
        },
    )
    assert draft["receiving_agency"] == receiving
    d = w.call("submit_dossier", applicant, draft["id"])
    assert d["status"] == "waiting_reception"
    # the resolving desk may not receive it: the receiving desk does, then sends it on
    assert refused(w.act, w.desk, d["id"], "receive", department="PTP").code == (
        "INVALID_TRANSITION"
    )
    assert w.call("get_dossier", w.desk, d["id"])["actions"] == ["cancel"]
    d = w.act(desk_x, d["id"], "receive_for_transfer")
    assert d["status"] == "to_transfer"
    assert d["receipt_number"].startswith(f"{receiving}-")
    # the applicant sees one dossier with both agencies
    mine = w.call("get_dossier", applicant, d["id"])
    assert (mine["agency"], mine["receiving_agency"]) == (w.agency, receiving)

    # unknown receiving desks and procedures received only where resolved: refused
    error = refused(
        w.call,
        "create_dossier",
        applicant,
        {"procedure": w.code, "agency": w.agency, "province": PROVINCE,
         "receiving_agency": "NOPE", "form": FORM},
    )  # fmt: skip
    assert (error.code, list(error.details)) == ("AGENCY_UNKNOWN", ["receiving_agency"])
    code = f"L{uuid.uuid4().hex[:6].upper()}"
    w.call(
        "create_procedure",
        SYSTEM,
        {"code": code, "province": PROVINCE, "name": "Chỉ tiếp nhận tại chỗ",
         "level": 3, "processing_days": 2, "agencies": [w.agency],
         "form": {"fields": []}, "received_elsewhere": False},
    )  # fmt: skip
    assert (
        w.call("get_procedure", SYSTEM, code, PROVINCE)["received_elsewhere"] is False
    )
    error = refused(
        w.call,
        "register_paper_dossier",
        desk_x,
        {"procedure": code, "agency": w.agency, "applicant": APPLICANT, "form": {}},
    )
    assert error.code == "NOT_RECEIVED_ELSEWHERE"


def pdf_text(data, tmp_path):
    path = tmp_path / "slip.pdf"
    path.write_bytes(data)
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


def test_the_receipt_and_the_mails_name_the_desk_where_the_result_is_collected(
    rpc, two_provinces, mailbox, tmp_path
):
    w, receiving, _ = two_provinces
    desk_x = staff("desk", receiving, province=ELSEWHERE)
    address = f"chuyen-{uuid.uuid4().hex[:10]}@example.test"
    d = w.call(
        "register_paper_dossier",
        desk_x,
        {"procedure": w.code, "agency": w.agency, "form": FORM,
         "applicant": dict(APPLICANT, email=address)},
    )  # fmt: skip
    (mail,) = mailbox.wait_for(address, subject_contains=d["receipt_number"])
    text = mail.get_body(("plain",)).get_content()
    assert "Nơi tiếp nhận và trả kết quả: UBND phường Sài Gòn" in text
    assert "Cơ quan giải quyết: UBND xã" in text
    # the receipt slip attached: received by the desk of X, resolved by Y, result at X
    (part,) = list(mail.iter_attachments())
    slip = " ".join(pdf_text(part.get_content(), tmp_path).split())
    assert slip.startswith("UBND PHƯỜNG SÀI GÒN")  # the desk that issued it
    assert "UBND phường Sài Gòn đã tiếp nhận hồ sơ" in slip
    assert "Cơ quan giải quyết: UBND xã" in slip
    assert "Nơi trả kết quả: UBND phường Sài Gòn" in slip

    d = w.act(desk_x, d["id"], "transfer")
    d = w.act(w.desk, d["id"], "accept_transfer", department=w.department)
    w.act(w.officer, d["id"], "send_for_approval")
    w.act(w.leader, d["id"], "approve")
    w.act(w.desk, d["id"], "return_to_desk")
    # the hand-over notice: the result waits at the receiving desk
    (notice,) = mailbox.wait_for(address, subject_contains="chuyển về nơi tiếp nhận")
    text = " ".join(notice.get_body(("plain",)).get_content().split())
    assert "nhận kết quả tại: UBND phường Sài Gòn" in text
    assert "có kết quả của UBND xã" in text


def test_the_resolving_agency_declines_and_the_desk_sends_it_elsewhere_or_refuses_it(
    rpc, two_provinces
):
    w, receiving, _ = two_provinces
    desk_x = staff("desk", receiving, province=ELSEWHERE)
    other = agency_in(rpc, PROVINCE, "UBND phường Ba Đình")
    rpc.call("accounts", "create_department", SYSTEM,
             {"code": "PTP", "name": "Tư pháp", "agency": other})  # fmt: skip
    desk_o = staff("desk", other)
    code = f"D{uuid.uuid4().hex[:6].upper()}"
    w.call(
        "create_procedure",
        SYSTEM,
        {"code": code, "province": PROVINCE, "name": "Hai cơ quan giải quyết",
         "level": 3, "processing_days": 2, "agencies": [w.agency, other],
         "form": {"fields": []}},
    )  # fmt: skip

    def sent():
        d = w.call(
            "register_paper_dossier",
            desk_x,
            {"procedure": code, "agency": w.agency, "applicant": APPLICANT, "form": {}},
        )
        return w.act(desk_x, d["id"], "transfer")

    d = sent()
    assert w.call("get_dossier", w.desk, d["id"])["actions"] == [
        "accept_transfer", "cancel", "decline_transfer"]  # fmt: skip
    # only the agency it was sent to declines it, and says why
    error = refused(w.act, desk_x, d["id"], "decline_transfer", reason="x")
    assert error.status == 403
    error = refused(w.act, w.desk, d["id"], "decline_transfer")
    assert (error.code, list(error.details)) == ("VALIDATION_ERROR", ["reason"])
    why = "Không thuộc thẩm quyền của UBND xã"
    d = w.act(w.desk, d["id"], "decline_transfer", reason=why)
    assert (d["status"], d["agency"], d["transferred_at"]) == (
        "to_transfer", w.agency, None)  # fmt: skip
    assert d["actions"] == ["cancel"]
    assert w.call("get_dossier", desk_x, d["id"])["actions"] == [
        "cancel", "reject", "transfer"]  # fmt: skip

    # the desk sends it to another agency of the procedure, checked as at creation
    unlisted = agency_in(rpc, PROVINCE, "UBND phường khác")
    for agency, expected in (
        (receiving, "VALIDATION_ERROR"),
        ("NOPE", "AGENCY_UNKNOWN"),
        (unlisted, "AGENCY_NOT_LISTED"),
    ):
        error = refused(w.act, desk_x, d["id"], "transfer", agency=agency)
        assert (error.code, list(error.details)) == (expected, ["agency"])
    # another move may not name an agency
    error = refused(w.act, desk_x, d["id"], "reject", reason="r", agency=other)
    assert (error.code, list(error.details)) == ("VALIDATION_ERROR", ["agency"])
    d = w.act(desk_x, d["id"], "transfer", agency=other)
    assert (d["status"], d["agency"], d["province"]) == ("transferred", other, PROVINCE)
    # the agency that declined no longer sees it; the new one accepts it
    assert refused(w.call, "get_dossier", w.desk, d["id"]).code == "DOSSIER_NOT_FOUND"
    d = w.act(desk_o, d["id"], "accept_transfer", department="PTP")
    assert (d["status"], d["department"]) == ("processing", "PTP")

    lines = w.call("history", SYSTEM, d["id"])
    assert [(h["action"], h["to"]) for h in lines] == [
        ("register_paper", "to_transfer"),
        ("transfer", "transferred"),
        ("decline_transfer", "to_transfer"),
        ("transfer", "transferred"),
        ("accept_transfer", "processing"),
    ]
    assert lines[2]["note"] == why
    assert lines[3]["changes"] == [{"field": "agency", "old": w.agency, "new": other}]

    # or it refuses it to the applicant
    d = sent()
    d = w.act(w.desk, d["id"], "decline_transfer", reason=why)
    d = w.act(desk_x, d["id"], "reject", reason="Cơ quan giải quyết không tiếp nhận")
    assert d["status"] == "rejected"
