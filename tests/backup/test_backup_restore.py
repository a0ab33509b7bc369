"""A backup restores: a journey begun on one stack finishes on a fresh one.

On a first stack a citizen files a dossier with a document and the desk receives it;
`deploy.backup` copies every service database (pg_dump) and the file bucket into a
dated directory with its manifest. That stack is then removed — databases, vhost,
index and the bucket's objects. The backup is restored under new prefixes, a fresh
stack starts on it, the index is rebuilt from the databases
(`services.search.rebuild`), and the journey goes on: the officer and the leader move
the dossier to its result, its document downloads byte-identical, and search finds it.
"""

import hashlib
import json
import os
import subprocess
import sys
import time

import pytest

from deploy import backup
from tests.clusters.burst import SLOT, LightAgency
from tests.conftest import Api, Mailbox
from tests.e2e.test_api_journey import Desk, login, register_citizen
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.integration


def pdf(size=50_000):
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%"
    return head + os.urandom(size).replace(b"%%EOF", b"xxxxx") + b"\n%%EOF\n"


def started(stack):
    try:
        stack.start()
    except Exception:
        stack.stop()
        raise
    return stack


def begin_journey(stack):
    """A received dossier with one document; what the restored stack must show."""
    api = Api(stack.url)
    agency = LightAgency(api, stack)
    mailbox = Mailbox(stack.env["PORTAL_MAIL_DIR"], since=stack.created - 5)
    email = register_citizen(api, mailbox)
    citizen = login(api, email)
    draft = citizen.post(
        "/api/v1/dossiers",
        json={
            "procedure": agency.procedure,
            "agency": agency.code,
            "form": {"child_name": "Lê Bảo Ngọc"},
        },
    )
    assert draft.status_code == 201, draft.text
    dossier = draft.json()["id"]
    data = pdf()
    uploaded = citizen.post(
        f"/api/v1/dossiers/{dossier}/files",
        data={"slot": SLOT},
        files={"file": ("giấy tờ.pdf", data, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    assert citizen.post(f"/api/v1/dossiers/{dossier}/submit").status_code == 200
    desk = Desk(login(api, agency.staff["desk"]), dossier)
    received = desk.act("receive", "processing", department=agency.department)
    # the receipt slip is stored and mailed after the answer: wait for it, so that
    # the backup is taken of a system at rest
    mailbox.wait_for(email, subject_contains=received["receipt_number"], timeout=60)
    return {
        "agency": agency.staff,
        "email": email,
        "dossier": dossier,
        "file": uploaded.json()["id"],
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def searched(citizen):
    """The citizen's dossiers as search finds them by the applicant's name."""
    resp = citizen.get("/api/v1/dossiers", params={"q": "Nguyễn Thị Hằng"})
    assert resp.status_code == 200, resp.text
    return {item["id"]: item["status"] for item in resp.json()["items"]}


def eventually(fetch, expected, timeout=30):
    deadline = time.monotonic() + timeout
    while (value := fetch()) != expected and time.monotonic() < deadline:
        time.sleep(0.3)
    assert value == expected


def bucket_objects(stack):
    client = backup.s3_client(stack.env)
    bucket = f"{stack.env['PORTAL_BUCKET_PREFIX']}files"
    return [o.object_name for o in client.list_objects(bucket, recursive=True)]


def remove_bucket_objects(stack):
    client = backup.s3_client(stack.env)
    bucket = f"{stack.env['PORTAL_BUCKET_PREFIX']}files"
    for name in bucket_objects(stack):
        client.remove_object(bucket, name)
    client.remove_bucket(bucket)


def test_a_journey_finishes_on_a_restored_stack(tmp_path):
    old = started(Stack())
    try:
        journey = begin_journey(old)
        stored = len(bucket_objects(old))  # the document, and the slips made of it
        made = backup.backup(tmp_path, old.env)
    finally:
        old.stop()
    remove_bucket_objects(old)

    manifest = json.loads((made / "manifest.json").read_text())
    assert set(manifest["databases"]) == set(backup.SERVICES)
    assert manifest["buckets"] == {"files": stored}
    assert backup.verify(made) == manifest

    fresh = Stack()
    backup.restore(made, fresh.env)
    started(fresh)
    try:
        rebuilt = subprocess.run(
            [sys.executable, "-m", "services.search.rebuild"],
            cwd=ROOT,
            env=fresh.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
        assert json.loads(rebuilt.stdout)["source"] >= 1

        api = Api(fresh.url)
        staff = {r: login(api, e) for r, e in journey["agency"].items()}
        citizen = login(api, journey["email"])
        dossier = journey["dossier"]
        # found before anything happened on the fresh stack: from the rebuild alone
        assert searched(citizen) == {dossier: "processing"}
        Desk(staff["officer"], dossier).act("send_for_approval", "pending_approval")
        Desk(staff["leader"], dossier).act("approve", "approved")
        Desk(staff["desk"], dossier).act("return_result", "completed")

        content = citizen.get(f"/api/v1/files/{journey['file']}/content")
        assert content.status_code == 200, content.text
        assert hashlib.sha256(content.content).hexdigest() == journey["sha256"]

        eventually(lambda: searched(citizen), {dossier: "completed"})
    finally:
        fresh.stop()
        remove_bucket_objects(fresh)


def test_a_backup_that_does_not_match_its_manifest_is_refused(tmp_path):
    (tmp_path / "db").mkdir()
    dump = tmp_path / "db" / "accounts.dump"
    dump.write_bytes(b"PGDMP original")
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "files": {
                    "db/accounts.dump": {
                        "size": dump.stat().st_size,
                        "sha256": backup.sha256(dump),
                    }
                }
            }
        )
    )
    assert backup.verify(tmp_path)
    dump.write_bytes(b"PGDMP tampered")
    with pytest.raises(backup.BackupError, match="does not match"):
        backup.verify(tmp_path)
    dump.unlink()
    with pytest.raises(backup.BackupError, match="missing"):
        backup.verify(tmp_path)
    with pytest.raises(backup.BackupError, match="not a backup"):
        backup.verify(tmp_path / "db")
