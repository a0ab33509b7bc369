"""Daily digests: officers' due work and leaders' overdue summary, once per day."""

import pytest

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

from .helpers import address


def test_digests_are_sent_once_per_day(rpc, mailbox):
    officer, leader = address("officer"), address("leader")
    item = {
        "kind": "task",
        "title": "Thẩm định hồ sơ đất đai",
        "due_date": "2026-01-06",
        "state": "overdue",
        "dossier_id": "d-1",
    }
    work = {
        "officers": [
            {
                "user": {"id": officer, "email": officer, "full_name": "Cán Bộ"},
                "items": [item],
            }
        ],
        "leaders": [
            {
                "user": {"id": leader, "email": leader, "full_name": "Lãnh Đạo"},
                "departments": [{"department": "TP", "overdue": 4}],
                "items": [item],
            }
        ],
    }
    rpc.call("dossiers", "set_due_work", work)
    day = "2099-01-01"  # each run has its own database
    first = rpc.call("notify", "run_reminders", SYSTEM, day)
    again = rpc.call("notify", "run_reminders", SYSTEM, day)
    assert (first["queued"], again["queued"]) == (2, 0)
    (digest,) = mailbox.wait_for(officer)
    assert str(digest["Subject"]).startswith("Nhắc việc: 1")
    assert "Thẩm định hồ sơ đất đai" in digest.get_body(("plain",)).get_content()
    (summary,) = mailbox.wait_for(leader)
    assert "TP: 4" in summary.get_body(("plain",)).get_content()


def test_only_operators_trigger_reminders(rpc):
    officer = {"user_id": "o", "kind": "staff", "roles": ["officer"]}
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "run_reminders", officer, "2099-02-01")
    assert err.value.code == "FORBIDDEN"
