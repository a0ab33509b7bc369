"""Errors come back rendered from the catalogue: Vietnamese by default, English on ask.

Through the real stack (services raise English developer text with codes and
params; the gateway renders them): a too-long field names its maximum, and a desk of
an agency merged into another is told which agency receives dossiers now.
"""

import uuid

import pytest

from .test_api_journey import login
from .test_references_and_claims import paper_body

pytestmark = pytest.mark.e2e
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def error_of(resp, status):
    assert resp.status_code == status, resp.text
    return resp.json()["error"]


def test_a_too_long_field_says_its_maximum_in_either_language(api, agency):
    desk, leader = login(api, agency.staff["desk"]), login(api, agency.staff["leader"])
    dossier = desk.post("/api/v1/paper-dossiers", json=paper_body(agency))
    assert dossier.status_code == 201, dossier.text
    tasks = f"/api/v1/dossiers/{dossier.json()['id']}/tasks"
    body = {"title": "Xác minh", "assignee": "x" * 65}

    vi = error_of(leader.post(tasks, json=body), 422)
    assert vi["code"] == "VALIDATION_ERROR"
    assert vi["message"] == "Dữ liệu không hợp lệ"
    assert vi["details"]["assignee"] == ["Độ dài tối đa là 64 ký tự."]
    assert vi["detail_codes"]["assignee"] == [
        {"code": "too_long", "params": {"max": "64"}}
    ]

    en = error_of(leader.post(tasks, json=body, headers=EN), 422)
    assert en["message"] == "Invalid input"
    assert en["details"]["assignee"] == ["Longer than maximum length 64."]
    assert en["detail_codes"] == vi["detail_codes"]


def test_a_closed_agency_names_its_successor_in_either_language(api, agency):
    successor = f"S{uuid.uuid4().hex[:6].upper()}"
    made = agency.operator.post(
        "/api/v1/agencies",
        json={
            "code": successor,
            "name": "UBND phường Hợp Nhất",
            "province": "01",
            "replaces": agency.code,
        },
    )
    assert made.status_code == 201, made.text
    desk = login(api, agency.staff["desk"])

    vi = error_of(desk.post("/api/v1/paper-dossiers", json=paper_body(agency)), 422)
    assert vi["code"] == "AGENCY_CLOSED"
    name = "UBND phường Hợp Nhất"
    assert vi["params"] == {
        "agency": agency.code,
        "successor": successor,
        "successor_name": name,
    }
    assert vi["message"] == f"Cơ quan {agency.code} không tiếp nhận hồ sơ vào ngày này"
    since = made.json()["valid_from"]
    assert vi["details"]["agency"] == [
        f"Cơ quan đã được thay thế từ ngày {since}; hãy nộp hồ sơ cho {name} "
        f"({successor})."
    ]
    assert vi["details"]["successor"] == [successor]

    en = desk.post("/api/v1/paper-dossiers", json=paper_body(agency), headers=EN)
    en = error_of(en, 422)
    closed = f"Agency {agency.code} does not receive dossiers on this day"
    assert en["message"] == closed
    replaced = f"The agency was replaced from {since}; apply to {name} ({successor})."
    assert en["details"]["agency"] == [replaced]
    assert en["detail_codes"]["agency"] == [
        {
            "code": "agency_replaced",
            "params": {"successor": successor, "name": name, "since": since},
        }
    ]
