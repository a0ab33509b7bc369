"""Upload, convert and download through the gateway resource, against real MinIO,
PostgreSQL, RabbitMQ and LibreOffice; every bad input refused with its code."""

import hashlib
import urllib.parse
import uuid

import pytest
from urllib3 import encode_multipart_formdata

from . import samples
from .conftest import citizen, fake, headers, staff, wait_for


def upload(client, dossier_id, caller, name, data, slot="any"):
    body, content_type = encode_multipart_formdata(
        {"slot": slot, "file": (name, data, "application/octet-stream")}
    )
    return client.simulate_post(
        f"/api/v1/dossiers/{dossier_id}/files",
        body=body,
        headers={**headers(caller), "Content-Type": content_type},
    )


def converted(client, caller, file_id):
    def check():
        meta = client.simulate_get(
            f"/api/v1/files/{file_id}", headers=headers(caller)
        ).json
        return meta if meta["conversion"] != "pending" else None

    return wait_for(check, timeout=90)


@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_upload_convert_and_download_each_supported_type(client, dossier, kind):
    record, owner = dossier
    name, make = samples.SAMPLES[kind]
    data = make()
    resp = upload(client, record["id"], owner, name, data)
    assert resp.status_code == 201, resp.text
    meta = resp.json
    assert meta["conversion"] == "pending"
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["size"] == len(data)
    done = converted(client, owner, meta["id"])
    assert done["conversion"] == "done", done
    pdf = client.simulate_get(f"/api/v1/files/{meta['id']}/pdf", headers=headers(owner))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    original = client.simulate_get(
        f"/api/v1/files/{meta['id']}/content", headers=headers(owner)
    )
    assert original.content == data
    disposition = original.headers["Content-Disposition"]
    if name.isascii():
        assert f'filename="{name}"' in disposition
    else:
        assert f"filename*=UTF-8''{urllib.parse.quote(name)}" in disposition


def test_pdf_upload_needs_no_conversion_and_is_its_own_pdf(client, dossier):
    record, owner = dossier
    data = samples.pdf()
    meta = upload(client, record["id"], owner, "Giấy tờ.pdf", data, "pdf_only").json
    assert meta["conversion"] == "not_needed"
    pdf = client.simulate_get(f"/api/v1/files/{meta['id']}/pdf", headers=headers(owner))
    assert pdf.content == data


def test_bytes_that_are_not_what_the_name_says_are_refused_415(client, dossier):
    record, owner = dossier
    resp = upload(client, record["id"], owner, "don.docx", samples.image("PNG"))
    assert resp.status_code == 415
    assert resp.json["error"]["code"] == "UNSUPPORTED_FILE_TYPE"
    listed = client.simulate_get(
        f"/api/v1/dossiers/{record['id']}/files", headers=headers(owner)
    ).json
    assert listed["total"] == 0


def test_unsupported_extension_is_refused_before_upload(client, dossier):
    record, owner = dossier
    resp = upload(client, record["id"], owner, "virus.exe", b"MZ\x90\x00" * 10)
    assert resp.status_code == 415


def test_slot_that_does_not_accept_the_type_answers_422_naming_it(client, dossier):
    record, owner = dossier
    resp = upload(client, record["id"], owner, "a.docx", samples.docx(), "photo")
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "FILE_TYPE_NOT_ACCEPTED"
    assert "photo" in resp.json["error"]["details"]


def test_too_many_files_in_a_slot_answers_422(client, dossier):
    record, owner = dossier
    for _ in range(2):
        ok = upload(
            client, record["id"], owner, "p.jpg", samples.image("JPEG"), "photo"
        )
        assert ok.status_code == 201
    resp = upload(client, record["id"], owner, "p.jpg", samples.image("JPEG"), "photo")
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "TOO_MANY_FILES"


def test_too_large_answers_413_from_the_declared_length(client, dossier):
    record, owner = dossier
    resp = upload(client, record["id"], owner, "big.txt", b"a" * (3 * 1024 * 1024))
    assert resp.status_code == 413


def test_zip_bomb_document_is_refused(client, dossier):
    record, owner = dossier
    resp = upload(client, record["id"], owner, "bom.docx", samples.zip_bomb_docx())
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "UNSAFE_ARCHIVE"


def test_corrupt_docx_ends_failed_with_reason_and_stays_downloadable(client, dossier):
    record, owner = dossier
    data = samples.corrupt_docx()
    meta = upload(client, record["id"], owner, "hong.docx", data).json
    done = converted(client, owner, meta["id"])
    assert done["conversion"] == "failed"
    assert done["conversion_reason"]
    pdf = client.simulate_get(f"/api/v1/files/{meta['id']}/pdf", headers=headers(owner))
    assert pdf.status_code == 409
    assert pdf.json["error"]["code"] == "CONVERSION_FAILED"
    original = client.simulate_get(
        f"/api/v1/files/{meta['id']}/content", headers=headers(owner)
    )
    assert original.content == data


def test_another_citizen_or_province_gets_404(client, dossier):
    record, owner = dossier
    meta = upload(client, record["id"], owner, "a.pdf", samples.pdf(), "pdf_only").json
    for other in (citizen(), staff(province="79", agency="X9")):
        resp = client.simulate_get(
            f"/api/v1/files/{meta['id']}", headers=headers(other)
        )
        assert resp.status_code == 404
        assert resp.json["error"]["code"] == "FILE_NOT_FOUND"


def test_staff_of_the_department_read_the_file_once_the_dossier_is_submitted(
    frpc, client, dossier
):
    record, owner = dossier
    meta = upload(client, record["id"], owner, "a.pdf", samples.pdf(), "pdf_only").json
    officer = staff()
    path = f"/api/v1/files/{meta['id']}"
    # a draft, with its files, is the applicant's alone
    assert client.simulate_get(path, headers=headers(officer)).status_code == 404
    fake(frpc, "register", dict(record, status="processing"))
    resp = client.simulate_get(path, headers=headers(officer))
    assert resp.status_code == 200


def test_names_are_normalised_keeping_vietnamese(client, dossier):
    record, owner = dossier
    data = samples.pdf()
    meta = upload(
        client, record["id"], owner, "../../Gia\u0301y to\u031b\u0300.pdf", data
    ).json
    assert meta["name"] == "Giáy tờ.pdf"


def test_anonymous_upload_is_refused(client, dossier):
    record, _ = dossier
    body, ctype = encode_multipart_formdata({"slot": "any", "file": ("a.pdf", b"x")})
    resp = client.simulate_post(
        f"/api/v1/dossiers/{record['id']}/files",
        body=body,
        headers={"Content-Type": ctype},
    )
    assert resp.status_code in (401, 403)


def test_deleting_a_draft_deletes_its_files(client, frpc, dossier):
    record, owner = dossier
    meta = upload(client, record["id"], owner, "a.pdf", samples.pdf(), "pdf_only").json
    answer = frpc.call("files", "delete_dossier_files", owner, record["id"])
    assert answer["deleted"] == 1
    resp = client.simulate_get(f"/api/v1/files/{meta['id']}", headers=headers(owner))
    assert resp.status_code == 404


def test_read_small_returns_the_bytes_inline(frpc, client, dossier):
    import base64

    record, owner = dossier
    data = samples.pdf()
    meta = upload(client, record["id"], owner, "a.pdf", data, "pdf_only").json
    small = frpc.call("files", "read_small", owner, meta["id"])
    assert base64.b64decode(small["content_b64"]) == data


def test_unknown_file_is_404(client):
    resp = client.simulate_get(
        f"/api/v1/files/{uuid.uuid4()}", headers=headers(citizen())
    )
    assert resp.status_code == 404
