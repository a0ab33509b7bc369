"""The audit trail through the real stack: one hash-chained log per service database.

A login (accounts), a transition (dossiers) and a download (files) made through the
API each land in their service's chain; the verify command answers OK; a row
tampered with directly in PostgreSQL is named by the command; the trigger refuses
UPDATE, DELETE and TRUNCATE.
"""

import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from services.shared.config import database_url
from tests.conftest import Api

from .conftest import PASSWORD, Agency
from .test_api_journey import PDF, Desk, jpeg_bytes, login, register_citizen, upload

REFUSED = "42501"  # insufficient_privilege, raised by the append-only trigger


@pytest.fixture(scope="module")
def engines(stack):
    made = {
        svc: create_engine(database_url(svc, stack.env), pool_size=1)
        for svc in ("accounts", "dossiers", "files")
    }
    yield made
    for engine in made.values():
        engine.dispose()


def entries(engine, action, target):
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT id, actor, details FROM audit_log"
                " WHERE action = :a AND target = :t ORDER BY id"
            ),
            {"a": action, "t": target},
        ).all()


def verify(stack, service, *options):
    return subprocess.run(
        [sys.executable, "-m", "services.shared.audit", "verify", service, *options],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def office(stack):
    """One agency for the module, with an agency admin (who holds audit.read)."""
    made = Agency(Api(stack.url), stack)
    made.admin = f"admin-{uuid.uuid4().hex[:8]}@e2e.test"
    body = {"email": made.admin, "full_name": "Quản trị", "password": PASSWORD,
            "role": "admin", "agency": made.code, "province": "01"}  # fmt: skip
    assert made.operator.post("/api/v1/staff", json=body).status_code == 201
    return made


@pytest.fixture(scope="module")
def journey(stack, office, mailbox):
    """A citizen logs in, uploads, submits; the desk receives and downloads."""
    api = Api(stack.url)
    email = register_citizen(api, mailbox)
    citizen = login(api, email)
    dossier = citizen.post(
        "/api/v1/dossiers",
        json={
            "procedure": office.procedure,
            "agency": office.code,
            "form": {"child_name": "Nguyễn Văn An", "copies": 1},
        },
    ).json()["id"]
    sent = upload(citizen, dossier, "to_khai", "to_khai.pdf", PDF, "application/pdf")
    upload(citizen, dossier, "giay_chung_sinh", "cs.jpg", jpeg_bytes(), "image/jpeg")
    assert citizen.post(f"/api/v1/dossiers/{dossier}/submit").status_code == 200
    desk = login(api, office.staff["desk"])
    Desk(desk, dossier).act("receive", "processing", department=office.department)
    got = desk.get(f"/api/v1/files/{sent['id']}/content")
    assert got.status_code == 200 and got.content == PDF
    return {"email": email, "dossier": dossier, "file": sent["id"]}


def test_login_transition_and_download_are_chained(stack, engines, journey):
    assert entries(engines["accounts"], "login", journey["email"])
    moves = entries(engines["dossiers"], "dossier.receive", journey["dossier"])
    assert moves and moves[0].details == {
        "from": "waiting_reception",
        "to": "processing",
    }
    assert entries(engines["dossiers"], "dossier.submit", journey["dossier"])
    downloads = entries(engines["files"], "file.download", journey["file"])
    assert downloads and downloads[0].actor
    for service in ("accounts", "dossiers", "files"):
        checked = verify(stack, service)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.startswith(f"OK {service}: ")
        head = checked.stdout.split()[-1]
        assert verify(stack, service, "--anchor", head).returncode == 0
    assert verify(stack, "files", "--anchor", "f" * 64).returncode == 1


def test_a_tampered_row_is_named_by_the_verify_command(stack, engines, journey):
    engine = engines["dossiers"]
    victim = entries(engine, "dossier.receive", journey["dossier"])[0].id
    with engine.begin() as conn:
        original = conn.execute(
            text("SELECT details::text FROM audit_log WHERE id = :i"), {"i": victim}
        ).scalar()
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(
            text("UPDATE audit_log SET details = CAST(:d AS json) WHERE id = :i"),
            {"d": '{"to": "completed"}', "i": victim},
        )
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    try:
        broken = verify(stack, "dossiers")
        assert broken.returncode == 1
        assert f"BROKEN dossiers: entry {victim} " in broken.stdout
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            conn.execute(
                text("UPDATE audit_log SET details = CAST(:d AS json) WHERE id = :i"),
                {"d": original, "i": victim},
            )
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    assert verify(stack, "dossiers").returncode == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'x' WHERE id = (SELECT min(id) FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)",
        "TRUNCATE audit_log",
    ],
)
def test_the_trigger_refuses_to_change_the_log(engines, journey, statement):
    for engine in engines.values():  # the journey left entries in every chain
        with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
            conn.execute(text(statement))
        assert refused.value.orig.pgcode == REFUSED


def test_audit_readers_list_each_chain_in_scope(api, office, journey):
    admin = login(api, office.admin)
    files = admin.get("/api/v1/audit", params={"log": "files"}).json()["items"]
    assert journey["file"] in {
        e["target"] for e in files if e["action"] == "file.download"
    }
    moves = admin.get("/api/v1/audit", params={"log": "dossiers"}).json()["items"]
    assert {"dossier.submit", "dossier.receive"} <= {
        e["action"] for e in moves if e["target"] == journey["dossier"]
    }
    assert all(len(e["hash"]) == 64 for e in files + moves)
    assert {e["agency"] for e in files + moves} == {office.code}  # its agency only
    wrong = admin.get("/api/v1/audit", params={"log": "search"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "VALIDATION_ERROR"
    desk = login(api, office.staff["desk"])
    assert desk.get("/api/v1/audit", params={"log": "files"}).status_code == 403


def test_the_audit_page_shows_a_chain_to_its_readers_only(api, office, journey):
    admin = login(api, office.admin)
    shown = admin.get("/quan-tri/nhat-ky", params={"log": "files"})
    assert shown.status_code == 200
    assert journey["file"] in shown.text and "file.download" in shown.text
    moves = admin.get("/quan-tri/nhat-ky", params={"log": "dossiers"})
    assert journey["dossier"] in moves.text and "dossier.receive" in moves.text
    desk = login(api, office.staff["desk"])
    assert desk.get("/quan-tri/nhat-ky").status_code == 403
