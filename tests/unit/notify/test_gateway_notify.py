"""The gateway's notify area translates HTTP to RPC only, with a fake pool."""

import falcon.testing
import pytest

from gateway import settings
from gateway.app import create_app
from gateway.rpc import RpcPool
from services.notify.exceptions import TemplateInvalid
from services.shared import config

OFFICER = {"user_id": "o1", "kind": "staff", "roles": ["officer"], "province": "01"}


class FakeRpc(RpcPool):
    """Answers authenticate and records notify calls."""

    def __init__(self, answer=None, fail=None):
        super().__init__("amqp://unused")
        self.calls, self.answer, self.fail = [], answer, fail

    def call(self, service, method, *args, request_id=None, timeout=None, **kw):
        if method == "authenticate":
            return dict(OFFICER)
        self.calls.append((service, method, args))
        if self.fail:
            raise self.fail
        return self.answer if self.answer is not None else {"ok": True}


def client(rpc):
    cfg = config.load(settings.SETTINGS)
    headers = {"Authorization": "Bearer t"}
    return falcon.testing.TestClient(create_app(rpc, cfg), headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "rpc_method", "args"),
    [
        ("GET", "/api/v1/dossiers/d1/deliveries", "list_deliveries", ("d1",)),
        ("GET", "/api/v1/bulk-mails/b1", "get_bulk_mail", ("b1",)),
        ("POST", "/api/v1/bulk-mails/b1/confirm", "confirm_bulk_mail", ("b1",)),
        ("POST", "/api/v1/bulk-mails/b1/cancel", "cancel_bulk_mail", ("b1",)),
        (
            "GET",
            "/api/v1/notification-templates/k?lang=en",
            "get_template",
            ("k", "en", None),
        ),
        ("POST", "/api/v1/bulk-mails/b1/approve", "approve_bulk_mail", ("b1",)),
    ],
)
def test_routes_call_notify_with_the_caller_first(method, path, rpc_method, args):
    rpc = FakeRpc()
    resp = client(rpc).simulate_request(method, path)
    assert resp.status_code == 200
    ((service, called, sent),) = rpc.calls
    assert (service, called) == ("notify", rpc_method)
    assert sent[0]["user_id"] == "o1"
    assert sent[1:] == args


def test_compose_answers_201_with_the_preview():
    rpc = FakeRpc(answer={"id": "b1", "status": "draft"})
    body = {"subject": "S", "body": "B", "csv": "a@b.vn"}
    resp = client(rpc).simulate_post("/api/v1/bulk-mails", json=body)
    assert resp.status_code == 201
    assert rpc.calls[0][2][1] == body


def test_recipients_page_passes_the_query():
    rpc = FakeRpc(answer={"items": [], "total": 0})
    path = "/api/v1/bulk-mails/b1/recipients"
    client(rpc).simulate_get(path, params={"page": "2", "status": "sent"})
    assert rpc.calls[0][2][2] == {"page": 2, "status": "sent"}


def test_template_put_sends_the_key_from_the_path():
    rpc = FakeRpc()
    path = "/api/v1/notification-templates/password_reset"
    client(rpc).simulate_put(path, json={"source": "x"})
    assert rpc.calls[0][2][1] == {"source": "x", "key": "password_reset"}


def test_refused_template_is_422_with_its_code_in_vietnamese():
    rpc = FakeRpc(fail=TemplateInvalid("Template does not render", {"source": ["x"]}))
    path = "/api/v1/notification-templates/password_reset"
    resp = client(rpc).simulate_put(path, json={"source": "{{"})
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "TEMPLATE_INVALID"
    assert resp.json["error"]["message"] == "Mẫu thư không hiển thị được"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [("[1]", 422, "VALIDATION_ERROR"), ("{", 400, "MALFORMED_JSON")],
)
def test_bad_bodies_are_refused_before_any_call(body, status, code):
    rpc = FakeRpc()
    resp = client(rpc).simulate_post(
        "/api/v1/bulk-mails", body=body, headers={"Content-Type": "application/json"}
    )
    assert (resp.status_code, resp.json["error"]["code"]) == (status, code)
    assert rpc.calls == []


def multipart(fields):
    from urllib3 import encode_multipart_formdata

    body, content_type = encode_multipart_formdata(fields)
    return {"body": body, "headers": {"Content-Type": content_type}}


def test_bulk_mail_csv_upload_as_multipart_becomes_the_csv_field():
    rpc = FakeRpc()
    csv = "email,full_name\nan@example.vn,Nguyễn Văn An\n".encode()
    fields = [
        ("subject", "Thông báo"),
        ("body", "Chào {{ full_name }}"),
        ("rate", "5"),
        ("attachments", "f1"),
        ("attachments", "f2"),
        ("criteria", '{"kind": "department_staff", "department": "TP"}'),
        ("file", ("danh sách.csv", b"\xef\xbb\xbf" + csv, "text/csv")),
    ]
    resp = client(rpc).simulate_post("/api/v1/bulk-mails", **multipart(fields))
    assert resp.status_code == 201
    ((service, method, (_caller, body)),) = rpc.calls
    assert (service, method) == ("notify", "create_bulk_mail")
    assert body == {
        "subject": "Thông báo",
        "body": "Chào {{ full_name }}",
        "rate": 5,
        "attachments": ["f1", "f2"],
        "criteria": {"kind": "department_staff", "department": "TP"},
        "csv": csv.decode(),
    }


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ([("file", ("a.csv", b"\xff\xfe bad", "text/csv"))], 422, "VALIDATION_ERROR"),
        ([("criteria", "{nope")], 422, "VALIDATION_ERROR"),
    ],
)
def test_bad_multipart_bulk_mail_is_refused_with_a_code(fields, status, code):
    rpc = FakeRpc()
    resp = client(rpc).simulate_post("/api/v1/bulk-mails", **multipart(fields))
    assert resp.status_code == status
    assert resp.json["error"]["code"] == code
    assert rpc.calls == []
