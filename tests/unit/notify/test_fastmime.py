"""The directly composed MIME reads back exactly like the email package's own."""

import email
import email.policy
import unicodedata
from email.header import decode_header, make_header
from email.utils import parseaddr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# Every Vietnamese letter with every tone mark, both cases, plus đ: the letters whose
# UTF-8 bytes include 0x85 ("ễ" is E1 BB 85) once cut every "Nguyễn" in two.
BASES = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
LETTERS = sorted(
    {
        unicodedata.normalize("NFC", base + tone)
        for b in BASES
        for base in (b, b.upper())
        for tone in TONES
    }
    | set("đĐbcdghklmnpqrstvx")
)
VIETNAMESE = st.text(alphabet=st.sampled_from(LETTERS + [" ", ",", "."]), min_size=1)
NAMES = st.text(alphabet=st.sampled_from(LETTERS + [" "]), min_size=1)


def display_name(data):
    """The To name decoded as RFC 2047 says (adjacent encoded words join without a
    space; the email package's own address parser inserts one)."""
    raw = email.message_from_bytes(data)["To"]  # compat32: the header as sent
    return parseaddr(str(make_header(decode_header(raw))))[0]


def body(msg, subtype):
    """A part's text with the wire's CRLF line ends read as newlines."""
    return msg.get_body((subtype,)).get_content().replace("\r\n", "\n")


@settings(max_examples=200, deadline=None)
@given(
    name=NAMES,
    subject=VIETNAMESE,
    lines=st.lists(VIETNAMESE, min_size=1, max_size=6),
)
def test_any_vietnamese_text_reads_back_identical(name, subject, lines):
    text = "\n".join(lines) + "\n"
    html = "<p>" + "</p><p>".join(lines) + "</p>"
    data = Composer(SENDER).compose("a@example.vn", name, subject, text, html)
    msg = parse(data)
    assert display_name(data) == " ".join(name.split())
    assert str(msg["Subject"]) == " ".join(subject.split())
    assert body(msg, "plain") == text
    assert body(msg, "html").rstrip("\n") == html
    assert all(not part.defects for part in msg.walk())


def test_nguyen_arrives_whole():
    msg = parse(
        Composer(SENDER).compose("a@b.vn", "Nguyễn Văn An", "x", "Nguyễn\n", None)
    )
    assert body(msg, "plain") == "Nguyễn\n"
