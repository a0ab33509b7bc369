"""Per-procedure form templates: admins upload, anyone lists and downloads, and a
citizen re-uploads a filled one into a dossier slot as a normal upload."""

import uuid

from urllib3 import encode_multipart_formdata

from . import samples
from .conftest import citizen, fake, headers, staff
from .test_files import converted, upload


def post_template(client, code, caller, name, data, title=None):
    fields = {"file": (name, data, "application/octet-stream")}
    if title:
        fields["title"] = title
    body, content_type = encode_multipart_formdata(fields)
    auth = headers(caller) if caller else {}
    return client.simulate_post(
        f"/api/v1/procedures/{code}/templates",
        body=body,
        headers={**auth, "Content-Type": content_type},
    )


def procedure(frpc):
    code = f"T{uuid.uuid4().hex[:8]}"
    fake(frpc, "register_procedure", code)
    return code


def test_admin_uploads_a_template_anyone_lists_and_downloads_it(frpc, client):
    code = procedure(frpc)
    data = samples.docx("Tờ khai đăng ký khai sinh")
    resp = post_template(
        client, code, staff("admin"), "To khai.docx", data, "Tờ khai (mẫu)"
    )
    assert resp.status_code == 201, resp.text
    meta = resp.json
    assert meta["kind"] == "template"
    assert meta["procedure_code"] == code
    assert meta["title"] == "Tờ khai (mẫu)"
    listed = client.simulate_get(f"/api/v1/procedures/{code}/templates?province=01")
    assert [item["id"] for item in listed.json["items"]] == [meta["id"]]
    # codes are national: the same code in another province has none of these
    other = client.simulate_get(f"/api/v1/procedures/{code}/templates?province=79")
    assert other.json["total"] == 0
    mine = client.simulate_get(
        f"/api/v1/procedures/{code}/templates", headers=headers(citizen())
    )
    assert mine.json["total"] == 1  # the caller's own province by default
    nowhere = client.simulate_get(f"/api/v1/procedures/{code}/templates")
    assert nowhere.status_code == 422
    assert "province" in nowhere.json["error"]["details"]
    content = client.simulate_get(f"/api/v1/templates/{meta['id']}/content")
    assert content.status_code == 200
    assert content.content == data
    done = converted(client, citizen(), meta["id"])
    assert done["conversion"] == "done"
    pdf = client.simulate_get(f"/api/v1/templates/{meta['id']}/pdf")
    assert pdf.content.startswith(b"%PDF")


def test_an_agency_admin_adds_templates_only_to_procedures_his_agency_receives(
    frpc, client
):
    code = procedure(frpc)  # received by agency A1
    other = post_template(
        client, code, staff("admin", agency="A9"), "mau.docx", samples.docx()
    )
    assert other.status_code == 403
    assert other.json["error"]["code"] == "PROCEDURE_OUT_OF_SCOPE"
    mine = post_template(client, code, staff("admin"), "mau.docx", samples.docx())
    assert mine.status_code == 201, mine.text


def test_citizen_or_officer_cannot_upload_a_template(frpc, client):
    code = procedure(frpc)
    for who in (citizen(), staff("officer")):
        resp = post_template(client, code, who, "mau.docx", samples.docx())
        assert resp.status_code == 403
        assert resp.json["error"]["code"] == "FORBIDDEN"
    listed = client.simulate_get(f"/api/v1/procedures/{code}/templates?province=01")
    assert listed.json["total"] == 0


def test_template_of_an_unknown_procedure_is_404(client):
    resp = post_template(client, "NOPE", staff("admin"), "mau.docx", samples.docx())
    assert resp.status_code == 404


def test_template_bytes_are_checked_like_any_upload(frpc, client):
    code = procedure(frpc)
    resp = post_template(client, code, staff("admin"), "mau.docx", samples.pdf())
    assert resp.status_code == 415
    assert resp.json["error"]["code"] == "UNSUPPORTED_FILE_TYPE"


def test_a_filled_template_goes_back_into_a_dossier_slot(frpc, client, dossier):
    code = procedure(frpc)
    blank = samples.docx("Tờ khai")
    meta = post_template(client, code, staff("admin"), "mau.docx", blank).json
    fetched = client.simulate_get(f"/api/v1/templates/{meta['id']}/content").content
    record, owner = dossier
    filled = samples.docx("Tờ khai — Nguyễn Văn An, sinh 01/01/1990")
    assert fetched == blank
    resp = upload(client, record["id"], owner, "to-khai-da-dien.docx", filled)
    assert resp.status_code == 201
    assert resp.json["kind"] == "upload"
    assert resp.json["slot"] == "any"


def test_a_template_upload_is_chained_and_its_downloads_are_not(frpc, client):
    code, admin = procedure(frpc), staff("admin")
    meta = post_template(client, code, admin, "mau.docx", samples.docx()).json
    client.simulate_get(f"/api/v1/templates/{meta['id']}/content")
    operator = {"user_id": "op", "kind": "operator", "roles": ["operator"]}
    entries = frpc.call("files", "list_audit", operator, 1, 200)["items"]
    mine = [e for e in entries if e["target"] == meta["id"]]
    assert [(e["action"], e["actor"]) for e in mine] == [
        ("template.upload", admin["user_id"])
    ]
    assert mine[0]["details"] == {"procedure": code}
