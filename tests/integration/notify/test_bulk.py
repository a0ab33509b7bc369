"""Bulk e-mail: CSV with bad rows, criteria, attachments, preview, confirm, cancel."""

import time
import uuid

import pytest

from services.shared.errors import ServiceError
from tests.integration.files.samples import docx

from .helpers import PDF, DeliveryLog, address, paper_dossier, put_file

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Bulk mail is the agency admin's (officers lost bulk_mail.send).
ADMIN = {
    "user_id": "admin-bulk",
    "kind": "staff",
    "roles": ["admin"],
    "province": "01",
    "agency": "000.00.01.H26",
}
PROVINCE_ADMIN = {
    "user_id": "province-admin-bulk",
    "kind": "staff",
    "roles": ["province_admin"],
    "province": "01",
}


@pytest.fixture(scope="module")
def log(stack):
    return DeliveryLog(stack)


def wait_bulk(rpc, bulk_id, predicate, timeout=60, caller=ADMIN):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = rpc.call("notify", "get_bulk_mail", caller, bulk_id)
        if predicate(found):
            return found
        time.sleep(0.3)
    raise AssertionError(f"bulk never matched: {found}")


def code_of(rpc, method, *args):
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", method, *args)
    return err.value.code


def form_template(agency):
    """A procedure form template uploaded by the agency admin (a public file)."""
    resp = agency.clients["admin"].post(
        f"/api/v1/procedures/{agency.procedure}/templates",
        files={"file": ("Tờ khai mẫu.docx", docx("Tờ khai"), DOCX)},
        data={"title": "Tờ khai (mẫu)"},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def approve_and_confirm(rpc, agency, bulk_id):
    """The province admin approves the uploaded list, then the sender confirms."""
    approver = agency.caller("province_admin")
    rpc.call("notify", "approve_bulk_mail", approver, bulk_id)
    return rpc.call("notify", "confirm_bulk_mail", agency.caller("admin"), bulk_id)


def test_uploaded_list_waits_for_a_second_persons_approval_then_sends(
    rpc, agency, mailbox
):
    admin = agency.caller("admin")
    good = [address("bulk") for _ in range(3)]
    csv = "email,full_name\n" + "".join(
        f"{a},Người nhận {i}\n" for i, a in enumerate(good)
    )
    csv += "khong-hop-le,Sai\n"
    template = form_template(agency)
    data = {
        "subject": "Thông báo gửi {{ full_name }}",
        "body": "Kính gửi {{ full_name }},\n\nXin gửi mẫu tờ khai đính kèm.",
        "attachments": [template["id"]],
        "csv": csv,
        "rate": 0,
    }
    draft = rpc.call("notify", "create_bulk_mail", admin, data)
    assert (draft["status"], draft["needs_approval"]) == ("draft", True)
    assert draft["counts"] == {"draft": 3}
    assert [(b["line"], b["error"]) for b in draft["bad_rows"]] == [
        (5, "INVALID_EMAIL")
    ]
    assert draft["preview"]["subject"] == "Thông báo gửi Người nhận 0"
    assert code_of(rpc, "confirm_bulk_mail", admin, draft["id"]) == (
        "BULK_MAIL_NOT_APPROVED"
    )
    assert code_of(rpc, "approve_bulk_mail", admin, draft["id"]) == (
        "BULK_MAIL_APPROVAL_FORBIDDEN"
    )
    assert mailbox.messages_to(good[0]) == []
    approve_and_confirm(rpc, agency, draft["id"])
    done = wait_bulk(rpc, draft["id"], lambda b: b["status"] == "done", caller=admin)
    assert done["counts"] == {"sent": 3}
    for i, to in enumerate(good):
        (msg,) = mailbox.wait_for(to)
        assert str(msg["Subject"]) == f"Thông báo gửi Người nhận {i}"
        (part,) = list(msg.iter_attachments())
        assert part.get_filename() == "Tờ khai mẫu.docx"


def test_the_uploader_cannot_approve_their_own_list(rpc, agency):
    uploader = agency.caller("province_admin")
    data = {"subject": "S", "body": "B", "csv": address("self")}
    draft = rpc.call("notify", "create_bulk_mail", uploader, data)
    assert code_of(rpc, "approve_bulk_mail", uploader, draft["id"]) == (
        "BULK_MAIL_SELF_APPROVAL"
    )
    assert code_of(rpc, "confirm_bulk_mail", uploader, draft["id"]) == (
        "BULK_MAIL_NOT_APPROVED"
    )


def test_a_dossier_file_is_never_a_bulk_attachment(rpc, agency, mailbox):
    admin = agency.caller("admin")
    holder = paper_dossier(rpc, agency, address())
    stored = put_file(
        rpc, admin, holder["id"], "attachment", "CCCD.pdf", PDF, "application/pdf"
    )
    outside = "someone@outside.example"
    data = {
        "subject": "Hồ sơ",
        "body": "Xem tệp",
        "attachments": [stored["id"]],
        "criteria": {"kind": "procedure_applicants", "procedure": agency.procedure},
    }
    assert code_of(rpc, "create_bulk_mail", admin, data) == "ATTACHMENT_REFUSED"
    assert code_of(rpc, "create_bulk_mail", admin, dict(data, csv=outside)) == (
        "ATTACHMENT_REFUSED"
    )
    assert mailbox.messages_to(outside) == []


def test_an_outside_address_is_never_mailed_without_approval(rpc, agency, mailbox):
    admin = agency.caller("admin")
    outside = address("outside")
    data = {"subject": "Hồ sơ", "body": "B", "csv": outside, "rate": 0}
    draft = rpc.call("notify", "create_bulk_mail", admin, data)
    assert code_of(rpc, "confirm_bulk_mail", admin, draft["id"]) == (
        "BULK_MAIL_NOT_APPROVED"
    )
    time.sleep(2)
    assert mailbox.messages_to(outside) == []


def test_officer_may_not_send_bulk_mail(rpc, agency):
    data = {"subject": "S", "body": "B", "csv": address("x")}
    officer = agency.caller("officer")
    assert code_of(rpc, "create_bulk_mail", officer, data) == "FORBIDDEN"


def test_cancel_midway_stops_what_is_not_sent(rpc, mailbox):
    people = [address("cancel") for _ in range(40)]
    data = {
        "subject": "Lịch họp",
        "body": "Nội dung",
        "csv": "\n".join(people),
        "rate": 4,
    }
    draft = rpc.call("notify", "create_bulk_mail", ADMIN, data)
    rpc.call("notify", "approve_bulk_mail", PROVINCE_ADMIN, draft["id"])
    rpc.call("notify", "confirm_bulk_mail", ADMIN, draft["id"])
    wait_bulk(rpc, draft["id"], lambda b: b["counts"].get("sent", 0) >= 1)
    rpc.call("notify", "cancel_bulk_mail", ADMIN, draft["id"])
    final = wait_bulk(
        rpc,
        draft["id"],
        lambda b: set(b["counts"]) <= {"sent", "cancelled"},
    )
    assert final["status"] == "cancelled"
    assert final["counts"]["cancelled"] > 0
    sent = final["counts"]["sent"]
    assert sum(len(mailbox.messages_to(p)) for p in people) == sent
    page = rpc.call(
        "notify", "list_bulk_recipients", ADMIN, draft["id"], {"status": "sent"}
    )
    assert page["total"] == sent
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "confirm_bulk_mail", ADMIN, draft["id"])
    assert err.value.code == "BULK_MAIL_STATE"


def test_recipients_by_department_staff_criteria(rpc, agency, mailbox):
    sender = agency.caller("admin")
    marker = uuid.uuid4().hex[:6]
    data = {
        "subject": f"Họp phòng {marker}",
        "body": "Chào {{ full_name }}",
        "criteria": {
            "kind": "department_staff",
            "agency": agency.code,
            "department": agency.department,
        },
        "rate": 0,
    }
    draft = rpc.call("notify", "create_bulk_mail", sender, data)
    assert draft["recipients"] == 2  # the officer and the leader, not the desk
    rpc.call("notify", "confirm_bulk_mail", sender, draft["id"])
    (msg,) = mailbox.wait_for(agency.staff["leader"], subject_contains=marker)
    assert "Chào Cán bộ leader" in msg.get_body(("plain",)).get_content()


def test_recipients_by_procedure_applicants_criteria(rpc, agency, mailbox):
    applicant = address("applicant")
    paper_dossier(rpc, agency, applicant, full_name="Mai Thị Thu")
    data = {
        "subject": "Khảo sát",
        "body": "Kính gửi {{ full_name }}",
        "criteria": {"kind": "procedure_applicants", "procedure": agency.procedure},
        "rate": 0,
    }
    sender = agency.caller("admin")
    draft = rpc.call("notify", "create_bulk_mail", sender, data)
    assert draft["needs_approval"] is False  # the system's own list
    rpc.call("notify", "confirm_bulk_mail", sender, draft["id"])
    (msg,) = mailbox.wait_for(applicant, subject_contains="Khảo sát")
    assert "Kính gửi Mai Thị Thu" in msg.get_body(("plain",)).get_content()


def test_bulk_of_another_agency_is_not_found(rpc):
    data = {"subject": "S", "body": "B", "csv": address("x")}
    draft = rpc.call("notify", "create_bulk_mail", ADMIN, data)
    other = dict(ADMIN, agency="000.00.02.H26", user_id="someone-else")
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "get_bulk_mail", other, draft["id"])
    assert err.value.code == "BULK_MAIL_NOT_FOUND"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"subject": "S", "body": "B", "csv": "bad-row"}, "NO_RECIPIENTS"),
        (
            {"subject": "S", "body": "{{ nope }}", "csv": "a@b.vn"},
            "TEMPLATE_VARIABLE_UNKNOWN",
        ),
        ({"subject": "S", "body": "{{ x", "csv": "a@b.vn"}, "TEMPLATE_INVALID"),
        (
            {"subject": "{{ ''.__class__ }}", "body": "B", "csv": "a@b.vn"},
            "TEMPLATE_UNSAFE",
        ),
        (
            {"subject": "S", "body": "B", "csv": "a@b.vn", "attachments": ["missing"]},
            "ATTACHMENT_UNAVAILABLE",
        ),
        ({"subject": "S"}, "VALIDATION_ERROR"),
    ],
)
def test_bad_bulk_requests_are_refused_with_a_code(rpc, data, code):
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "create_bulk_mail", ADMIN, data)
    assert err.value.code == code


def test_anonymous_may_not_send_bulk_mail(api):
    resp = api.post("/api/v1/bulk-mails", json={"subject": "S", "body": "B"})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "UNAUTHENTICATED"


def test_citizen_may_not_send_bulk_mail(rpc):
    citizen = {"user_id": "c1", "kind": "citizen", "roles": ["citizen"]}
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "create_bulk_mail", citizen, {"subject": "S", "body": "B"})
    assert err.value.code == "FORBIDDEN"


def test_malformed_json_is_400(api):
    resp = api.post(
        "/api/v1/bulk-mails", data="{", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "MALFORMED_JSON"


def test_csv_file_uploaded_through_the_gateway_is_the_recipient_list(agency, mailbox):
    good = address("upload")
    csv = f"email,full_name\n{good},Phan Thị Hoa\nsai-dia-chi,X\n".encode()
    resp = agency.clients["admin"].post(
        "/api/v1/bulk-mails",
        data={"subject": "Lịch tiếp dân", "body": "Kính gửi {{ full_name }}"},
        files={"file": ("người nhận.csv", b"\xef\xbb\xbf" + csv, "text/csv")},
    )
    assert resp.status_code == 201, resp.text
    draft = resp.json()
    assert draft["counts"] == {"draft": 1}
    assert [(b["line"], b["error"]) for b in draft["bad_rows"]] == [
        (3, "INVALID_EMAIL")
    ]
    assert draft["preview"]["text"] == "Kính gửi Phan Thị Hoa"
