"""The antivirus hook runs a real scanner command on the uploaded bytes."""

import io

import pytest

from services.files.exceptions import FileInfected, ScanUnavailable
from services.files.scanning import scan

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# A stand-in scanner with clamdscan's exit codes: 1 when the EICAR marker is present.
FAKE_SCANNER = (
    "sh -c 'if grep -q EICAR-STANDARD; then echo \"stdin: Eicar FOUND\"; exit 1; fi'"
)


def test_no_scanner_configured_lets_the_file_through():
    scan("", io.BytesIO(EICAR))


def test_clean_file_passes_and_the_stream_is_rewound():
    stream = io.BytesIO(b"%PDF-1.4 clean" * 10000)
    scan(FAKE_SCANNER, stream)
    assert stream.tell() == 0


def test_infected_file_is_refused_with_the_scanners_words():
    with pytest.raises(FileInfected) as err:
        scan(FAKE_SCANNER, io.BytesIO(b"header " + EICAR))
    assert err.value.code == "FILE_INFECTED" and err.value.status == 422
    assert err.value.details == {"file": ["stdin: Eicar FOUND"]}


def test_scanner_error_fails_closed():
    with pytest.raises(ScanUnavailable) as err:
        scan("sh -c 'cat >/dev/null; exit 2'", io.BytesIO(b"x"))
    assert err.value.status == 503


def test_missing_scanner_program_fails_closed():
    with pytest.raises(ScanUnavailable):
        scan("/nonexistent/clamdscan -", io.BytesIO(b"x"))


def test_hanging_scanner_is_stopped():
    with pytest.raises(ScanUnavailable):
        scan("sleep 30", io.BytesIO(b"x"), timeout=0.5)


def test_a_spool_on_disk_is_streamed_to_the_scanner(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"a" * 3_000_000 + EICAR)
    with open(path, "rb") as stream, pytest.raises(FileInfected):
        scan(FAKE_SCANNER, stream)
