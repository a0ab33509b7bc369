"""Files against the REAL dossiers service (the whole stack of tests/conftest.py):
a procedure and a draft made through the dossiers RPCs, an upload through the
gateway's files resource, and `submit_dossier` finding the file in its slot."""

import subprocess
import uuid

import pytest
from falcon import testing

import services.dossiers.exceptions  # noqa: F401 - registers remote error types
from gateway.app import create_app
from services.shared.errors import ValidationFailed
from tests.integration.dossiers.conftest import OPERATOR, PROVINCE, World

from . import samples
from .conftest import TestRpc, headers
from .test_files import converted, upload


@pytest.fixture(scope="module")
def real_client(stack):
    rpc = TestRpc(stack.env["PORTAL_AMQP_URI"], size=4, timeout=30)
    yield testing.TestClient(create_app(rpc, {"PORTAL_MAX_JSON_BODY": 1024 * 1024}))
    rpc.close()


@pytest.fixture
def procedure_world(rpc):
    world = World(rpc)
    code = f"F{uuid.uuid4().hex[:6].upper()}"
    world.call(
        "create_procedure",
        OPERATOR,
        {
            "code": code,
            "province": PROVINCE,
            "name": "Cấp bản sao trích lục",
            "level": 4,
            "processing_days": 2,
            "fee": 0,
            "agencies": [world.agency],
            "form": {"fields": []},
            "documents": [
                {
                    "slot": "to_khai",
                    "name": "Tờ khai",
                    "required": True,
                    "accept": ["application/pdf", "image/*"],
                    "max_count": 1,
                }
            ],
        },
    )
    world.code = code
    return world


def draft(world):
    return world.call(
        "create_dossier",
        world.citizen,
        {
            "procedure": world.code,
            "agency": world.agency,
            "province": PROVINCE,
            "form": {},
        },
    )


def test_upload_through_the_gateway_lands_in_the_real_dossiers_slot(
    procedure_world, real_client
):
    w = procedure_world
    dossier = draft(w)
    with pytest.raises(ValidationFailed) as missing:
        w.call("submit_dossier", w.citizen, dossier["id"])
    assert "documents.to_khai" in missing.value.details
    resp = upload(
        real_client, dossier["id"], w.citizen, "tờ khai.pdf", samples.pdf(), "to_khai"
    )
    assert resp.status_code == 201, resp.text
    assert resp.json["slot"] == "to_khai"
    submitted = w.call("submit_dossier", w.citizen, dossier["id"])
    assert submitted["status"] == "waiting_reception"


def test_the_real_slot_policy_refuses_a_wrong_type_and_a_second_file(
    procedure_world, real_client
):
    w = procedure_world
    dossier = draft(w)
    wrong = upload(real_client, dossier["id"], w.citizen, "a.docx", samples.docx())
    assert wrong.status_code == 422
    wrong = upload(
        real_client, dossier["id"], w.citizen, "a.docx", samples.docx(), "to_khai"
    )
    assert wrong.json["error"]["code"] == "FILE_TYPE_NOT_ACCEPTED"
    first = upload(
        real_client, dossier["id"], w.citizen, "a.jpg", samples.image("JPEG"), "to_khai"
    )
    assert first.status_code == 201
    second = upload(
        real_client, dossier["id"], w.citizen, "b.pdf", samples.pdf(), "to_khai"
    )
    assert second.json["error"]["code"] == "TOO_MANY_FILES"
    assert converted(real_client, w.citizen, first.json["id"])["conversion"] == "done"


def test_staff_of_another_agency_cannot_read_the_file_and_the_desk_can(
    procedure_world, real_client
):
    w = procedure_world
    dossier = draft(w)
    meta = upload(
        real_client, dossier["id"], w.citizen, "a.pdf", samples.pdf(), "to_khai"
    ).json
    w.call("submit_dossier", w.citizen, dossier["id"])
    stranger = {**w.desk, "agency": "OTHER", "user_id": "desk-other"}
    resp = real_client.simulate_get(
        f"/api/v1/files/{meta['id']}", headers=headers(stranger)
    )
    assert resp.status_code == 404
    resp = real_client.simulate_get(
        f"/api/v1/files/{meta['id']}", headers=headers(w.desk)
    )
    assert resp.status_code == 200


def test_the_desk_generates_the_receipt_of_a_received_real_dossier(
    procedure_world, real_client, tmp_path
):
    w = procedure_world
    dossier = draft(w)
    upload(real_client, dossier["id"], w.citizen, "a.pdf", samples.pdf(), "to_khai")
    w.call("submit_dossier", w.citizen, dossier["id"])
    received = w.act(w.desk, dossier["id"], "receive", department=w.department)
    assert received["receipt_number"]
    meta = w.rpc.call("files", "generate_document", w.desk, "receipt", received)
    assert meta["document"] == "receipt"
    pdf = real_client.simulate_get(
        f"/api/v1/files/{meta['id']}/content", headers=headers(w.citizen)
    ).content
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert received["receipt_number"] in text
    assert "Cấp bản sao trích lục" in text
    # The documents received are listed by the procedure's names, not slot codes.
    assert "Tờ khai" in text and "to_khai" not in text
