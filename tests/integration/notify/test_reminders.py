"""Daily digests from the real dossiers `list_due_work`, once per day."""

import datetime as dt
import uuid

import pytest

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

from .helpers import address, paper_dossier


def test_officer_digest_lists_a_task_due_today_once_per_day(rpc, agency, mailbox):
    officer = agency.caller("officer")
    found = paper_dossier(rpc, agency, address())
    title = f"Thẩm định hồ sơ đất đai {uuid.uuid4().hex[:6]}"
    task = {
        "title": title,
        "assignee": officer["user_id"],
        "due_date": dt.date.today().isoformat(),
    }
    rpc.call("dossiers", "create_task", officer, found["id"], task)
    day = "2099-01-01"  # each run has its own database
    first = rpc.call("notify", "run_reminders", SYSTEM, day)
    again = rpc.call("notify", "run_reminders", SYSTEM, day)
    assert first["queued"] >= 1
    assert again["queued"] == 0
    (digest,) = mailbox.wait_for(agency.staff["officer"], subject_contains="Nhắc việc")
    assert title in digest.get_body(("plain",)).get_content()


def test_only_operators_trigger_reminders(rpc):
    officer = {"user_id": "o", "kind": "staff", "roles": ["officer"]}
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "run_reminders", officer, "2099-02-01")
    assert err.value.code == "FORBIDDEN"
