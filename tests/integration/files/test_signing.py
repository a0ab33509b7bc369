"""Signing results with a key inside a real SoftHSM2 token, checked independently.

The PKI (token, local CA, agency key) is made by the setup code itself in a
temporary directory; the signed PDF is then validated with pyHanko's own validator
against the local CA, not with the portal's `verify`, so both sides are tested.
"""

import datetime as dt
import io
import subprocess

import img2pdf
import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from services.files import pki, signing

AGENCY = "000.00.01.H26"
WHO = signing.Who(
    "Trần Thị Lãnh Đạo",
    AGENCY,
    "UBND phường Ba Đình",
    dt.datetime(2026, 12, 1, 3, 4, tzinfo=dt.UTC),
)


def validated(pdf, roots):
    """pyHanko's own verdict on the PDF's last signature against `roots` (in a
    thread of its own when Playwright's loop runs in this one)."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    status = signing.outside_any_loop(validate_pdf_signature, signature, context)
    return signature, status


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    where = tmp_path_factory.mktemp("pki")
    made = pki.PkiSettings(
        str(where), "/usr/lib/softhsm/libsofthsm2.so", "t-signing", "1234", "5678"
    )
    pki.ensure(made)
    pki.enrol(made, AGENCY, "UBND phường Ba Đình")
    return made


def blank_pdf():
    image = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(image, "PNG")
    return img2pdf.convert(image.getvalue())


@pytest.fixture(scope="module")
def signing_run(settings):
    """The signed PDF and the clock's reading just before and after signing: the
    signature's own time is the signer's clock, not the stamp's `WHO.at`."""
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pdf = signing.Pkcs11Signer(settings).sign(blank_pdf(), WHO)
    return pdf, before, dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def signed(signing_run):
    return signing_run[0]


def test_setup_is_idempotent_and_the_key_stays_in_the_token(settings):
    before = open(settings.cert_path(AGENCY), "rb").read()
    pki.ensure(settings, [AGENCY])
    assert open(settings.cert_path(AGENCY), "rb").read() == before
    listing = subprocess.run(
        ["pkcs11-tool", "--module", settings.module, "--list-objects", "--login"]
        + ["--pin", settings.pin, "--token-label", settings.token],
        env={"SOFTHSM2_CONF": settings.conf},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Private Key Object" in listing and AGENCY in listing
    # the private key is not extractable: nothing outside the token ever had it
    assert "never extractable" in listing or "sensitive" in listing


def test_the_signature_validates_against_the_local_ca(settings, signed):
    sig, status = validated(signed, signing.trust_roots(settings))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "UBND phường Ba Đình" in status.signing_cert.subject.human_friendly
    assert str(sig.sig_object["/Name"]) == WHO.name


def test_the_stamp_shows_signer_agency_and_time(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Trần Thị Lãnh Đạo" in text
    assert "UBND phường Ba Đình" in text
    assert "01/12/2026 10:04" in text  # 03:04 UTC on the Vietnamese clock


def test_verify_says_who_signed_and_refuses_tampering(settings, signing_run):
    signed, before, after = signing_run
    roots = signing.trust_roots(settings)
    verdict = signing.verify(signed, roots)
    assert verdict.valid, verdict
    assert verdict.signer_name == WHO.name
    assert before <= dt.datetime.fromisoformat(verdict.signed_at) <= after
    mangled = bytearray(signed)
    at = signed.index(b"/MediaBox") + 12
    mangled[at : at + 1] = b"9"
    assert signing.verify(bytes(mangled), roots).problem == "signature_broken"
    appended = signing.verify(signed + b"\n% appended later\n", roots)
    assert not appended.valid and appended.problem == "changed_after_signing"
    assert signing.verify(blank_pdf(), roots).problem == "no_signature"
    assert signing.verify(b"not a pdf", roots).problem == "unreadable"


def test_another_ca_is_not_trusted(signed, tmp_path):
    module = "/usr/lib/softhsm/libsofthsm2.so"
    other = pki.ensure(pki.PkiSettings(str(tmp_path), module, "x", "1111", "2222"))
    verdict = signing.verify(signed, signing.trust_roots(other))
    assert verdict.problem == "untrusted_certificate"


def test_no_pin_or_no_key_cannot_sign(settings):
    nopin = pki.PkiSettings(
        settings.directory, settings.module, settings.token, "", settings.so_pin
    )
    with pytest.raises(signing.SignerUnavailable):
        signing.Pkcs11Signer(nopin).sign(blank_pdf(), WHO)
    stranger = signing.Who("A", "no.such.agency", "Không có", WHO.at)
    with pytest.raises(signing.SignerUnavailable):
        signing.Pkcs11Signer(settings).sign(blank_pdf(), stranger)


def test_concurrent_signs_in_one_process_all_succeed(settings):
    """A token's login is shared by the whole process: a second session opened with
    the PIN while another is logged in failed with UserAlreadyLoggedIn (two of the
    demo seed's 2,352 stories stopped on it). Every sign of a burst succeeds."""
    from concurrent.futures import ThreadPoolExecutor

    signer = signing.Pkcs11Signer(settings)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: signer.sign(blank_pdf(), WHO), range(8)))
    for pdf in results:
        status = validated(pdf, signing.trust_roots(settings))[1]
        assert status.intact and status.valid and status.trusted
