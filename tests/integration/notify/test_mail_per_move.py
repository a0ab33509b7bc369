"""One e-mail per move the applicant should hear of, none for the agency's own steps.

Paper dossiers walk the workflow on the real system: one registered at the desk
(received at once), sent for approval, sent back, sent again, approved and
returned; another registered, asked for a supplement and cancelled by the desk.
For each move its event is read from the dossiers outbox; once notify has
processed every one of them, the messages notify queued for each event are found
in the real mailbox by their Message-ID and counted per move.
"""

import time
import uuid

from sqlalchemy import create_engine, text

from services.shared.config import database_url

from .helpers import act, address, paper_dossier

# (action, e-mails to the applicant) in the order the moves are made
TOLD = {"register_paper": 1, "request_supplement": 1, "send_for_approval": 0,
        "send_back": 0, "approve": 0, "return_result": 1, "cancel": 1}  # fmt: skip


def query(stack, service, sql, **params):
    engine = create_engine(database_url(service, stack.env).replace("+psycopg2", ""))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def moves_of(stack, dossier_id):
    """(event id, action) of each event the dossier's moves produced, in order."""
    return query(
        stack,
        "dossiers",
        "SELECT event_id, payload->>'action' FROM outbox "
        "WHERE payload->>'dossier_id' = :d ORDER BY id",
        d=dossier_id,
    )


def mailed_per_move(stack, mailbox, to, moves, timeout=90):
    """Per move, the applicant's messages in the mailbox that notify made for its
    event (by Message-ID), once notify processed every event and sent every
    message."""
    ids = [event_id for event_id, _ in moves]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = query(
            stack, "notify", "SELECT event_id FROM processed_events "
            "WHERE event_id = ANY(:ids)", ids=ids,
        )  # fmt: skip
        queued = query(
            stack, "notify", "SELECT event_id, public_id, status FROM messages "
            "WHERE event_id = ANY(:ids)", ids=ids,
        )  # fmt: skip
        if len(done) == len(ids) and all(m.status == "sent" for m in queued):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("notify did not process and send every move in time")
    stored = [str(m["Message-ID"]) for m in mailbox.messages_to(to)]
    counts = {}
    for event_id, action in moves:
        mine = {f"<{m.public_id}@dichvucong.local>" for m in queued
                if m.event_id == event_id}  # fmt: skip
        counts[action] = counts.get(action, 0) + sum(i in mine for i in stored)
    return counts, len(stored)


def test_each_move_mails_the_applicant_once_or_not_at_all(stack, rpc, agency, mailbox):
    desk, officer = agency.clients["desk"], agency.clients["officer"]
    leader = agency.clients["leader"]
    to = address()
    dossier_id = paper_dossier(rpc, agency, to, full_name="Nguyễn Thị Ánh Tuyết")["id"]
    act(officer, dossier_id, "send_for_approval")
    act(leader, dossier_id, "send_back", note="Kiểm tra lại số bản sao")
    act(officer, dossier_id, "send_for_approval")
    act(leader, dossier_id, "approve")
    act(desk, dossier_id, "return_result")
    other_to = address()
    other_id = paper_dossier(rpc, agency, other_to)["id"]
    act(officer, other_id, "request_supplement", note="Bổ sung bản sao")
    act(desk, other_id, "cancel", reason=f"Trùng hồ sơ {uuid.uuid4().hex[:6]}")

    for email, dossier, made in (
        (to, dossier_id, ["register_paper", "send_for_approval", "send_back",
                          "send_for_approval", "approve", "return_result"]),
        (other_to, other_id, ["register_paper", "request_supplement", "cancel"]),
    ):  # fmt: skip
        moves = moves_of(stack, dossier)
        assert [action for _, action in moves] == made
        counts, total = mailed_per_move(stack, mailbox, email, moves)
        assert counts == {action: TOLD[action] for action in made}
        assert total == sum(counts.values())  # nothing else reached the applicant
    # the .eml files as stored: her name whole in the header and in every text
    for msg in mailbox.messages_to(to):
        assert msg["To"].addresses[0].display_name == "Nguyễn Thị Ánh Tuyết"
        assert "Kính gửi Nguyễn Thị Ánh Tuyết" in msg.get_body(("plain",)).get_content()
