"""E-mails composed with the standard library read back exactly, in Vietnamese.

The property tests generate Vietnamese text from every vowel with every tone mark
(both cases, NFC and NFD: a precomposed "ễ" or "e" + circumflex + tilde), "đ" and
the consonants, long lines and long names, and require that what is sent reads back
identical through `BytesParser(policy=default)`: subject, sender and recipient
display names, text and html bodies, attachment names and bytes. A hand-written
composer once cut every "Nguyễn" in two (the 0x85 byte of "ễ" taken for a line
break); its tests never met that letter.
"""

import datetime as dt
import email
import email.parser
import email.policy
import unicodedata
import uuid
from email.header import decode_header, make_header
from email.parser import BytesParser

from hypothesis import given, settings
from hypothesis import strategies as st

from services.notify import mime

SENDER = "Cổng dịch vụ công <no-reply@dichvucong.local>"
DATE = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
BASES = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
SYLLABLES = sorted(
    {
        unicodedata.normalize(form, base + tone)
        for form in ("NFC", "NFD")
        for b in BASES
        for base in (b, b.upper())
        for tone in TONES
    }
)
LETTERS = SYLLABLES + list("đĐbcdghklmnpqrstvxBCDGHKLMNPQRSTVX")
WORDS = st.lists(st.sampled_from(LETTERS), min_size=1, max_size=12).map("".join)
PUNCT = st.sampled_from([" ", " ", " ", ", ", ". ", " - ", ": ", "(", ")", '"'])
TEXT = st.lists(st.tuples(WORDS, PUNCT), min_size=1, max_size=40).map(
    lambda pairs: "".join(w + p for w, p in pairs).strip() or "a"
)
# A name as people write it (the parser may not keep a lone quote or bracket).
NAMES = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
LINES = st.lists(TEXT | st.just("") | TEXT.map(lambda t: t * 4), min_size=1, max_size=8)


def read(data):
    return BytesParser(policy=email.policy.default).parsebytes(data)


def rfc2047(raw, header):
    """A header as RFC 2047 reads it (compat32's decode_header)."""
    return str(make_header(decode_header(email.message_from_bytes(raw)[header])))


def body(msg, subtype):
    """A part's text with the wire's CRLF line ends read as newlines."""
    return msg.get_body((subtype,)).get_content().replace("\r\n", "\n")


def compose(name, subject, text, html, attachments=(), key=None):
    parts = [mime.attachment_part(a) for a in attachments]
    msg = mime.Composer(SENDER).compose(
        key or str(uuid.uuid4()), DATE, "an@example.vn", name, subject, text, html,
        parts,
    )  # fmt: skip
    return msg.as_bytes()


@settings(max_examples=120, deadline=None)
@given(name=NAMES, subject=TEXT, lines=LINES, file_name=TEXT)
def test_any_vietnamese_text_reads_back_identical(name, subject, lines, file_name):
    text = "\n".join(lines) + "\n"
    html = "<p>" + "</p>\n<p>".join(lines) + "</p>\n"
    data = bytes(range(256)) * 3
    attachment = {"name": file_name + ".pdf", "content_type": "application/pdf",
                  "data": data}  # fmt: skip
    raw = compose(name, subject, text, html, [attachment])
    assert raw.isascii()  # 7-bit clean: any relay takes it
    msg = read(raw)
    assert all(not part.defects for part in msg.walk())
    assert str(msg["Subject"]) == subject
    # names go as NFC: the same letters, each with its marks in one code point
    assert msg["To"].addresses[0].display_name == unicodedata.normalize("NFC", name)
    assert msg["To"].addresses[0].addr_spec == "an@example.vn"
    assert msg["From"].addresses[0].display_name == "Cổng dịch vụ công"
    # and so does a reader that follows RFC 2047 to the letter (the encoded words
    # of a header joined without the white space between them)
    assert rfc2047(raw, "Subject") == subject
    assert rfc2047(raw, "To").startswith(unicodedata.normalize("NFC", name) + " <")
    assert body(msg, "plain") == text
    assert body(msg, "html") == html
    (part,) = msg.iter_attachments()
    assert part.get_filename() == file_name + ".pdf"
    assert part.get_content() == data


def test_nguyen_thi_anh_tuyet_arrives_whole():
    name = "Nguyễn Thị Ánh Tuyết"
    msg = read(compose(name, f"Kính gửi {name}", f"Kính gửi {name}\n", None))
    assert msg["To"].addresses[0].display_name == name
    assert str(msg["Subject"]) == f"Kính gửi {name}"
    assert body(msg, "plain") == f"Kính gửi {name}\n"


@settings(max_examples=50, deadline=None)
@given(name=NAMES, subject=TEXT)
def test_remembered_headers_change_no_byte(name, subject):
    key = str(uuid.uuid4())
    mime._PARSED.clear()
    mime._FOLDED.clear()
    fresh = compose(name, subject, "x", "<p>x</p>", key=key)
    assert compose(name, subject, "x", "<p>x</p>", key=key) == fresh  # from memory


def test_a_row_makes_the_same_message_on_every_attempt():
    key = str(uuid.uuid4())
    pdf = {"name": "Biên nhận.pdf", "content_type": "application/pdf", "data": b"%"}
    first = compose("Ánh", "Hồ sơ", "Nội dung", "<p>Nội dung</p>", [pdf], key)
    again = compose("Ánh", "Hồ sơ", "Nội dung", "<p>Nội dung</p>", [pdf], key)
    assert first == again
    msg = read(first)
    assert msg["Message-ID"] == f"<{key}@dichvucong.local>"
    assert msg["Date"].datetime == DATE
    other = read(compose("Ánh", "Hồ sơ", "Nội dung", None, key=str(uuid.uuid4())))
    assert other["Message-ID"] != msg["Message-ID"]


def test_line_breaks_in_names_and_subjects_cannot_add_headers():
    raw = compose("An\r\nBcc: x@evil.test", "S\nBcc: y@evil.test", "x", None)
    msg = read(raw)
    assert msg["Bcc"] is None
    assert str(msg["Subject"]) == "S Bcc: y@evil.test"


def test_a_non_ascii_address_goes_as_smtputf8():
    msg = mime.Composer(SENDER).compose(
        "k", DATE, "nguyễn@ví-dụ.vn", "Nguyễn", "Chào", "x", None
    )
    raw = msg.as_bytes(policy=msg.policy.clone(utf8=True))
    parsed = email.parser.Parser(policy=email.policy.default).parsestr(raw.decode())
    assert parsed["To"].addresses[0].addr_spec == "nguyễn@ví-dụ.vn"
