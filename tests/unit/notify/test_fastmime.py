"""The directly composed MIME reads back exactly like the email package's own."""

import email
import email.policy

import pytest

from services.notify.fastmime import Composer, attachment_part
from services.notify.mailer import build_message

SENDER = "Cổng dịch vụ công <no-reply@dichvucong.local>"
PDF = {
    "name": "Thông báo lịch tiếp dân (đợt 1).pdf",
    "content_type": "application/pdf",
    "data": bytes(range(256)) * 40,
}
TEXTS = [
    "Kính gửi Người nhận\n\n.dòng bắt đầu bằng chấm\nFrom đây\n",
    "ờ" * 120,
    "\n  thụt lề  \ntab\tend ",
    "x" * 100 + "\n",
]


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def read(msg):
    html = msg.get_body(("html",))
    return (
        msg.get_body(("plain",)).get_content(),
        html.get_content() if html else None,
        [(p.get_filename(), p.get_content()) for p in msg.iter_attachments()],
    )


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("html", [None, "<p>Xin chào <b>Ánh</b></p>"])
@pytest.mark.parametrize("attachments", [[], [PDF]])
def test_composed_message_reads_back_like_build_message(text, html, attachments):
    parts = [attachment_part(a) for a in attachments]
    fast = parse(
        Composer(SENDER).compose("a@example.vn", "Ánh", "Chủ đề", text, html, parts)
    )
    slow = parse(
        build_message(
            SENDER, "a@example.vn", "Ánh", "Chủ đề", text, html, attachments
        ).as_bytes()
    )
    assert read(fast) == read(slow)
    assert all(not part.defects for part in fast.walk())


def test_vietnamese_subject_names_and_sender_decode_exactly():
    subject = "Thông báo về việc tiếp nhận hồ sơ " * 4
    name = 'Nguyễn Thị Ánh, "Phòng" Tư pháp'
    msg = parse(Composer(SENDER).compose("a@example.vn", name, subject, "x", None))
    assert str(msg["Subject"]) == " ".join(subject.split())
    assert msg["To"].addresses[0].display_name == name
    assert msg["To"].addresses[0].addr_spec == "a@example.vn"
    assert msg["From"].addresses[0].display_name == "Cổng dịch vụ công"
    assert msg["Date"] and msg["Message-ID"]


def test_line_breaks_in_names_and_subjects_cannot_add_headers():
    data = Composer(SENDER).compose(
        "a@example.vn", "An\r\nBcc: x@evil.test", "S\nBcc: y@evil.test", "x", None
    )
    msg = parse(data)
    assert msg["Bcc"] is None
    assert data.isascii()
