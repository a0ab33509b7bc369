"""Pure rules of notify: planning e-mails from events, retries, recipient lists."""

import datetime as dt

import pytest

from services.dossiers import domain as dossiers_domain
from services.notify import domain, reminders
from services.notify.samples import DOSSIER

URL = "https://portal.example"


def status_event(to, action="x", **extra):
    return {"dossier": DOSSIER, "to": to, "action": action, **extra}


@pytest.mark.parametrize(
    ("to", "action", "key", "document"),
    [
        ("processing", "receive", "dossier_received", "receipt"),
        ("processing", "register_paper", "dossier_received", "receipt"),
        ("rejected", "reject", "dossier_rejected", None),
        ("supplement_requested", "request_supplement", "supplement_requested", None),
        ("completed", "return_result", "dossier_completed", None),
        ("cancelled", "cancel", "dossier_status_changed", None),
        ("pending_approval", "a_new_move", "dossier_status_changed", None),
    ],
)
def test_status_change_picks_the_template_of_the_move(to, action, key, document):
    (planned,) = domain.plan_status_change(status_event(to, action), URL)
    assert (planned.key, planned.document) == (key, document)
    assert planned.recipient == DOSSIER["applicant"]["email"]
    assert planned.scope["province"] == DOSSIER["province"]
    assert planned.link == f"{URL}/ho-so/{DOSSIER['id']}"


@pytest.mark.parametrize(
    ("to", "action"),
    [
        ("pending_approval", "send_for_approval"),
        ("approved", "approve"),
        ("processing", "send_back"),
    ],
)
def test_internal_steps_mail_nobody(to, action):
    assert domain.plan_status_change(status_event(to, action), URL) == []


def test_every_move_of_the_workflow_is_named():
    """A new action in dossiers must be decided here: told, or internal."""
    moves = {action for (_, action) in dossiers_domain.TRANSITIONS} - {"submit"}
    assert moves <= set(domain.ACTION_TEMPLATES)


def test_apology_action_plans_the_apology_with_its_document():
    (planned,) = domain.plan_status_change(status_event("processing", "extend"), URL)
    assert (planned.key, planned.document) == ("dossier_apology", "apology")


def test_activation_link_carries_the_token():
    payload = {"email": "a@b.vn", "activation_token": "tok", "lang": "en"}
    (planned,) = domain.plan_account("account_registered", payload, URL)
    assert planned.link == f"{URL}/activate?token=tok"
    assert planned.lang == "en"


def test_reset_link_carries_the_token_and_unknown_language_falls_back_to_vi():
    payload = {"email": "a@b.vn", "reset_token": "r1", "lang": "fr"}
    (planned,) = domain.plan_account("password_reset_requested", payload, URL)
    assert planned.link == f"{URL}/reset-password?token=r1"
    assert planned.lang == "vi"


@pytest.mark.parametrize(
    "event, key",
    [
        ("account_registration_attempted", "registration_attempted"),
        ("login_failures_detected", "login_failures"),
    ],
)
def test_account_notices_go_to_the_owner_and_link_no_token(event, key):
    payload = {"email": "a@b.vn", "full_name": "An", "failures": 5, "lang": "en"}
    (planned,) = domain.plan_account_notice(event, payload, URL)
    assert planned.key == key and planned.recipient == "a@b.vn"
    assert planned.link == f"{URL}/quen-mat-khau"  # written by the system, no token
    assert "link" not in planned.context
    assert planned.context["failures"] == 5


def test_internal_comment_and_own_comment_mail_nobody():
    internal = {"dossier": DOSSIER, "comment": {"internal": True, "author": {}}}
    own = {"dossier": DOSSIER, "comment": {"author": {"id": "u1"}}}
    assert domain.plan_comment(internal, URL) == []
    assert domain.plan_comment(own, URL) == []


def test_dossier_without_applicant_email_mails_nobody():
    dossier = {**DOSSIER, "applicant": {"id": "p"}}
    assert domain.plan_submitted({"dossier": dossier}, URL) == []


def test_backoff_doubles_and_is_capped():
    assert [domain.backoff_seconds(n, 5) for n in (1, 2, 3)] == [5, 10, 20]
    assert domain.backoff_seconds(30, 5, cap=60) == 60


@pytest.mark.parametrize(
    ("code", "kind"), [(421, "temporary"), (450, "temporary"), (550, "permanent")]
)
def test_smtp_replies_are_classified(code, kind):
    assert domain.classify_smtp(code) == kind


def test_permanent_failure_or_last_attempt_fails_for_good():
    assert domain.next_state_after_failure(1, "permanent") == "perm_failed"
    assert domain.next_state_after_failure(8, "temporary", 8) == "perm_failed"
    assert domain.next_state_after_failure(2, "temporary", 8) == "temp_failed"


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("an@example.vn", True),
        ("nguyễn@ví-dụ.vn", True),
        ("no-at-sign", False),
        ("a@b", False),
        ("two@@x.vn", False),
        ("", False),
    ],
)
def test_email_validation(address, valid):
    assert domain.valid_email(address) is valid


def test_csv_reports_each_bad_row_with_its_line_number():
    text = (
        "email,full_name\n"
        "an@example.vn,Nguyễn An\n"
        "broken,Lê Bình\n"
        "\n"
        "AN@example.vn,Trùng\n"
        "chi@example.vn\n"
    )
    rows, bad = domain.parse_recipients_csv(text)
    assert rows == [
        {"email": "an@example.vn", "full_name": "Nguyễn An"},
        {"email": "chi@example.vn", "full_name": ""},
    ]
    assert [(b["line"], b["error"]) for b in bad] == [
        (3, "INVALID_EMAIL"),
        (5, "DUPLICATE"),
    ]


def test_people_are_deduplicated_case_insensitively():
    people = [{"email": "A@x.vn"}, {"email": "a@x.vn"}, {"email": "bad"}]
    assert domain.dedupe_people(people) == [{"email": "A@x.vn", "full_name": ""}]


def test_reminder_day_is_due_only_after_the_local_time():
    before = dt.datetime(2026, 1, 5, 0, 29, tzinfo=dt.UTC)  # 07:29 in Hanoi
    after = dt.datetime(2026, 1, 5, 0, 31, tzinfo=dt.UTC)
    assert reminders.due_day("07:30", "Asia/Ho_Chi_Minh", before) is None
    assert reminders.due_day("07:30", "Asia/Ho_Chi_Minh", after) == "2026-01-05"


def test_digests_skip_people_without_work_or_address():
    work = {
        "officers": [
            {"user": {"id": "o1", "email": "o1@x.vn"}, "items": [{"title": "T"}]},
            {"user": {"id": "o2", "email": "o2@x.vn"}, "items": []},
            {"user": {"id": "o3"}, "items": [{"title": "T"}]},
        ],
        "leaders": [
            {
                "user": {"id": "l1", "email": "l1@x.vn"},
                "departments": [{"department": "TP", "overdue": 2}],
            }
        ],
    }
    planned = reminders.digests(work, URL)
    assert [(p.key, p.recipient) for p in planned] == [
        ("reminder_digest", "o1@x.vn"),
        ("leader_digest", "l1@x.vn"),
    ]


def test_reminder_day_must_be_a_date():
    from services.shared.errors import ValidationFailed

    assert reminders.parse_day("2026-01-05") == "2026-01-05"
    with pytest.raises(ValidationFailed):
        reminders.parse_day("2026-01-05; DROP")


def test_completed_mail_asks_for_the_result_slot_files():
    (planned,) = domain.plan_status_change(
        status_event("completed", "return_result"), URL
    )
    assert planned.files == "result"
    (other,) = domain.plan_status_change(status_event("rejected", "reject"), URL)
    assert other.files is None


@pytest.mark.parametrize(
    ("sizes", "fits"), [([], False), ([4, 6], True), ([4, 7], False)]
)
def test_result_files_are_attached_only_up_to_the_total_limit(sizes, fits):
    assert domain.attachable([{"size": s} for s in sizes], 10) is fits


def test_a_confirmed_payment_mails_the_applicant_its_receipt():
    payment = {"ref": "R1", "amount": 10000, "currency": "VND", "state": "paid",
               "provider": "vnpay", "provider_txn": "1", "created_at": "x"}  # fmt: skip
    paid = {"dossier": DOSSIER, "to": "paid", "payment": payment}
    (mail,) = domain.plan_payment(paid, "https://dvc.example.vn")
    assert mail.key == "payment_received" and mail.document == "payment_receipt"
    assert mail.recipient == DOSSIER["applicant"]["email"]
    assert mail.context["dossier"]["payment"] == payment  # what the receipt prints
    assert domain.plan_payment(dict(paid, to="pending"), "https://x") == []
    assert domain.plan_payment(dict(paid, to="refunded"), "https://x") == []
