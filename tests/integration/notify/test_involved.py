"""Everyone involved in a dossier's work is told of comments and task changes
(e-mail and in-app, one message each per event); the applicant never of an
internal note. Real dossiers, accounts and notify."""

from .helpers import DeliveryLog, address, paper_dossier


def wait_mail(mailbox, to, contains, timeout=40):
    return mailbox.wait_for(to, subject_contains=contains, timeout=timeout)


def activity(stack, dossier_id, recipient):
    return DeliveryLog(stack).rows(
        "dossier_id = :d AND recipient = :r AND template_key = 'work_activity'",
        d=dossier_id,
        r=recipient,
    )


def test_comments_and_task_edits_reach_everyone_involved_once(
    rpc, agency, mailbox, stack
):
    officer, leader = agency.caller("officer"), agency.caller("leader")
    applicant = address()
    found = paper_dossier(rpc, agency, applicant)
    task = rpc.call(
        "dossiers", "create_task", leader, found["id"],
        {"title": "Xác minh hộ khẩu", "assignee": officer["user_id"]},
    )  # fmt: skip
    # the assignee has the assignment mail, never a second one for the same event
    wait_mail(mailbox, agency.staff["officer"], "Công việc mới")
    note = "Cần đối chiếu sổ hộ khẩu gốc"
    rpc.call(
        "dossiers", "add_comment", officer, found["id"],
        {"body": note, "internal": True},
    )  # fmt: skip
    (told,) = wait_mail(mailbox, agency.staff["leader"], "Ý kiến mới")
    assert note in told.get_body(("plain",)).get_content()
    rpc.call(
        "dossiers", "update_task", officer, found["id"], task["id"],
        {"due_date": "2031-03-04"},
    )  # fmt: skip
    (edited,) = wait_mail(mailbox, agency.staff["leader"], "Công việc được cập nhật")
    assert "2031-03-04" in edited.get_body(("plain",)).get_content()
    public = "Hồ sơ đã được chuyển phòng chuyên môn"
    rpc.call(
        "dossiers", "add_comment", officer, found["id"],
        {"body": public, "internal": False},
    )  # fmt: skip
    (mine,) = wait_mail(mailbox, applicant, "Trao đổi mới")
    assert public in mine.get_body(("plain",)).get_content()
    wait_mail(mailbox, agency.staff["leader"], "Ý kiến mới", timeout=40)
    # one message per event and person: three events told to the leader
    rows = DeliveryLog(stack).wait(
        "dossier_id = :d AND template_key = 'work_activity'",
        lambda rows: len(rows) >= 3,
        d=found["id"],
    )
    assert sorted(r["recipient"] for r in rows) == [agency.staff["leader"]] * 3
    # whoever acted is not told of their own act; the applicant only of the public
    assert activity(stack, found["id"], agency.staff["officer"]) == []
    assert note not in "".join(
        m.get_body(("plain",)).get_content() for m in mailbox.messages_to(applicant)
    )
    entries = rpc.call("notify", "list_notifications", leader, {"page_size": 100})
    assert len([n for n in entries["items"] if n["dossier_id"] == found["id"]]) == 3


def test_an_internal_note_is_never_told_to_the_applicant(rpc, agency, mailbox, stack):
    officer = agency.caller("officer")
    applicant = address()
    found = paper_dossier(rpc, agency, applicant)
    rpc.call(
        "dossiers", "add_comment", officer, found["id"],
        {"body": "Nội bộ: chờ xác minh", "internal": True},
    )  # fmt: skip
    marker = "Kết quả xác minh đã có"
    rpc.call(
        "dossiers", "add_comment", officer, found["id"],
        {"body": marker, "internal": False},
    )  # fmt: skip
    # the later public comment arrives, so the internal one was handled before it
    (mail,) = wait_mail(mailbox, applicant, "Trao đổi mới")
    assert marker in mail.get_body(("plain",)).get_content()
    sent = DeliveryLog(stack).rows("recipient = :r", r=applicant)
    told = [r["template_key"] for r in sent if r["template_key"] != "dossier_received"]
    assert told == ["comment_added"]
