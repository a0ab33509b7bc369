"""Uploads from plain multipart forms (no script): the token part, then the files."""

import pytest

from gateway.resources import files as file_resources
from services.shared.errors import NotFound, ValidationFailed

from .conftest import (
    CITIZEN,
    DOSSIER,
    PROCEDURE,
    FakeRpc,
    make_client,
    session_cookies,
)
from .test_admin import ADMIN
from .test_work import OFFICER

BOUNDARY = "xBoUnDaRyx"
EDITABLE = dict(DOSSIER, status="draft")


def multipart(fields):
    """A multipart body from [(name, value)] or [(name, (filename, bytes, type))]."""
    out = b""
    for name, value in fields:
        out += f"--{BOUNDARY}\r\n".encode()
        if isinstance(value, tuple):
            filename, data, kind = value
            out += (
                (
                    f'Content-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
                ).encode()
                + data
                + b"\r\n"
            )
        else:
            out += (
                f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
    out += f"--{BOUNDARY}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    return out, headers


class Stored:
    """The storage side: what the presigned PUT received."""

    def __init__(self):
        self.bodies = []

    def put(self, url, data, headers, timeout):
        self.bodies.append((url, data.read()))

        class Answer:
            def raise_for_status(self):
                return None

        return Answer()


@pytest.fixture
def storage(monkeypatch):
    stored = Stored()
    monkeypatch.setattr(file_resources.requests, "put", stored.put)
    return stored


def upload_rpc(caller):
    fake = FakeRpc(caller=caller)
    fake.answers[("dossiers", "get_dossier")] = EDITABLE
    counter = iter(range(1, 100))

    def begin(caller, dossier_id, slot, name, declared, size, audience=None):
        return {"upload_id": f"u-{next(counter)}", "upload_url": f"http://s3/{name}"}

    fake.answers[("files", "begin_upload")] = begin
    fake.answers[("files", "complete_upload")] = lambda caller, uid: {"id": f"f-{uid}"}
    return fake


def test_plain_upload_form_with_the_session_token_streams_each_file(storage):
    fake = upload_rpc(CITIZEN)
    cookies, csrf = session_cookies()
    body, headers = multipart([
        ("csrf_token", csrf), ("slot", "photo"),
        ("file", ("anh.jpg", b"\xff\xd8jpeg", "image/jpeg")),
        ("file", ("to-khai.docx", b"PK docx", "application/msword")),
    ])  # fmt: skip
    resp = make_client(fake).simulate_post(
        "/ho-so/d-1/tep", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 303
    assert resp.headers["location"] == "/ho-so/d-1/sua?ok=uploaded"
    begun = [c[2][1:5] for c in fake.called("begin_upload")]
    assert begun == [
        ("d-1", "photo", "anh.jpg", "image/jpeg"),
        ("d-1", "photo", "to-khai.docx", "application/msword"),
    ]
    assert fake.called("begin_upload")[0][2][0]["user_id"] == "c1"
    assert storage.bodies == [
        ("http://s3/anh.jpg", b"\xff\xd8jpeg"),
        ("http://s3/to-khai.docx", b"PK docx"),
    ]
    assert [c[2][1] for c in fake.called("complete_upload")] == ["u-1", "u-2"]


@pytest.mark.parametrize(
    "token_part",
    [[], [("csrf_token", "wrong")], [("csrf_token", "")]],
    ids=["missing", "wrong", "empty"],
)
def test_plain_upload_without_the_right_token_is_refused_before_any_file(
    storage, token_part
):
    fake = upload_rpc(CITIZEN)
    cookies, _ = session_cookies()
    body, headers = multipart([
        *token_part, ("slot", "photo"), ("file", ("a.jpg", b"x", "image/jpeg")),
    ])  # fmt: skip
    resp = make_client(fake).simulate_post(
        "/ho-so/d-1/tep", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 403
    assert not fake.called("begin_upload") and not storage.bodies
    assert not fake.called("authenticate")


def test_a_file_sent_before_the_token_is_refused(storage):
    fake = upload_rpc(CITIZEN)
    cookies, csrf = session_cookies()
    body, headers = multipart(
        [("file", ("a.jpg", b"x", "image/jpeg")), ("csrf_token", csrf)]
    )
    resp = make_client(fake).simulate_post(
        "/ho-so/d-1/tep", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 403
    assert not storage.bodies


def test_another_sessions_token_is_refused(storage):
    fake = upload_rpc(CITIZEN)
    cookies, _ = session_cookies("tok-1")
    _, other = session_cookies("tok-2")
    body, headers = multipart(
        [("csrf_token", other), ("slot", "photo"), ("file", ("a", b"x", "image/png"))]
    )
    resp = make_client(fake).simulate_post(
        "/ho-so/d-1/tep", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 403
    assert not fake.called("begin_upload")


def test_plain_upload_without_a_file_shows_the_slot_error(storage):
    fake = upload_rpc(CITIZEN)
    cookies, csrf = session_cookies()
    body, headers = multipart(
        [("csrf_token", csrf), ("slot", "photo"), ("file", ("", b"", "text/plain"))]
    )
    resp = make_client(fake).simulate_post(
        "/ho-so/d-1/tep", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 422
    assert 'id="f-documents-photo"' in resp.text and "field-error" in resp.text
    assert not fake.called("begin_upload")


def test_edit_page_upload_form_posts_multipart_with_its_token_first():
    fake = upload_rpc(CITIZEN)
    cookies, csrf = session_cookies()
    text = make_client(fake).simulate_get("/ho-so/d-1/sua", cookies=cookies).text
    form = text[text.index('id="upload-form"') :]
    assert 'action="/ho-so/d-1/tep"' in form[:400]
    assert form.index(f'value="{csrf}"') < form.index('type="file"')


def test_plain_comment_form_uploads_its_files_as_attachments(storage):
    fake = upload_rpc(OFFICER)
    fake.answers[("dossiers", "add_comment")] = lambda *a, **kw: {"id": 1}
    cookies, csrf = session_cookies()
    body, headers = multipart([
        ("csrf_token", csrf), ("body", "Xem tệp"), ("internal", "true"),
        ("file_ids", ""), ("file_ids", "f-9"),
        ("file", ("bien-ban.pdf", b"%PDF", "application/pdf")),
    ])  # fmt: skip
    resp = make_client(fake).simulate_post(
        "/can-bo/ho-so/d-1/y-kien", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 303
    assert fake.called("begin_upload")[0][2][1:3] == ("d-1", "attachment")
    # the attachment takes the comment's audience (internal: the box is ticked)
    assert fake.called("begin_upload")[0][2][6] == "internal"
    sent = fake.called("add_comment")[0][2][2]
    assert sent == {"body": "Xem tệp", "internal": True, "file_ids": ["f-9", "f-u-1"]}


def test_plain_comment_form_with_a_bad_token_posts_nothing(storage):
    fake = upload_rpc(OFFICER)
    fake.answers[("dossiers", "add_comment")] = lambda *a, **kw: {"id": 1}
    cookies, _ = session_cookies()
    body, headers = multipart([("csrf_token", "nope"), ("body", "x")])
    resp = make_client(fake).simulate_post(
        "/can-bo/ho-so/d-1/y-kien", body=body, headers=headers, cookies=cookies
    )
    assert resp.status_code == 403
    assert not fake.called("add_comment")


def template_rpc():
    fake = FakeRpc(caller=ADMIN)
    fake.answers[("files", "begin_template_upload")] = lambda *a: {
        "upload_id": "t-1", "upload_url": f"http://s3/{a[2]}"
    }  # fmt: skip
    fake.answers[("files", "complete_upload")] = lambda caller, uid: {"id": "f-t"}
    fake.answers[("files", "list_templates")] = [
        {"id": "f-t", "name": "mau.docx", "title": "Tờ khai mẫu"}
    ]
    return fake


def test_admin_uploads_a_procedure_template_through_the_plain_form(storage):
    fake = template_rpc()
    cookies, csrf = session_cookies()
    page = make_client(fake).simulate_get("/quan-tri/thu-tuc/1.001193", cookies=cookies)
    form = page.text.split('id="template-form"')[1].split("</form>")[0]
    assert 'enctype="multipart/form-data"' in page.text
    assert form.index('name="csrf_token"') < form.index('name="file"')
    assert 'href="/api/v1/templates/f-t/content">Tờ khai mẫu<' in page.text
    body, headers = multipart([
        ("csrf_token", csrf), ("title", "Tờ khai mẫu"),
        ("file", ("mau.docx", b"PK docx", "application/msword")),
    ])  # fmt: skip
    resp = make_client(fake).simulate_post(
        "/quan-tri/thu-tuc/1.001193/mau-don", body=body, headers=headers,
        cookies=cookies,
    )  # fmt: skip
    assert resp.status_code == 303
    assert resp.headers["location"] == "/quan-tri/thu-tuc/1.001193?ok=template"
    begun = fake.called("begin_template_upload")[0][2]
    assert begun[0]["user_id"] == "a1"
    # the admin's own province: procedure codes are national
    assert begun[1:] == (
        "1.001193", "mau.docx", "application/msword", 7, "Tờ khai mẫu", "01"
    )  # fmt: skip
    assert storage.bodies == [("http://s3/mau.docx", b"PK docx")]
    assert [c[2][1] for c in fake.called("complete_upload")] == ["t-1"]


def test_template_upload_with_a_wrong_token_sends_nothing(storage):
    fake = template_rpc()
    cookies, _ = session_cookies()
    body, headers = multipart([
        ("csrf_token", "wrong"), ("file", ("mau.docx", b"PK", "application/msword")),
    ])  # fmt: skip
    resp = make_client(fake).simulate_post(
        "/quan-tri/thu-tuc/1.001193/mau-don", body=body, headers=headers,
        cookies=cookies,
    )  # fmt: skip
    assert resp.status_code == 403
    assert not fake.called("begin_template_upload") and storage.bodies == []


def post_an_exe_template(fake):
    """The admin posts an .exe as the procedure's template (files refuses it)."""
    cookies, csrf = session_cookies()
    body, headers = multipart([
        ("csrf_token", csrf), ("file", ("x.exe", b"MZ", "application/x-msdownload")),
    ])  # fmt: skip
    return make_client(fake).simulate_post(
        "/quan-tri/thu-tuc/1.001193/mau-don", body=body, headers=headers,
        cookies=cookies,
    )  # fmt: skip


def test_template_upload_refused_by_files_is_shown_at_the_file_field(storage):
    fake = template_rpc()
    fake.answers[("files", "begin_template_upload")] = ValidationFailed(
        "Invalid input", {"declared_type": ["File type not allowed."]}
    )
    resp = post_an_exe_template(fake)
    assert resp.status_code == 422 and 'href="#f-template"' in resp.text
    assert 'id="f-template"' in resp.text and storage.bodies == []


def test_a_refused_template_of_a_withdrawn_procedure_shows_its_page_not_a_404(
    storage,
):
    """The admin sees the withdrawn procedure's page (to offer it again): a refused
    upload there shows that page with the message, as for one offered now."""
    fake = template_rpc()
    fake.answers[("dossiers", "get_procedure")] = NotFound("Procedure not found", {})
    fake.answers[("dossiers", "list_withdrawn_procedures")] = [
        dict(PROCEDURE, withdrawn_at="2026-03-02T08:00:00+00:00")
    ]
    fake.answers[("files", "begin_template_upload")] = ValidationFailed(
        "Invalid input", {"declared_type": ["File type not allowed."]}
    )
    resp = post_an_exe_template(fake)
    assert resp.status_code == 422 and 'id="f-template-error"' in resp.text
    assert 'id="withdrawn-state"' in resp.text and storage.bodies == []
