"""What the gateway really sends is what its OpenAPI document says.

A journey through the real stack (accounts, procedures, a dossier with files,
its workflow, comments and tasks, search, dashboards, mail states) records every
answer; each must have its status documented for its operation, a documented
media type, and a JSON body valid against the document's schema for it. The
check is strict: an answer's field that the document does not name fails, so a
service that adds a field must document it.
"""

import copy
import re
import time

import jsonschema
import pytest

from gateway.apidoc import build
from gateway.app import AREAS
from tests.conftest import Api

from .test_api_journey import PDF, jpeg_bytes, login, register_citizen

DOC = build(AREAS)


def closed(node):
    """Refuse undocumented fields: every object with properties is closed."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            closed(value)
    elif isinstance(node, list):
        for value in node:
            closed(value)
    return node


STRICT = closed(copy.deepcopy(DOC))
TEMPLATES = [
    (re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", path) + "$"), path)
    for path in DOC["paths"]
]


def operation_of(method, url_path):
    matches = [path for pattern, path in TEMPLATES if pattern.match(url_path)]
    # a literal segment beats a parameter (/paper-dossiers/claims)
    path = min(matches, key=lambda p: p.count("{"))
    return path, STRICT["paths"][path][method.lower()]


def problems_of(record):
    method, url_path, status, media, body = record
    if not any(pattern.match(url_path) for pattern, _ in TEMPLATES):
        return [f"{method} {url_path}: no such path in the document"]
    path, operation = operation_of(method, url_path)
    where = f"{method} {path} {status}"
    answer = operation["responses"].get(str(status))
    if answer is None:
        return [f"{where}: status not documented"]
    if "$ref" in answer:
        answer = STRICT["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    if status == 204:
        return []
    content = answer.get("content", {})
    if media not in content and "*/*" not in content:
        return [f"{where}: {media} not documented ({sorted(content)})"]
    if media != "application/json":
        return []
    schema = {**content[media]["schema"], "components": STRICT["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{where}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in validator.iter_errors(body)
    ]


class Recorder(Api):
    """An API client that keeps (method, path, status, media type, body)."""

    def __init__(self, base_url, token=None, records=None):
        super().__init__(base_url, token)
        self.records = [] if records is None else records

    def request(self, method, path, **kwargs):
        resp = super().request(method, path, **kwargs)
        media = resp.headers.get("Content-Type", "").split(";")[0].strip()
        body = resp.json() if media == "application/json" else None
        self.records.append((method, path.split("?")[0], resp.status_code, media, body))
        return resp

    def as_user(self, token):
        return Recorder(self.base_url, token, self.records)


def eventually_indexed(client, dossier_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.get("/api/v1/search/dossiers").json()
        if any(item["id"] == dossier_id for item in found.get("items", [])):
            return
        time.sleep(0.3)
    raise AssertionError("the dossier never reached the search index")


@pytest.fixture
def journey(stack, agency, mailbox):
    """Walk the API as every kind of caller; return every recorded answer."""
    api = Recorder(stack.url)
    operator = api.as_user(agency.operator.session.headers["Authorization"][7:])
    accounts(api, operator, agency)
    citizen_email = register_citizen(api, mailbox)
    citizen = login(api, citizen_email)
    api.post("/api/v1/accounts/password-reset", json={"email": citizen_email})
    staff = {role: login(api, email) for role, email in agency.staff.items()}
    dossier_id = dossier(citizen, staff, agency)
    eventually_indexed(staff["officer"], dossier_id)
    # the national catalogue (the procedure was indexed while the dossier went on)
    api.get(
        "/api/v1/search/procedures", params={"q": agency.procedure, "province": "79"}
    )
    api.get("/api/v1/search/procedures", params={"province": "1"})
    reports(operator, staff["officer"], dossier_id)
    mail(operator, staff["officer"], dossier_id)
    paper(staff["desk"], citizen, agency)
    citizen.delete("/api/v1/sessions/current")
    api.get("/api/v1/dossiers/not-a-dossier")
    return api.records


def accounts(api, operator, agency):
    api.get("/healthz")
    api.get("/readyz")
    api.get("/api/v1/provinces")
    api.get("/api/v1/provinces/01")
    api.get("/api/v1/agencies", params={"province": "01"})
    api.get(f"/api/v1/agencies/{agency.code}")
    api.get("/api/v1/departments", params={"agency": agency.code})
    api.post("/api/v1/sessions", json={"email": "nobody@e2e.test", "password": "x"})
    api.post("/api/v1/dossiers", json={})
    operator.get("/api/v1/sessions/current")
    operator.get("/api/v1/accounts/me")
    operator.get("/api/v1/staff", params={"agency": agency.code})
    operator.get("/api/v1/staff", params={"page_size": 501})
    created = operator.post(
        "/api/v1/api-clients",
        json={"name": "Hệ thống một cửa", "scopes": ["dossiers:read"]},
    ).json()
    operator.get("/api/v1/api-clients")
    api.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )
    operator.get("/api/v1/audit")
    operator.get("/api/v1/audit", params={"log": "dossiers"})
    api.get("/api/v1/procedures", params={"province": "01"})
    api.get(f"/api/v1/procedures/{agency.procedure}", params={"province": "01"})
    operator.put(f"/api/v1/procedures/{agency.procedure}", json=agency.procedure_body())
    api.get("/api/v1/provinces/01/holidays/2026")
    operator.post(
        f"/api/v1/procedures/{agency.procedure}/templates",
        params={"province": "01"},
        data={"title": "Tờ khai"},
        files={"file": ("to-khai.pdf", PDF, "application/pdf")},
    )
    api.get(
        f"/api/v1/procedures/{agency.procedure}/templates", params={"province": "01"}
    )


def dossier(citizen, staff, agency):
    citizen.get("/api/v1/accounts/me")
    citizen.patch("/api/v1/accounts/me", json={"address": "15 Đường Láng, Hà Nội"})
    draft = citizen.post(
        "/api/v1/dossiers",
        json={
            "procedure": agency.procedure,
            "agency": agency.code,
            "form": {"child_name": "Nguyễn Văn An"},
        },
    ).json()
    base = f"/api/v1/dossiers/{draft['id']}"
    citizen.get("/api/v1/dossiers", params={"status": "draft"})
    citizen.patch(base, json={"form": {"copies": 2}, "expected_version": 1})
    citizen.post(f"{base}/submit")
    upload = citizen.post(
        f"{base}/files",
        data={"slot": "to_khai"},
        files={"file": ("Tờ khai.pdf", PDF, "application/pdf")},
    ).json()
    citizen.post(
        f"{base}/files",
        data={"slot": "giay_chung_sinh"},
        files={"file": ("chứng sinh.jpg", jpeg_bytes(), "image/jpeg")},
    )
    citizen.get(f"{base}/files")
    citizen.get(f"/api/v1/files/{upload['id']}")
    citizen.get(f"/api/v1/files/{upload['id']}/content")
    citizen.post(f"{base}/submit")
    desk, officer, leader = staff["desk"], staff["officer"], staff["leader"]
    desk.post(f"{base}/actions", json={"action": "receive"})
    received = desk.post(
        f"{base}/actions", json={"action": "receive", "department": agency.department}
    ).json()
    officer.get(base)
    officer.post(f"{base}/comments", json={"body": "Đã kiểm tra giấy tờ"})
    citizen.post(f"{base}/comments", json={"body": "Cảm ơn cán bộ"})
    citizen.get(f"{base}/comments")
    task = leader.post(
        f"{base}/tasks", json={"title": "Xác minh hộ tịch", "due_date": "2030-12-30"}
    ).json()
    leader.get(f"{base}/tasks")
    leader.patch(f"{base}/tasks/{task['id']}", json={"status": "done"})
    officer.post(f"{base}/actions", json={"action": "send_for_approval"})
    leader.post(f"{base}/actions", json={"action": "approve"})
    desk.post(f"{base}/actions", json={"action": "return_result"})
    citizen.get(f"{base}/history")
    citizen.get(f"/api/v1/lookup/{received['receipt_number']}")
    Api(citizen.base_url).get(f"/api/v1/lookup/{received['receipt_number']}")
    return draft["id"]


def reports(operator, officer, dossier_id):
    officer.get("/api/v1/dossiers")
    officer.get("/api/v1/search/dossiers", params={"q": "nguyen van an"})
    officer.get("/api/v1/search/dossiers", params={"status": "bogus"})
    officer.get("/api/v1/search/dossiers", params={"format": "csv"})
    operator.get("/api/v1/stats/dossiers")
    operator.get("/api/v1/stats/dossiers", params={"group_by": "month"})
    officer.get("/api/v1/stats/my-work")
    operator.get("/api/v1/dashboards/dossiers")
    operator.get("/api/v1/dashboards/dossiers.svg")


def mail(operator, officer, dossier_id):
    officer.get(f"/api/v1/dossiers/{dossier_id}/deliveries")
    key = "/api/v1/notification-templates/dossier_received"
    source = operator.get(key, params={"province": "01"}).json()["source"]
    operator.post(f"{key}/preview", json={"source": source, "province": "01"})
    operator.put(key, json={"source": source, "province": "01"})
    bulk = operator.post(
        "/api/v1/bulk-mails",
        json={
            "subject": "Thông báo lịch tiếp dân",
            "body": "Kính gửi {{ full_name }}",
            "csv": "an.tran@example.vn,Trần Văn An\n",
        },
    ).json()
    operator.get(f"/api/v1/bulk-mails/{bulk['id']}")
    operator.get(f"/api/v1/bulk-mails/{bulk['id']}/recipients")
    operator.post(f"/api/v1/bulk-mails/{bulk['id']}/confirm")
    operator.post(f"/api/v1/bulk-mails/{bulk['id']}/cancel")


def paper(desk, citizen, agency):
    registered = desk.post(
        "/api/v1/paper-dossiers",
        json={
            "procedure": agency.procedure,
            "department": agency.department,
            "applicant": {
                "full_name": "Trần Văn Bình",
                "national_id": "001090012345",
                "phone": "0912345679",
            },
            "form": {"child_name": "Trần An", "copies": 1},
        },
    ).json()
    citizen.post(
        "/api/v1/paper-dossiers/claims",
        json={
            "receipt_number": registered["receipt_number"],
            "access_code": registered["access_code"],
        },
    )


def test_every_real_answer_matches_the_document(journey):
    problems = [p for record in journey for p in problems_of(record)]
    assert not problems, "\n".join(problems)
    operations = {operation_of(m, p)[0] for m, p, *_ in journey}
    assert len(journey) >= 70 and len(operations) >= 45, len(operations)
    assert {s for *_, s, _, _ in journey} >= {200, 201, 202, 204, 401, 404, 422}


def test_the_check_catches_an_undocumented_field():
    body = {"status": "ok", "secret": "x"}
    assert problems_of(("GET", "/healthz", 200, "application/json", body))
    assert problems_of(("GET", "/healthz", 418, "application/json", body))
    assert not problems_of(
        ("GET", "/healthz", 200, "application/json", {"status": "ok"})
    )
