"""Delivery: attachments, SMTP down then up, restart resumes, template overrides."""

import email
import email.policy
import uuid

import pytest
from aiosmtpd.controller import Controller

from services.shared.errors import ServiceError
from tests.stack import free_port

from .helpers import (
    DeliveryLog,
    address,
    dossier,
    event,
    notify_with,
    paper_dossier,
    publish,
)

ADMIN = {
    "user_id": "admin-1",
    "kind": "staff",
    "roles": ["province_admin"],
    "province": "01",
    "agency": "000.00.01.H26",
}


@pytest.fixture(scope="module")
def log(stack):
    return DeliveryLog(stack)


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def sent_or_failed(rows):
    return rows[0]["status"] in ("temp_failed", "sent")


def test_received_mail_attaches_the_real_receipt_slip(rpc, agency, mailbox):
    to = address()
    found = paper_dossier(rpc, agency, to)
    (msg,) = mailbox.wait_for(to, timeout=60)
    assert found["receipt_number"] in str(msg["Subject"])
    (part,) = list(msg.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    assert part.get_content().startswith(b"%PDF")


def test_smtp_down_then_up_delivers_once(stack, rpc, log):
    port, to = free_port(), address()
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    with notify_with(
        stack, rpc, PORTAL_SMTP_PORT=str(port), PORTAL_SMTP_RETRY_BASE="0.5"
    ):
        payload = event(email=to, full_name="Phạm Hà", activation_token="k")
        publish(stack, "accounts", "account_registered", payload)
        log.wait("recipient = :to", lambda r: r[0]["status"] == "temp_failed", to=to)
        controller.start()
        try:
            (row,) = log.wait(
                "recipient = :to", lambda r: r[0]["status"] == "sent", to=to
            )
        finally:
            controller.stop()
    assert row["attempts"] >= 2
    assert [str(m["To"]) for m in collector.messages].count(f"Phạm Hà <{to}>") == 1


def test_restart_resumes_messages_queued_while_smtp_was_down(stack, rpc, mailbox, log):
    to = address()
    with notify_with(stack, rpc, PORTAL_SMTP_PORT=str(free_port())):
        payload = event(email=to, full_name="Võ Minh", activation_token="k2")
        publish(stack, "accounts", "account_registered", payload)
        log.wait("recipient = :to", sent_or_failed, to=to)
    (msg,) = mailbox.wait_for(to)
    assert "k2" in msg.get_body(("plain",)).get_content()


def test_template_that_fails_to_render_is_refused(rpc):
    data = {"key": "dossier_submitted", "source": "{% block subject %}{{ x }"}
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "save_template", ADMIN, data)
    assert err.value.code == "TEMPLATE_INVALID"


def test_officer_may_not_override_templates(rpc):
    officer = dict(ADMIN, roles=["officer"], department="TP")
    with pytest.raises(ServiceError) as err:
        rpc.call("notify", "save_template", officer, {"key": "x", "source": "y"})
    assert err.value.code == "FORBIDDEN"


def test_province_override_is_used_for_that_province_only(stack, rpc, mailbox):
    marker = uuid.uuid4().hex[:8]
    source = (
        "{% block subject %}Tỉnh 02 " + marker + " {{ dossier.procedure.name }}"
        "{% endblock %}{% block text %}Xem {{ portal_link() }}{% endblock %}"
        "{% block html %}{{ portal_link('Xem') }}{% endblock %}"
    )
    data = {"key": "dossier_submitted", "source": source}
    admin = dict(ADMIN, province="02")  # other tests mail province 01 dossiers
    rpc.call("notify", "save_template", admin, data)
    here, there = address(), address()
    mine = dossier(here, province="02")
    publish(stack, "dossiers", "dossier_submitted", event(dossier=mine))
    other = dossier(there, province="79")
    publish(stack, "dossiers", "dossier_submitted", event(dossier=other))
    (mine,) = mailbox.wait_for(here)
    (theirs,) = mailbox.wait_for(there)
    assert marker in str(mine["Subject"])
    assert marker not in str(theirs["Subject"])
    found = rpc.call("notify", "get_template", admin, "dossier_submitted", "vi")
    assert found["overridden"] is True
