"""A refused submission is e-mailed: what is missing, in the procedure's words."""

import time

import pytest
from sqlalchemy import create_engine, text

from services.shared.config import database_url
from services.shared.errors import ServiceError

from .helpers import DeliveryLog, address, citizen, draft


@pytest.fixture(scope="module")
def log(stack):
    return DeliveryLog(stack)


def refuse(rpc, person, dossier_id):
    with pytest.raises(ServiceError) as err:
        rpc.call("dossiers", "submit_dossier", person, dossier_id)
    assert err.value.code == "DOSSIER_INVALID"
    return err.value.details


def refused_event_ids(stack, dossier_id):
    engine = create_engine(database_url("dossiers", stack.env))
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT event_id FROM outbox WHERE event_type = :t"
                " AND payload->>'dossier_id' = :d"
            ),
            {"t": "dossier_submission_refused", "d": dossier_id},
        ).scalars()
        return list(found)


def wait_processed(log, event_ids, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with log.engine.connect() as conn:
            done = conn.execute(
                text("SELECT count(*) FROM processed_events WHERE event_id = ANY(:e)"),
                {"e": event_ids},
            ).scalar()
        if done == len(event_ids):
            return
        time.sleep(0.3)
    raise AssertionError("notify did not process the refusals")


def test_refused_submission_mails_what_is_missing_with_the_procedure_labels(
    stack, rpc, agency, mailbox
):
    to = address()
    person = citizen(to)
    dossier = draft(rpc, agency, person, {"child_name": "Nguyễn Văn An"})
    details = refuse(rpc, person, dossier["id"])
    assert {"form.copies", "documents.to_khai"} <= set(details)
    (msg,) = mailbox.wait_for(to)
    assert str(msg["Subject"]).startswith("Hồ sơ chưa nộp được")
    body = msg.get_body(("plain",)).get_content()
    assert 'Thông tin "Số bản sao": chưa nhập' in body
    assert 'Giấy tờ "Tờ khai": chưa nộp' in body
    assert 'Giấy tờ "Giấy chứng sinh": chưa nộp' in body
    assert f"{stack.url}/ho-so/{dossier['id']}" in body
    again = rpc.call("dossiers", "get_dossier", person, dossier["id"])
    assert (again["status"], again["version"]) == ("draft", dossier["version"])


def test_repeated_refusals_mail_once_per_interval(stack, rpc, agency, mailbox, log):
    to = address()
    person = citizen(to)
    dossier = draft(rpc, agency, person)
    refuse(rpc, person, dossier["id"])
    refuse(rpc, person, dossier["id"])
    events = []
    deadline = time.monotonic() + 30
    while len(events) < 2 and time.monotonic() < deadline:
        events = refused_event_ids(stack, dossier["id"])
        time.sleep(0.2)
    assert len(events) == 2
    wait_processed(log, events)
    rows = log.rows("dossier_id = :d", d=dossier["id"])
    assert [r["template_key"] for r in rows] == ["dossier_submission_refused"]
    (msg,) = mailbox.wait_for(to)
    assert '"Họ tên trẻ": chưa nhập' in msg.get_body(("plain",)).get_content()
