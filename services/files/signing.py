"""Signing a result PDF (PAdES baseline B-B) and verifying one.

`ResultSigner` is the interface the result workflow uses: `sign(pdf, who)` returns
the signed bytes. `Pkcs11Signer` implements it with pyHanko over any PKCS#11 module
(SoftHSM2 here, a province's HSM in production: same code, other module path, token
label and PIN). A remote signing service plugs in as another `ResultSigner` (its
`sign` sends the document digest out and embeds the CMS it gets back, e.g. with
pyHanko's `ExternalSigner`). `verify(pdf, trust_roots)` checks the signature's
integrity, the certificate chain up to the given roots and that it covers the whole
file; it does not depend on how the PDF was signed.
"""

import asyncio
import datetime as dt
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asn1crypto import pem, x509
from pyhanko import stamp
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from services.shared.clock import VN_TZ

from . import pki

FIELD = "KetQuaKySo"
# a font with Vietnamese glyphs (Debian fonts-noto-core, deploy/local/install);
# DejaVu's and Liberation's FFTM table is dropped when pyHanko subsets them, which
# spreads their glyphs apart
FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
# the stamp's size and its margin from the last page's bottom-right corner (points)
STAMP_SIZE, MARGIN = (265, 90), 30
STAMP_TEXT = (
    "Ký số bởi: %(signer)s\nCơ quan: %(agency)s\nThời gian: %(when)s\n"
    "Xác thực: quét mã QR"
)


class SignerUnavailable(Exception):
    """The token (or remote service) cannot sign now: PIN missing, no key, down."""


@dataclass(frozen=True)
class Who:
    """Who signs: the leader's name, the agency (code = the key's label) and when;
    `url`: the verification page the stamp's QR code leads to."""

    name: str
    agency: str
    agency_name: str
    at: dt.datetime
    url: str = ""


class ResultSigner:
    """The interface: sign PDF bytes for `who`, return the signed PDF bytes."""

    def sign(self, pdf, who):
        raise NotImplementedError


class Pkcs11Signer(ResultSigner):
    """Signs with the agency's key held in a PKCS#11 token (label = agency code).

    `enrol` (development and tests only) gives an agency without a key one from the
    local CA first; in production the HSM's keys are provisioned by the province.
    """

    # A token's login belongs to the whole process, not to one session: a second
    # session opened with the PIN while another is logged in fails with
    # UserAlreadyLoggedIn, and the first one's close logs the other out. One sign at a
    # time per process (a signature takes tens of milliseconds; instances scale out).
    _one_at_a_time = threading.Lock()

    def __init__(self, settings, enrol=False):
        self.settings, self.enrol = settings, enrol

    def sign(self, pdf, who):
        if not self.settings.pin:
            raise SignerUnavailable("no PIN configured")
        with self._one_at_a_time:
            return self._sign(pdf, who)

    def _sign(self, pdf, who):
        if self.enrol:
            pki.enrol(self.settings, who.agency, who.agency_name)
        os.environ.setdefault("SOFTHSM2_CONF", self.settings.conf)
        try:
            session = open_pkcs11_session(
                self.settings.module,
                token_criteria=_criteria(self.settings.token),
                user_pin=self.settings.pin,
            )
        except Exception as exc:  # noqa: BLE001 - any token fault: cannot sign now
            raise SignerUnavailable(str(exc)) from exc
        try:
            signer = PKCS11Signer(
                session,
                cert_label=who.agency,
                key_label=who.agency,
                ca_chain=trust_roots(self.settings),
            )
            return outside_any_loop(sign_with, signer, pdf, who)
        except SignerUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. no key for this agency
            raise SignerUnavailable(str(exc)) from exc
        finally:
            session.close()


def outside_any_loop(fn, *args):
    """Run `fn` here, or in a thread of its own when this thread runs an asyncio
    loop: pyHanko's synchronous calls start one with asyncio.run, which refuses
    to run inside another (a caller's, e.g. Playwright's in a test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def _criteria(label):
    from pyhanko.config.pkcs11 import TokenCriteria

    return TokenCriteria(label=label)


def sign_with(signer, pdf, who):
    """PAdES-sign `pdf` with a pyHanko signer, with a visible stamp on the last page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    last = int(writer.root["/Pages"]["/Count"]) - 1
    box = _stamp_box(writer, last)
    if who.url:
        _link(writer, last, box, who.url)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=who.name,
        reason="Phê duyệt kết quả giải quyết thủ tục hành chính",
        location=who.agency_name,
    )
    text = TextBoxStyle(font=GlyphAccumulatorFactory(FONT), font_size=8)
    if who.url:
        style = stamp.QRStampStyle(
            stamp_text=STAMP_TEXT, text_box_style=text, border_width=1
        )
    else:
        style = stamp.TextStampStyle(
            stamp_text=STAMP_TEXT, text_box_style=text, border_width=1
        )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(FIELD, on_page=last, box=box),
    )
    when = who.at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    out = pdf_signer.sign_pdf(
        writer,
        appearance_text_params={
            "signer": who.name,
            "agency": who.agency_name,
            "when": when,
            "url": who.url,
        },
    )
    return out.getvalue()


def _stamp_box(writer, page):
    """The stamp's box at the bottom right of the page, whatever its size."""
    _, _, right, _ = (float(v) for v in writer.find_page_for_modification(page)[0]
                      .get_object()["/MediaBox"])  # fmt: skip
    width, height = STAMP_SIZE
    left = max(right - MARGIN - width, 0)
    return (left, MARGIN, left + width, MARGIN + height)


def _link(writer, page, box, url):
    """Make the stamp a link to the verification page (what its QR code says), in
    the signed revision itself."""
    page_ref = writer.find_page_for_modification(page)[0]
    annotation = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Link"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in box]
            ),
            generic.pdf_name("/Border"): generic.ArrayObject(
                [generic.NumberObject(0)] * 3
            ),
            generic.pdf_name("/A"): generic.DictionaryObject(
                {
                    generic.pdf_name("/S"): generic.pdf_name("/URI"),
                    generic.pdf_name("/URI"): generic.pdf_string(url),
                }
            ),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annotation))


def links_of(pdf):
    """The URLs the PDF's link annotations lead to (the stamp's: verification)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    found = []
    for number in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(number)[0].get_object()
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A") or {}
            if action.get("/S") == "/URI":
                found.append(str(action["/URI"]))
    return found


def trust_roots(settings):
    """The CA certificates signatures are checked against (the local root here)."""
    with open(settings.ca_cert_path, "rb") as source:
        data = source.read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return [x509.Certificate.load(data)]


@dataclass(frozen=True)
class Verdict:
    """What verification found, for the page and the API."""

    valid: bool
    intact: bool
    trusted: bool
    whole_file: bool
    signer_name: str | None
    certificate_subject: str | None
    certificate_issuer: str | None
    signed_at: str | None
    problem: str | None = None

    def as_dict(self):
        return dict(self.__dict__)


def verify(pdf, roots):
    """Verify the last signature of `pdf` against `roots` (no network fetches)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - not a readable PDF at all
        return _refused("unreadable")
    if not embedded:
        return _refused("no_signature")
    signature = embedded[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = outside_any_loop(validate_pdf_signature, signature, context)
    except Exception:  # noqa: BLE001 - a mangled signature cannot be valid
        return _refused("signature_unreadable")
    whole = status.coverage.name == "ENTIRE_FILE"
    cert = status.signing_cert
    reported = status.signer_reported_dt
    problem = None
    if not status.intact or not status.valid:
        problem = "signature_broken"
    elif not status.trusted:
        problem = "untrusted_certificate"
    elif not whole:
        problem = "changed_after_signing"
    return Verdict(
        valid=problem is None,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        whole_file=whole,
        signer_name=_signer_name(signature),
        certificate_subject=cert.subject.human_friendly if cert else None,
        certificate_issuer=cert.issuer.human_friendly if cert else None,
        signed_at=reported.isoformat() if reported else None,
        problem=problem,
    )


def _signer_name(signature):
    name = signature.sig_object.get("/Name")
    return str(name) if name is not None else None


def _refused(problem):
    return Verdict(False, False, False, False, None, None, None, None, problem)
