"""The development SMTP sink keeps one copy per Message-ID, as a mailbox store does."""

import smtplib
from email.message import EmailMessage

from deploy.local.smtp_sink import MaildirSink, SinkController
from tests.stack import free_port


def message(message_id, text):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@x.vn", "b@x.vn", "Nguyễn"
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(text)
    return msg


def test_a_message_sent_again_is_stored_once_and_counted(tmp_path):
    port = free_port()
    controller = SinkController(MaildirSink(tmp_path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            for msg in (
                message("<row-1@dichvucong.local>", "first"),
                message("<row-1@dichvucong.local>", "first, again"),
                message("<row-2@dichvucong.local>", "second"),
                message(None, "no id"),
                message(None, "no id"),
            ):
                smtp.send_message(msg)
    finally:
        controller.stop()
    stored = sorted(p.read_bytes() for p in tmp_path.glob("*.eml"))
    assert len(stored) == 4
    assert sum(b"<row-1@dichvucong.local>" in raw for raw in stored) == 1
    assert b"again" not in b"".join(stored)
    duplicates = (tmp_path / ".ids" / "duplicates").read_text().split()
    assert duplicates == ["<row-1@dichvucong.local>"]
