"""Generated one-stop slips: rendered in Vietnamese, converted by the warm listener,
stored once per dossier version, readable by the applicant and the dossier's staff."""

import subprocess
import uuid

import pytest

from services.files.generated import KINDS
from services.shared.caller import SYSTEM

from .conftest import citizen, fake, headers, staff


def snapshot(record, owner, version=1):
    return {
        "id": record["id"],
        "receipt_number": f"000.00.01.H01-261125-{uuid.uuid4().int % 10000:04d}",
        "province": "01",
        "agency": "A1",
        "agency_name": "UBND phường Ba Đình",
        "department": "D1",
        "procedure": {"code": "1.001", "name": "Đăng ký khai sinh"},
        "applicant": {"id": owner["user_id"], "full_name": "Nguyễn Thị Ánh Tuyết"},
        "received_at": "2026-11-25T09:30:00+07:00",
        "appointment_date": "2026-11-28",
        "previous_appointment_date": "2026-11-27",
        "note": "Bổ sung bản sao giấy chứng sinh",
        "reason": "Thiếu giấy chứng sinh",
        "version": version,
    }


def submitted(frpc, dossier):
    """The dossier once submitted: before that it is its applicant's alone."""
    record, owner = dossier
    record = dict(record, status="waiting_reception")
    fake(frpc, "register", record)
    return record, owner


def pdf_text(data, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_slip_is_a_pdf_with_the_receipt_number_and_vietnamese_text(
    frpc, client, dossier, kind, tmp_path
):
    record, owner = submitted(frpc, dossier)
    data = snapshot(record, owner)
    meta = frpc.call("files", "generate_document", SYSTEM, kind, data)
    assert meta["kind"] == "generated"
    assert meta["document"] == kind
    assert meta["content_type"] == "application/pdf"
    resp = client.simulate_get(
        f"/api/v1/files/{meta['id']}/content", headers=headers(owner)
    )
    # the control slip tracks the agency's handling: internal, never the applicant's
    assert meta["audience"] == ("internal" if kind == "control" else "public")
    if kind == "control":
        assert resp.status_code == 404
        resp = client.simulate_get(
            f"/api/v1/files/{meta['id']}/content", headers=headers(staff())
        )
    assert resp.status_code == 200
    text = pdf_text(resp.content, tmp_path)
    assert data["receipt_number"] in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert "UBND PHƯỜNG BA ĐÌNH" in text


def test_receipt_carries_dates_documents_and_the_lookup_link(
    frpc, client, dossier, tmp_path
):
    from . import samples
    from .test_files import upload

    record, owner = dossier
    upload(client, record["id"], owner, "a.pdf", samples.pdf(), "pdf_only")
    data = snapshot(record, owner)
    meta = frpc.call("files", "generate_document", SYSTEM, "receipt", data)
    resp = client.simulate_get(
        f"/api/v1/files/{meta['id']}/content", headers=headers(owner)
    )
    text = " ".join(pdf_text(resp.content, tmp_path).split())
    assert "25/11/2026" in text
    assert "28/11/2026" in text
    assert "pdf_only" in text
    assert f"/tra-cuu?so={data['receipt_number']}" in text.replace(" ", "")
    path = tmp_path / "qr.pdf"
    path.write_bytes(resp.content)
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True
    ).stdout.decode()
    assert len(images.strip().splitlines()) == 3  # two header lines + the QR code


def test_the_same_slip_twice_is_the_same_file_and_a_new_version_a_new_one(
    frpc, dossier
):
    record, owner = dossier
    data = snapshot(record, owner)
    first = frpc.call("files", "generate_document", SYSTEM, "receipt", data)
    again = frpc.call("files", "generate_document", SYSTEM, "receipt", data)
    assert again["id"] == first["id"]
    newer = frpc.call(
        "files", "generate_document", SYSTEM, "receipt", {**data, "version": 2}
    )
    assert newer["id"] != first["id"]


def test_staff_of_the_department_generates_citizen_gets_403_other_province_404(
    frpc, dossier
):
    from services.shared.errors import Forbidden, NotFound

    record, owner = submitted(frpc, dossier)
    data = snapshot(record, owner)
    meta = frpc.call("files", "generate_document", staff(), "control", data)
    assert meta["document"] == "control"
    with pytest.raises(Forbidden):
        frpc.call("files", "generate_document", citizen(), "receipt", data)
    with pytest.raises(NotFound):
        other = staff(province="79", agency="X9")
        frpc.call("files", "generate_document", other, "receipt", data)


def test_unknown_kind_is_refused(frpc, dossier):
    from services.shared.errors import ValidationFailed

    record, owner = dossier
    with pytest.raises(ValidationFailed):
        frpc.call("files", "generate_document", SYSTEM, "poem", snapshot(record, owner))
