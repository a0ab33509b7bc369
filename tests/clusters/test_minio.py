"""A MinIO drive removed: every file still reads, byte for byte.

MinIO runs erasure-coded over four drive directories (EC:2). Files are uploaded
through the gateway; one drive's directory is then moved away, as a failed disk
disappears, and every file is downloaded again through the gateway and compared.
"""

import hashlib
import os

import pytest

from .burst import SLOT
from .conftest import cluster_fixture, running, stack_on

pytestmark = pytest.mark.clusters

minio = cluster_fixture("minio")
SIZES = (1, 1000, 64 * 1024, 3 * 1024 * 1024 + 17)


@pytest.fixture(scope="module")
def files_stack(minio):
    yield from running(stack_on(minio, ("PORTAL_S3_ENDPOINT",)), minio)


def pdf(size):
    """A PDF the files service accepts, padded with random bytes to `size`+."""
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%"
    return head + os.urandom(size).replace(b"%%EOF", b"xxxxx") + b"\n%%EOF\n"


def test_every_file_reads_identical_with_a_drive_removed(minio, files_stack):
    stack, world = files_stack
    citizen = world.citizen
    draft = citizen.post(
        "/api/v1/dossiers",
        json={
            "procedure": world.agency.procedure,
            "agency": world.agency.code,
            "form": {"child_name": "Trần Minh Khoa"},
        },
    )
    assert draft.status_code == 201, draft.text
    dossier_id = draft.json()["id"]
    sums = {}
    for size in SIZES:
        data = pdf(size)
        resp = citizen.post(
            f"/api/v1/dossiers/{dossier_id}/files",
            data={"slot": SLOT},
            files={"file": (f"tep-{size}.pdf", data, "application/pdf")},
        )
        assert resp.status_code == 201, resp.text
        sums[resp.json()["id"]] = hashlib.sha256(data).hexdigest()

    drive = minio.var / "data" / "minio-ec" / "drive2"
    removed = drive.with_name("drive2.removed")
    drive.rename(removed)
    try:
        for file_id, digest in sums.items():
            resp = citizen.get(f"/api/v1/files/{file_id}/content")
            assert resp.status_code == 200, resp.text
            assert hashlib.sha256(resp.content).hexdigest() == digest
    finally:
        removed.rename(drive)
