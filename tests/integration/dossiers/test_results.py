"""A level-4 dossier's result: drafted, signed at approval, verified; a late dossier
rescheduled with an apology letter. All on the real stack (SoftHSM2 token, MinIO,
LibreOffice, SMTP sink)."""

import base64
import datetime as dt
import io
import os
import subprocess
import tempfile
import time
import uuid

import pytest
from minio import Minio
from sqlalchemy import create_engine, text

import services.files.exceptions  # noqa: F401 - registers remote error types
from services.files import pki, signing
from services.shared.caller import SYSTEM
from services.shared.config import database_url
from services.shared.errors import ServiceError
from tests.integration.files.test_signing import validated

from .conftest import OPERATOR, PROVINCE, World


class FullyOnline(World):
    """The world's agency with a level-4 procedure (result delivered online)."""

    def __init__(self, rpc):
        super().__init__(rpc)
        self.code3, self.code = self.code, f"{self.code}4"
        self.call(
            "create_procedure",
            OPERATOR,
            {
                "code": self.code,
                "province": PROVINCE,
                "name": "Cấp bản sao trích lục hộ tịch",
                "level": 4,
                "processing_days": 3,
                "fee": 0,
                "agencies": [self.agency],
                "form": {
                    "fields": [
                        {
                            "name": "full_name",
                            "label": "Họ và tên",
                            "type": "text",
                            "required": True,
                        },
                        {"name": "copies", "label": "Số bản", "type": "number"},
                    ]
                },
                "documents": [],
            },
        )
        self.leader["full_name"] = "Lê Thị Lãnh Đạo"


@pytest.fixture
def online(rpc):
    return FullyOnline(rpc)


@pytest.fixture(scope="module")
def dossiers_db(stack):
    engine = create_engine(database_url("dossiers", stack.env), pool_size=1)
    yield engine
    engine.dispose()


def code_of(error):
    return getattr(error.value, "code", None)


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", f.name, "-"], capture_output=True)
    return out.stdout.decode("utf-8")


def read(rpc, caller, file_id):
    found = rpc.call("files", "read_small", caller, file_id)
    return base64.b64decode(found["content_b64"])


def test_signed_result_journey(online, rpc, stack, dossiers_db):
    w = online
    dossier = w.received()
    did = dossier["id"]
    with pytest.raises(ServiceError) as refused:
        w.act(w.officer, did, "send_for_approval")
    assert code_of(refused) == "RESULT_NOT_DRAFTED"
    with pytest.raises(ServiceError) as refused:
        rpc.call("files", "draft_result", w.citizen, did, {})
    assert refused.value.status == 403

    draft = rpc.call("files", "draft_result", w.officer, did, {})
    assert draft["state"] == "draft" and draft["draft_file_id"]
    assert "Nguyễn Văn Bình" in pdf_text(read(rpc, w.officer, draft["draft_file_id"]))
    # the applicant never sees an unsigned result
    with pytest.raises(ServiceError) as hidden:
        rpc.call("files", "get_result", w.citizen, did)
    assert hidden.value.status == 404
    with pytest.raises(ServiceError):
        read(rpc, w.citizen, draft["draft_file_id"])

    w.act(w.officer, did, "send_for_approval")
    approved = w.act(w.leader, did, "approve")
    assert approved["status"] == "approved" and approved["result_file_id"]

    mine = rpc.call("files", "get_result", w.citizen, did)
    assert mine["state"] == "signed" and mine["draft_file_id"] is None
    assert mine["signed_file_id"] == approved["result_file_id"]
    assert mine["signer_name"] == "Lê Thị Lãnh Đạo"
    signed = read(rpc, w.citizen, mine["signed_file_id"])

    # independently: pyHanko's validator against the run's local CA
    roots = signing.trust_roots(pki.PkiSettings.from_env(stack.env))
    _, status = validated(signed, roots)
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    text_ = pdf_text(signed)
    assert "Lê Thị Lãnh Đạo" in text_ and "UBND xã" in text_

    code = mine["verification_url"].rsplit("/", 1)[1]
    assert mine["verification_url"] == f"{stack.url}/xac-thuc/{code}"
    verified = rpc.call("files", "verify_result", None, code)
    assert verified["valid"] and verified["hash_matches"]
    assert verified["signer_name"] == "Lê Thị Lãnh Đạo"
    assert verified["receipt_number"] == dossier["receipt_number"]

    # approving again is refused by the workflow; the result is not signed twice
    with pytest.raises(ServiceError) as twice:
        w.act(w.leader, did, "approve")
    assert code_of(twice) == "INVALID_TRANSITION"

    # the rule holds even if the row lost its signed result
    with dossiers_db.begin() as conn:
        conn.execute(
            text("UPDATE dossiers SET result_file_id = NULL WHERE public_id = :d"),
            {"d": did},
        )
    with pytest.raises(ServiceError) as unsigned:
        w.act(w.desk, did, "return_result")
    assert code_of(unsigned) == "RESULT_NOT_SIGNED"
    with dossiers_db.begin() as conn:
        conn.execute(
            text("UPDATE dossiers SET result_file_id = :f WHERE public_id = :d"),
            {"d": did, "f": mine["signed_file_id"]},
        )
    assert w.act(w.desk, did, "return_result")["status"] == "completed"

    # the stored bytes tampered with: the verification says so
    tamper(stack, mine["signed_file_id"], signed)
    broken = rpc.call("files", "verify_result", None, code)
    assert not broken["valid"] and not broken["hash_matches"]
    assert broken["signature"]["problem"] == "signature_broken"


def tamper(stack, file_id, signed):
    env = stack.env
    engine = create_engine(database_url("files", env), pool_size=1)
    with engine.connect() as conn:
        key = conn.execute(
            text("SELECT object_key FROM files WHERE public_id = :f"), {"f": file_id}
        ).scalar()
    engine.dispose()
    mangled = bytearray(signed)
    at = signed.index(b"/MediaBox") + 12
    mangled[at : at + 1] = b"9"
    client = Minio(
        env["PORTAL_S3_ENDPOINT"],
        access_key=env["PORTAL_S3_ACCESS_KEY"],
        secret_key=env["PORTAL_S3_SECRET_KEY"],
        secure=False,
    )
    client.put_object(
        f"{env['PORTAL_BUCKET_PREFIX']}files",
        key,
        io.BytesIO(bytes(mangled)),
        len(mangled),
    )


def test_level_three_moves_as_before(online):
    w = online
    w.code = w.code3  # the level-3 procedure of the same agency
    dossier = w.received()
    w.act(w.officer, dossier["id"], "send_for_approval")
    approved = w.act(w.leader, dossier["id"], "approve")
    assert approved["result_file_id"] is None
    assert w.act(w.desk, dossier["id"], "return_result")["status"] == "completed"


def apology_attachment(mailbox, address, timeout=60):
    """The apology letter attached to a mail to `address` (waits for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mailbox.messages_to(address):
            for part in message.iter_attachments():
                if (part.get_filename() or "").startswith("phieu-xin-loi"):
                    return part.get_content()
        time.sleep(0.3)
    raise AssertionError(f"no apology letter to {address} in {timeout}s")


def test_reschedule_sends_the_apology_and_stays_late(online, rpc, mailbox, dossiers_db):
    w = online
    w.code = w.code3
    w.citizen["email"] = f"late-{uuid.uuid4().hex[:8]}@example.test"
    dossier = w.received()
    did = dossier["id"]
    # received a month ago: the legal appointment already passed
    received = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    past = dt.date.today() - dt.timedelta(days=20)
    with dossiers_db.begin() as conn:
        conn.execute(
            text(
                "UPDATE dossiers SET received_at = :r, appointment_date = :p"
                " WHERE public_id = :d"
            ),
            {"d": did, "p": past, "r": received},
        )
    new = dt.date.today() + dt.timedelta(days=7)
    body = {"new_date": new.isoformat(), "reason": "Cần xác minh thêm tại UBND xã"}
    with pytest.raises(ServiceError) as forbidden:
        w.call("reschedule", w.citizen, did, body)
    assert forbidden.value.status in (403, 404)
    with pytest.raises(ServiceError) as early:
        w.call("reschedule", w.officer, did, dict(body, new_date=past.isoformat()))
    assert code_of(early) == "RESCHEDULE_REFUSED"

    moved = w.call("reschedule", w.officer, did, body)
    assert moved["rescheduled_date"] == new.isoformat()
    assert moved["appointment_date"] == past.isoformat()
    assert moved["deadline_state"] == "overdue"  # statistics still count it late
    history = w.call("history", w.citizen, did)
    assert any(
        h["action"] == "reschedule" and "xác minh" in (h["note"] or "") for h in history
    )

    pdf = apology_attachment(mailbox, w.citizen["email"])
    letter = pdf_text(pdf)
    assert past.strftime("%d/%m/%Y") in letter and new.strftime("%d/%m/%Y") in letter
    assert "Cần xác minh thêm" in letter
    kept = rpc.call("files", "list_files", SYSTEM, did)
    assert any(f.get("document") == "apology" for f in kept)


def test_a_token_without_the_agency_s_key_approves_nothing(online, rpc, stack):
    w = online
    did = w.received()["id"]
    rpc.call("files", "draft_result", w.officer, did, {})
    w.act(w.officer, did, "send_for_approval")
    # the agency's certificate is on file but its key is not in the token
    settings = pki.PkiSettings.from_env(stack.env)
    placeholder = settings.cert_path(w.agency)
    with open(placeholder, "w") as out:
        out.write("not enrolled")
    try:
        with pytest.raises(ServiceError) as down:
            w.act(w.leader, did, "approve")
        assert down.value.status == 503 and code_of(down) == "SIGNER_UNAVAILABLE"
        assert w.call("get_dossier", w.leader, did)["status"] == "pending_approval"
        assert rpc.call("files", "get_result", w.leader, did)["state"] == "draft"
    finally:
        os.remove(placeholder)
    assert w.act(w.leader, did, "approve")["result_file_id"]
