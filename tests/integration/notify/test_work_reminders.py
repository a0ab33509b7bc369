"""Reminders users set on a dossier or task, on the real stack: an e-mail and an
in-app entry at the time set, once, across a restart and with two instances."""

import datetime as dt
import sys
import time

import pytest

from services.shared.errors import ServiceError

from .helpers import DeliveryLog, address, paper_dossier, wait_health

POLL = 5  # PORTAL_REMINDER_POLL_SECONDS' default


def soon(seconds):
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat()


def reminder_rows(stack, reminder_ids):
    log = DeliveryLog(stack)
    keys = [f"reminder:{r}" for r in reminder_ids]
    return log.rows("event_id = ANY(:keys)", keys=keys)


def entries(rpc, caller, kind="reminder"):
    found = rpc.call("notify", "list_notifications", caller, {"page_size": 100})
    return [n for n in found["items"] if n["kind"] == kind], found["unread"]


def test_a_reminder_mails_and_lists_once_at_its_time(rpc, agency, mailbox, stack):
    officer = agency.caller("officer")
    found = paper_dossier(rpc, agency, address())
    set_ = rpc.call(
        "notify", "create_reminder", officer,
        {"dossier_id": found["id"], "remind_at": soon(2), "note": "Gọi người nộp"},
    )  # fmt: skip
    assert set_["status"] == "pending"
    (mail,) = mailbox.wait_for(
        agency.staff["officer"], subject_contains=found["receipt_number"], timeout=40
    )
    text = mail.get_body(("plain",)).get_content()
    assert "Gọi người nộp" in text
    assert f"/can-bo/ho-so/{found['id']}" in text
    listed = rpc.call("notify", "list_reminders", officer, found["id"])["items"]
    assert [r["status"] for r in listed] == ["fired"]
    mine, unread = entries(rpc, officer)
    assert [n["link"] for n in mine if n["dossier_id"] == found["id"]] == [
        f"/can-bo/ho-so/{found['id']}"
    ]
    assert unread >= 1
    assert len(reminder_rows(stack, [set_["id"]])) == 1
    # read: the count goes down, the entry stays
    left = rpc.call("notify", "mark_notifications_read", officer, {})
    assert left["unread"] == 0
    assert rpc.call("notify", "unread_count", officer)["unread"] == 0


def test_reminders_due_while_notify_was_down_fire_once_with_two_instances(
    rpc, agency, stack
):
    officer = agency.caller("officer")
    found = paper_dossier(rpc, agency, address())
    made = [
        rpc.call(
            "notify", "create_reminder", officer,
            {"dossier_id": found["id"], "remind_at": soon(1 + i % 2)},
        )["id"]
        for i in range(6)
    ]  # fmt: skip
    stack.stop_process("notify")
    try:
        # every reminder is due before either instance starts again
        time.sleep(2.5)
        stack.start_service("notify")
        argv = [sys.executable, "-m", "services.shared.runner", "notify"]
        stack.start_process("notify-second", argv)
        wait_health(rpc)
        log = DeliveryLog(stack)
        keys = [f"reminder:{r}" for r in made]
        log.wait(
            "event_id = ANY(:keys)",
            lambda rows: (
                len(rows) == len(made) and all(r["status"] == "sent" for r in rows)
            ),
            timeout=60,
            keys=keys,
        )
        # both instances poll again at least once: still one message per reminder
        time.sleep(2 * POLL)
        rows = reminder_rows(stack, made)
        assert sorted(r["event_id"] for r in rows) == sorted(keys)
        listed = rpc.call("notify", "list_reminders", officer, found["id"])["items"]
        assert {r["status"] for r in listed} == {"fired"}
        mine, _ = entries(rpc, officer)
        assert len([n for n in mine if n["dossier_id"] == found["id"]]) == len(made)
    finally:
        stack.stop_process("notify-second")


def test_a_reminder_moves_cancels_and_belongs_to_its_setter(rpc, agency):
    officer, leader = agency.caller("officer"), agency.caller("leader")
    found = paper_dossier(rpc, agency, address())
    later = soon(3600)
    made = rpc.call(
        "notify", "create_reminder", officer,
        {"dossier_id": found["id"], "remind_at": later},
    )  # fmt: skip
    moved = rpc.call(
        "notify", "update_reminder", officer, made["id"],
        {"remind_at": soon(7200), "note": "Sau họp"},
    )  # fmt: skip
    assert moved["note"] == "Sau họp" and moved["remind_at"] > made["remind_at"]
    with pytest.raises(ServiceError) as other:
        rpc.call("notify", "cancel_reminder", leader, made["id"])
    assert other.value.code == "REMINDER_NOT_FOUND"
    assert rpc.call("notify", "cancel_reminder", officer, made["id"])["status"] == (
        "cancelled"
    )
    with pytest.raises(ServiceError) as again:
        rpc.call("notify", "update_reminder", officer, made["id"], {"note": "x"})
    assert again.value.code == "REMINDER_STATE"
    with pytest.raises(ServiceError) as past:
        rpc.call(
            "notify", "create_reminder", officer,
            {"dossier_id": found["id"], "remind_at": soon(-3600)},
        )  # fmt: skip
    assert past.value.status == 422 and "remind_at" in past.value.details


def test_a_reminder_needs_the_dossier_and_task_to_be_visible(rpc, agency):
    found = paper_dossier(rpc, agency, address())
    stranger = {
        "user_id": "someone-else",
        "kind": "citizen",
        "roles": ["citizen"],
        "province": "01",
        "email": address(),
    }
    with pytest.raises(ServiceError) as hidden:
        rpc.call(
            "notify", "create_reminder", stranger,
            {"dossier_id": found["id"], "remind_at": soon(600)},
        )  # fmt: skip
    assert hidden.value.code == "DOSSIER_NOT_FOUND"
    with pytest.raises(ServiceError) as task:
        rpc.call(
            "notify", "create_reminder", agency.caller("officer"),
            {"dossier_id": found["id"], "task_id": 2**31 - 2, "remind_at": soon(600)},
        )  # fmt: skip
    assert task.value.code == "TASK_NOT_FOUND"
