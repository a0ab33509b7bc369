"""Pure rules of the files service: names, types, limits and the zip-bomb guard."""

import io

import pytest

from gateway.resources.files import spool_part
from services.files import domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/Giấy khai sinh.pdf", "Giấy khai sinh.pdf"),
        ("C:\\Users\\an\\Đơn đề nghị.docx", "Đơn đề nghị.docx"),
        ("bad\x00name\x1f.txt", "badname.txt"),
        ("a<b>c?.png", "a_b_c_.png"),
        ("", "tep-tin"),
        ("...", "tep-tin"),
    ],
)
def test_normalise_name_keeps_vietnamese_and_drops_path_tricks(raw, expected):
    assert domain.normalise_name(raw) == expected


def test_normalise_name_composes_decomposed_vietnamese():
    decomposed = "Gia\u0301y.pdf"  # "á" as a + combining acute
    assert domain.normalise_name(decomposed) == "Giáy.pdf"


def test_long_names_keep_their_extension():
    name = domain.normalise_name("x" * 400 + ".docx")
    assert name.endswith(".docx") and len(name) <= domain.MAX_NAME


@pytest.mark.parametrize(
    ("name", "detected", "ok"),
    [
        ("a.pdf", "application/pdf", True),
        ("a.docx", "image/png", False),
        ("a.jpg", "image/jpeg", True),
        ("a.png", "image/jpeg", False),
        ("a.txt", "text/x-c", True),
        ("a.txt", "text/html", False),
        ("a.exe", "application/x-dosexec", False),
    ],
)
def test_bytes_must_match_the_name(name, detected, ok):
    assert domain.matches(name, detected) is ok


def test_generic_zip_is_named_by_its_entries():
    refined = domain.refine_zip("application/zip", {"word/document.xml"})
    assert refined == domain.TYPES["docx"][0]
    assert domain.refine_zip("application/zip", {"x"}) == "application/zip"


def test_slot_accept_list_and_wildcards():
    assert domain.accepted("image/png", ["image/*"])
    assert domain.accepted("application/pdf", [])
    assert not domain.accepted("image/png", ["application/pdf"])


def test_zip_bomb_verdicts():
    assert domain.zip_verdict([10, 10], 15, 100, 100) is None
    assert domain.zip_verdict([200], 10, 100, 1000) == "unpacked_too_large"
    assert domain.zip_verdict([500], 2, 1000, 100) == "compression_ratio_too_high"
    assert domain.zip_verdict([1] * 6000, 6000, 10**6, 100) == "too_many_entries"


def test_conversion_state_of_a_new_file():
    assert domain.initial_conversion("a.pdf") == domain.NOT_NEEDED
    assert domain.initial_conversion("a.docx") == domain.PENDING
    assert domain.initial_conversion("a.tiff") == domain.PENDING


def test_quota_problems():
    assert domain.quota_problem(5, 10, 0, 100) is None
    assert domain.quota_problem(11, 10, 0, 100) == "FILE_TOO_LARGE"
    assert domain.quota_problem(5, 10, 99, 100) == "DOSSIER_FILES_TOO_LARGE"


def test_upload_spool_stops_at_the_limit_with_413():
    with pytest.raises(Exception) as caught:
        spool_part(io.BytesIO(b"x" * 300_000), limit=200_000)
    assert caught.value.code == "FILE_TOO_LARGE"
    spool, size = spool_part(io.BytesIO(b"x" * 1000), limit=200_000)
    assert size == 1000 and spool.read() == b"x" * 1000


def test_file_names_lose_bidirectional_overrides_that_disguise_extensions():
    assert domain.normalise_name("ảnh\u202egnp.exe") == "ảnhgnp.exe"
    assert domain.normalise_name("a\u2066b\u2069\u200f.pdf") == "ab.pdf"
