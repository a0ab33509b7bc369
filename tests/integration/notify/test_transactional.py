"""Events become e-mails in the real SMTP sink, once per event, in Vietnamese."""

import uuid

import pytest

from services.shared.errors import ServiceError

from .helpers import (
    PDF,
    DeliveryLog,
    address,
    citizen,
    dossier,
    draft,
    event,
    officer,
    publish,
    put_file,
)


@pytest.fixture(scope="module")
def log(stack):
    return DeliveryLog(stack)


def text_of(msg):
    return msg.get_body(("plain",)).get_content()


def test_activation_mail_has_decoded_vietnamese_subject_name_and_working_link(
    stack, mailbox
):
    to = address()
    payload = event(
        user_id="u-1",
        email=to,
        full_name="Nguyễn Thị Ánh",
        lang="vi",
        activation_token="tok-123",
        resent=False,
    )
    publish(stack, "accounts", "account_registered", payload)
    (msg,) = mailbox.wait_for(to)
    assert str(msg["Subject"]) == "Kích hoạt tài khoản Cổng dịch vụ công"
    assert msg["To"].addresses[0].display_name == "Nguyễn Thị Ánh"
    assert f"{stack.url}/activate?token=tok-123" in text_of(msg)
    assert f'href="{stack.url}/activate?token=tok-123"' in (
        msg.get_body(("html",)).get_content()
    )


def test_password_reset_in_english_links_to_reset_page(stack, mailbox):
    to = address()
    payload = event(
        user_id="u-2", email=to, full_name="An", lang="en", reset_token="r-9"
    )
    publish(stack, "accounts", "password_reset_requested", payload)
    (msg,) = mailbox.wait_for(to)
    assert "Reset your" in str(msg["Subject"])
    assert f"{stack.url}/reset-password?token=r-9" in text_of(msg)


def test_duplicate_event_is_mailed_once(stack, mailbox, log):
    to = address()
    payload = event(
        user_id="u-3", email=to, full_name="Lê Văn Bình", activation_token="t"
    )
    publish(stack, "accounts", "account_registered", payload)
    publish(stack, "accounts", "account_registered", payload)
    later = event(user_id="u-3", email=to, full_name="Lê Văn Bình", reset_token="x")
    publish(stack, "accounts", "password_reset_requested", later)
    mailbox.wait_for(to, count=2)
    rows = log.wait(
        "recipient = :to", lambda r: all(m["status"] == "sent" for m in r), to=to
    )
    assert [r["template_key"] for r in rows] == ["account_activation", "password_reset"]
    assert len(mailbox.messages_to(to)) == 2


CASES = [
    ("dossier_submitted", {}, "Đã nhận hồ sơ", None),
    (
        "dossier_status_changed",
        {
            "to": "processing",
            "action": "receive",
            "receipt_number": "H26-0001",
            "appointment_date": "2026-02-03",
        },
        "số biên nhận H26-0001",
        "03/02/2026",
    ),
    (
        "dossier_status_changed",
        {"to": "rejected", "action": "reject", "reason": "Thiếu giấy khai sinh"},
        "không được tiếp nhận",
        "Thiếu giấy khai sinh",
    ),
    (
        "dossier_status_changed",
        {
            "to": "supplement_requested",
            "action": "request_supplement",
            "note": "Bổ sung bản sao CCCD",
        },
        "Yêu cầu bổ sung",
        "Bổ sung bản sao CCCD",
    ),
    (
        "dossier_status_changed",
        {"to": "completed", "action": "return_result"},
        "đã có kết quả",
        None,
    ),
    (
        "dossier_status_changed",
        {"to": "processing", "action": "extend", "appointment_date": "2026-03-09"},
        "xin lỗi",
        "09/03/2026",
    ),
    (
        "dossier_status_changed",
        {"to": "pending_approval", "action": "x"},
        "Chờ phê duyệt",
        None,
    ),
]


@pytest.mark.parametrize(("event_type", "facts", "subject", "body"), CASES)
def test_dossier_events_mail_the_applicant(
    stack, mailbox, event_type, facts, subject, body
):
    to = address()
    snapshot = dossier(to)
    publish(stack, "dossiers", event_type, event(dossier=snapshot, **facts))
    (msg,) = mailbox.wait_for(to)
    assert subject in str(msg["Subject"])
    text = text_of(msg)
    assert f"{stack.url}/ho-so/{snapshot['id']}" in text
    if body:
        assert body in text


def test_officer_sees_deliveries_of_a_dossier_in_scope_only(stack, rpc, mailbox):
    to = address()
    snapshot = dossier(to)
    publish(stack, "dossiers", "dossier_submitted", event(dossier=snapshot))
    mailbox.wait_for(to)
    found = rpc.call("notify", "list_deliveries", officer(snapshot), snapshot["id"])
    assert [i["template"] for i in found["items"]] == ["dossier_submitted"]
    assert found["items"][0]["recipient"] == to
    other = officer(snapshot, province="79")
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "list_deliveries", other, snapshot["id"])
    assert err.value.code == "NOT_FOUND"
    citizen = {"user_id": "u1", "kind": "citizen", "roles": ["citizen"]}
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "list_deliveries", citizen, snapshot["id"])
    assert err.value.code == "FORBIDDEN"


def test_invalid_address_is_a_permanent_failure_shown_on_the_dossier(stack, rpc, log):
    snapshot = dossier("not-an-address")
    publish(stack, "dossiers", "dossier_submitted", event(dossier=snapshot))
    log.wait(
        "dossier_id = :d", lambda r: r[0]["status"] == "perm_failed", d=snapshot["id"]
    )
    found = rpc.call("notify", "list_deliveries", officer(snapshot), snapshot["id"])
    assert found["items"][0]["status"] == "perm_failed"
    assert found["items"][0]["last_error"] == "INVALID_ADDRESS"


def test_gateway_deliveries_route_requires_authentication(api):
    resp = api.get("/api/v1/dossiers/any/deliveries")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "UNAUTHENTICATED"


def test_submitted_mail_lists_the_files_received(rpc, agency, mailbox):
    to = address()
    person = citizen(to)
    found = draft(rpc, agency, person, {"child_name": "Lý Gia Hân", "copies": 1})
    for slot, name in (
        ("to_khai", "Tờ khai đã ký.pdf"),
        ("giay_chung_sinh", "GCS.pdf"),
    ):
        put_file(rpc, person, found["id"], slot, name, PDF, "application/pdf")
    rpc.call("dossiers", "submit_dossier", person, found["id"])
    (msg,) = mailbox.wait_for(to)
    assert "- Tờ khai đã ký.pdf" in text_of(msg)


def test_task_assignment_mails_the_assignee_resolved_through_accounts(
    stack, agency, mailbox
):
    officer = agency.caller("officer")
    title = f"Xác minh thực địa {uuid.uuid4().hex[:6]}"
    task = {
        "id": 1,
        "title": title,
        "assignee": officer["user_id"],
        "due_date": "2026-02-10",
    }
    publish(
        stack, "dossiers", "task_assigned", event(dossier=dossier(address()), task=task)
    )
    (msg,) = mailbox.wait_for(agency.staff["officer"], subject_contains=title)
    assert str(msg["Subject"]) == f"Công việc mới: {title}"
    assert "10/02/2026" in text_of(msg)


def test_public_comment_by_staff_mails_the_applicant(stack, mailbox):
    to = address()
    comment = {
        "id": 1,
        "body": "Vui lòng mang bản gốc",
        "internal": False,
        "author": {"id": "officer-1"},
    }
    publish(
        stack, "dossiers", "comment_added", event(dossier=dossier(to), comment=comment)
    )
    (msg,) = mailbox.wait_for(to)
    assert "Vui lòng mang bản gốc" in text_of(msg)


def test_malformed_event_is_dropped_and_the_next_one_is_mailed(stack, mailbox):
    broken = event(dossier="not-a-snapshot", to="processing")
    publish(stack, "dossiers", "dossier_status_changed", broken)
    to = address()
    facts = {"to": "rejected", "action": "reject", "reason": "Sai mẫu"}
    publish(
        stack, "dossiers", "dossier_status_changed", event(dossier=dossier(to), **facts)
    )
    (msg,) = mailbox.wait_for(to)
    assert "Sai mẫu" in text_of(msg)
