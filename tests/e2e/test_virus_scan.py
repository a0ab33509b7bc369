"""Uploads pass through the real ClamAV daemon (deploy/local/infra's `clamav`).

clamd runs with the project's own signature file (the EICAR test string), so a file
carrying EICAR is refused with FILE_INFECTED and leaves nothing behind: no row in the
files database, no object in MinIO. A clean file of the same kind is kept.
"""

import uuid

import pytest
from minio import Minio
from sqlalchemy import create_engine, text

from services.shared.config import database_url

from .test_api_journey import PDF, login, register_citizen

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# A well-formed PDF (so the type check passes and the scanner decides) with EICAR
# in a comment line.
INFECTED = PDF.replace(b"\ntrailer", b"\n% " + EICAR + b"\ntrailer")


@pytest.fixture
def leftovers(stack):
    """Count the files rows named like a test upload and list the bucket's objects."""
    env = stack.env
    engine = create_engine(database_url("files", env), pool_size=1)
    client = Minio(
        env["PORTAL_S3_ENDPOINT"],
        access_key=env["PORTAL_S3_ACCESS_KEY"],
        secret_key=env["PORTAL_S3_SECRET_KEY"],
        secure=False,
    )
    bucket = f"{env['PORTAL_BUCKET_PREFIX']}files"

    def snapshot(name):
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT count(*) FROM files WHERE name = :n"), {"n": name}
            ).scalar()
        objects = {o.object_name for o in client.list_objects(bucket, recursive=True)}
        return rows, objects

    yield snapshot
    engine.dispose()


@pytest.fixture
def draft(api, agency, mailbox):
    citizen = login(api, register_citizen(api, mailbox))
    resp = citizen.post(
        "/api/v1/dossiers",
        json={"procedure": agency.procedure, "agency": agency.code, "form": {}},
    )
    assert resp.status_code == 201, resp.text
    return citizen, resp.json()["id"]


def post_file(citizen, dossier_id, name, data):
    return citizen.post(
        f"/api/v1/dossiers/{dossier_id}/files",
        data={"slot": "to_khai"},
        files={"file": (name, data, "application/pdf")},
    )


def test_eicar_upload_is_refused_and_nothing_of_it_is_kept(draft, leftovers):
    citizen, dossier_id = draft
    name = f"eicar-{uuid.uuid4().hex[:8]}.pdf"
    _, before = leftovers(name)
    refused = post_file(citizen, dossier_id, name, INFECTED)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "FILE_INFECTED"
    rows, after = leftovers(name)
    assert rows == 0
    # Conversions of earlier uploads may add `files/<id>/pdf`; an upload's own
    # objects are `incoming/<id>` and `files/<id>/original`.
    assert not [
        k for k in after - before if k.startswith("incoming/") or "/original" in k
    ]
    listed = citizen.get(f"/api/v1/dossiers/{dossier_id}/files").json()["items"]
    assert name not in {f["name"] for f in listed}


def test_clean_upload_passes_the_scanner_and_is_kept(draft, leftovers):
    citizen, dossier_id = draft
    name = f"clean-{uuid.uuid4().hex[:8]}.pdf"
    kept = post_file(citizen, dossier_id, name, PDF)
    assert kept.status_code == 201, kept.text
    rows, objects = leftovers(name)
    assert rows == 1
    assert f"files/{kept.json()['id']}/original" in objects
