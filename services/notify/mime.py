"""Compose each e-mail with the standard library's `email` package (policy SMTP).

`EmailMessage` encodes what must be encoded: RFC 2047 UTF-8 subjects and display
names, RFC 2231 UTF-8 attachment names, quoted-printable UTF-8 text and html parts
(7-bit clean, any relay accepts them). A hand-written composer used to do this and
cut every "Nguyễn" in two (the UTF-8 bytes of "ễ" hold 0x85, a line break to
`str.splitlines`); the standard library splits bytes on real line ends only.

A message is a pure function of its row: the `Message-ID` is the row's public id,
`Date` its first attempt and the MIME boundaries are fixed,
so a re-send (an instance killed before it could record the SMTP answer) is the
same message, byte for byte, to every relay and mailbox, and a store that keeps
one copy per Message-ID keeps it once. What repeats across a bulk send is built
once: the parse and the fold of each repeated header (`MailPolicy`: From, every
part's Content-Type...) and each attachment part (base64 and file name encoded once
per stored attachment, then attached to every message that carries it).
"""

import datetime as dt
import unicodedata
from email.charset import Charset
from email.header import Header
from email.headerregistry import Address, UnstructuredHeader
from email.message import EmailMessage, MIMEPart
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr


class MailPolicy(EmailPolicy):
    """Policy SMTP, with its folding of non-ASCII headers repaired, and a memory.

    Repairs (Python 3.11's folder, found by `tests/unit/notify/test_mime.py`):
    - a long non-ASCII Subject folded over several encoded words loses the space
      at about one fold in three ("Hồ sơ" arrives "Hồsơ"; CPython gh-144156, fixed
      after 3.11): such a value is encoded by the email package's RFC 2047 `Header`
      instead, which keeps every space inside its encoded words;
    - a display name folded over several encoded words reads back wrong in one
      reader or another: split at a space, readers that follow RFC 2047 join the
      words ("PhạmHoàng"); split inside a word, the email package's own reader
      inserts a space ("Nguy ễn"). A non-ASCII display name is written as one
      encoded word, however long (a header line may hold 998 characters).
    Memory: most of the email package's time goes to parsing each header into its
    tree and folding it back, and in a bulk send the From header and every part's
    Content-Type and Content-Transfer-Encoding repeat for every recipient. Header
    objects are immutable and their folding depends only on the name, the value
    and the policy, so both are kept (bounded).
    """

    def header_store_parse(self, name, value):
        if type(value) is not str:  # an Address or a header object: as SMTP does
            return super().header_store_parse(name, value)
        parse = super().header_store_parse
        return _remember(_PARSED, (name, value), lambda: parse(name, value))

    def fold_binary(self, name, value):
        key = (self.utf8, name, value)
        return _remember(_FOLDED, key, lambda: self._fold_header(name, value))

    def _fold_header(self, name, value):
        if self.utf8 or str(value).isascii():
            return super().fold_binary(name, value)
        if isinstance(value, UnstructuredHeader):
            folded = Header(str(value), UTF8, header_name=name)
            return (
                f"{name}: {folded.encode(linesep=self.linesep)}{self.linesep}".encode(
                    "ascii"
                )
            )
        if getattr(value, "addresses", None):
            written = [
                f"{UTF8.header_encode(a.display_name)} <{a.addr_spec}>"
                if a.display_name and not a.display_name.isascii()
                else str(a)
                for a in value.addresses
            ]
            joined = ("," + self.linesep + " ").join(written)
            return f"{name}: {joined}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


UTF8 = Charset("utf-8")
_PARSED, _FOLDED, _LIMIT = {}, {}, 4096


def _remember(cache, key, make):
    found = cache.get(key)
    if found is None:
        if len(cache) >= _LIMIT:
            cache.clear()  # per-recipient values would fill it: start again
        found = cache[key] = make()
    return found


POLICY = MailPolicy(linesep="\r\n")  # = policy SMTP, repaired


# "=_" occurs in no quoted-printable ("=" is written "=3D") and no base64 text, so
# these boundaries never collide with a part; fixed, so a re-send is identical.
BOUNDARIES = {"alternative": "=_portal.alternative", "mixed": "=_portal.mixed"}


def address(display, addr_spec):
    """A header address; line breaks in the name are folded to spaces (no header
    can be added through a name), and the name is NFC.

    NFC: each letter with its tone marks is one code point, as people type them.
    """
    local, _, domain = addr_spec.rpartition("@")
    name = unicodedata.normalize("NFC", " ".join(str(display or "").split()))
    return Address(name, local, domain)


def attachment_part(item):
    """The MIME part of one stored attachment ({name, content_type, data})."""
    maintype, _, subtype = (item["content_type"] or "").partition("/")
    if not subtype:
        maintype, subtype = "application", "octet-stream"
    part = MIMEPart(policy=POLICY)
    part.set_content(
        item["data"], maintype=maintype, subtype=subtype, filename=item["name"]
    )
    return part


class Composer:
    """Messages from one sender (`PORTAL_MAIL_FROM`)."""

    def __init__(self, sender):
        name, self.sender_address = parseaddr(sender)
        self.domain = self.sender_address.rpartition("@")[2] or "localhost"
        probe = EmailMessage(policy=POLICY)
        probe["From"] = address(name, self.sender_address)
        self.from_header = probe["From"]  # parsed once, reused by every message

    def message_id(self, public_id):
        """The Message-ID of a message row: the same on every attempt."""
        return f"<{public_id}@{self.domain}>"

    def compose(self, key, date, recipient, name, subject, text, html, parts=()):
        """The EmailMessage of one row: `key` its public id, `date` (aware) its first
        attempt, `parts` attachment parts from `attachment_part`."""
        msg = EmailMessage(policy=POLICY)
        msg["From"] = self.from_header
        msg["To"] = address(name, recipient)
        msg["Subject"] = " ".join(str(subject or "").split())
        msg["Date"] = format_datetime(date.astimezone(dt.UTC), usegmt=True)
        msg["Message-ID"] = self.message_id(key)
        msg.set_content(text, charset="utf-8", cte="quoted-printable")
        if html:
            msg.add_alternative(
                html, subtype="html", charset="utf-8", cte="quoted-printable"
            )
            msg.set_boundary(BOUNDARIES["alternative"])
        if parts:
            msg.make_mixed()
            for part in parts:
                msg.attach(part)
            msg.set_boundary(BOUNDARIES["mixed"])
        return msg
