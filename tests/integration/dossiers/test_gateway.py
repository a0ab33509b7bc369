"""The dossier and procedure resources through the gateway (HTTP ↔ RPC only)."""

import uuid

import pytest


@pytest.fixture
def operator_api(api, stack):
    resp = api.post(
        "/api/v1/sessions",
        json={
            "email": stack.env["PORTAL_ADMIN_EMAIL"],
            "password": stack.env["PORTAL_ADMIN_PASSWORD"],
        },
    )
    if resp.status_code != 201:
        pytest.skip(f"accounts login not available: {resp.status_code}")
    return api.as_user(resp.json()["token"])


def test_operator_creates_and_reads_a_procedure(operator_api):
    code = f"G{uuid.uuid4().hex[:6]}"
    body = {
        "code": code,
        "province": "01",
        "name": "Chứng thực bản sao từ bản chính",
        "level": 3,
        "processing_days": 0,
        "after_15h_next_working_day": True,
        "fee": 2000,
    }
    created = operator_api.post("/api/v1/procedures", json=body)
    assert created.status_code == 201, created.text
    got = operator_api.get(f"/api/v1/procedures/{code}?province=01")
    assert got.status_code == 200 and got.json()["version"] == 1
    again = operator_api.post("/api/v1/procedures", json=body)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "PROCEDURE_EXISTS"


def test_holidays_over_http(api):
    resp = api.get("/api/v1/provinces/01/holidays/2026")
    assert resp.status_code == 200
    assert "2026-02-17" in {h["date"] for h in resp.json()["items"]}


def test_dossier_endpoints_need_a_login(api):
    assert api.get("/api/v1/dossiers").status_code == 401
    resp = api.get(f"/api/v1/dossiers/{uuid.uuid4()}")
    assert resp.json()["error"]["code"] == "UNAUTHENTICATED"


def test_malformed_and_non_object_bodies(operator_api):
    bad = operator_api.post(
        "/api/v1/procedures",
        data="{nope",
        headers={"Content-Type": "application/json"},
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "MALFORMED_JSON"
    listed = operator_api.post("/api/v1/procedures", json=[1])
    assert listed.status_code == 422


def test_unknown_dossier_is_404_for_staff(operator_api):
    resp = operator_api.get(f"/api/v1/dossiers/{uuid.uuid4()}")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "DOSSIER_NOT_FOUND"
