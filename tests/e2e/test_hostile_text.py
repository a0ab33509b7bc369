"""Hostile text through every field a citizen and the staff write, then every page.

Valid but hostile text (an RTL override, markup, emoji, combining diacritics, 10,000
characters) is stored as sent and shown escaped; text that cannot be stored (NUL, a
lone surrogate) is refused with 422 INVALID_TEXT naming the field. Then every list
and page that carries the dossier answers without a 5xx: the drafts list, the desk's
queue, search, the workspace and the citizen's page.
"""

import html
import time

import pytest

from ..conftest import Api
from .conftest import Agency
from .test_api_journey import PDF, jpeg_bytes, login, register_citizen

SCRIPT = "<script>alert('x')</script>"
HOSTILE = {
    "rtl": "Tên \u202eđảo ngược\u202c xong",
    "markup": f"{SCRIPT}<img src=x onerror=alert(1)> & \"'",
    "emoji": "Bé 👶🏽 nhà 👨‍👩‍👧 🇻🇳",
    "combining": "Nguye\u0302\u0303n Thi\u0323 Ha\u0306\u0300ng",
    "long": "Đ" * 10_000,
}
INVALID = {"nul": "a\x00b", "surrogate": "a\ud800b"}
ALL_AT_ONCE = " ".join(v for k, v in HOSTILE.items() if k != "long")
# File names are shown as normalised by the files service (NFC, no path, no
# control or bidirectional override, reserved characters replaced).
FILE_NAME = "Tờ khai \u202egnp.exe 👶🏽 <b>x & Nguye\u0302\u0303n.pdf"
STORED_NAME = "Tờ khai gnp.exe 👶🏽 _b_x & Nguyễn.pdf"


def shown(page):
    """The page's text as a browser would show it (entities decoded)."""
    return html.unescape(page)


def refused_by_name(resp, field):
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "INVALID_TEXT", error
    assert field in error["details"], error


def too_long_by_name(resp, field):
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["error"]["details"], resp.text


@pytest.fixture(scope="module")
def world(stack, mailbox):
    api = Api(stack.url)
    agency = Agency(api, stack)
    citizen = login(api, register_citizen(api, mailbox))
    staff = {role: login(api, addr) for role, addr in agency.staff.items()}
    return agency, citizen, staff


def new_draft(world, value):
    agency, citizen, _ = world
    return citizen.post(
        "/api/v1/dossiers",
        json={
            "procedure": agency.procedure,
            "agency": agency.code,
            "form": {"child_name": value, "copies": 1},
        },
    )


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_form_values_round_trip_intact(world, kind):
    created = new_draft(world, HOSTILE[kind])
    assert created.status_code == 201, created.text
    read = world[1].get(f"/api/v1/dossiers/{created.json()['id']}")
    assert read.json()["form"]["child_name"] == HOSTILE[kind]


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_unstorable_form_values_are_refused_by_name(world, kind):
    refused_by_name(new_draft(world, INVALID[kind]), "form.child_name")
    created = new_draft(world, "ok")
    patched = world[1].patch(
        f"/api/v1/dossiers/{created.json()['id']}",
        json={"form": {"child_name": INVALID[kind]}},
    )
    refused_by_name(patched, "form.child_name")


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_unstorable_profile_fields_are_refused_by_name(world, kind):
    for field in ("full_name", "address"):
        resp = world[1].patch("/api/v1/accounts/me", json={field: INVALID[kind]})
        refused_by_name(resp, field)


def test_hostile_profile_fields_round_trip_or_are_refused_for_length(world):
    citizen = world[1]
    resp = citizen.patch("/api/v1/accounts/me", json={"address": ALL_AT_ONCE})
    assert resp.status_code == 200, resp.text
    assert citizen.get("/api/v1/accounts/me").json()["address"] == ALL_AT_ONCE
    too_long_by_name(
        citizen.patch("/api/v1/accounts/me", json={"full_name": HOSTILE["long"]}),
        "full_name",
    )


def upload(client, dossier_id, slot, name, data=PDF, kind="application/pdf"):
    return client.post(
        f"/api/v1/dossiers/{dossier_id}/files",
        data={"slot": slot},
        files={"file": (name, data, kind)},
    )


@pytest.fixture(scope="module")
def submitted(world):
    """A dossier full of hostile text, submitted and received by the desk."""
    agency, citizen, staff = world
    dossier_id = new_draft(world, ALL_AT_ONCE).json()["id"]
    stored = upload(citizen, dossier_id, "to_khai", FILE_NAME)
    assert stored.status_code == 201, stored.text
    assert stored.json()["name"] == STORED_NAME
    photo = upload(
        citizen, dossier_id, "giay_chung_sinh", "ảnh.jpg", jpeg_bytes(), "image/jpeg"
    )
    assert photo.status_code == 201, photo.text
    assert citizen.post(f"/api/v1/dossiers/{dossier_id}/submit").status_code == 200
    received = staff["desk"].post(
        f"/api/v1/dossiers/{dossier_id}/actions",
        json={
            "action": "receive",
            "department": agency.department,
            "note": ALL_AT_ONCE,
            "note_public": True,  # shown to the applicant, so on the citizen's page
        },
    )
    assert received.status_code == 200, received.text
    return dossier_id


def raw_upload(client, dossier_id, filename_bytes):
    """Upload with a file name sent as raw bytes (clients cannot encode a surrogate)."""
    boundary = b"hostile-boundary"
    body = b"".join(
        [
            b"--" + boundary + b'\r\nContent-Disposition: form-data; name="slot"',
            b"\r\n\r\nto_khai\r\n--" + boundary,
            b'\r\nContent-Disposition: form-data; name="file"; filename="',
            filename_bytes,
            b'"\r\nContent-Type: application/pdf\r\n\r\n' + PDF,
            b"\r\n--" + boundary + b"--\r\n",
        ]
    )
    return client.post(
        f"/api/v1/dossiers/{dossier_id}/files",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=hostile-boundary"},
    )


@pytest.mark.parametrize("raw", [b"a\x00b.pdf", b"a\xed\xa0\x80b.pdf", b"\xff.pdf"])
def test_file_names_with_unstorable_text_are_refused(world, submitted, raw):
    refused_by_name(raw_upload(world[2]["officer"], submitted, raw), "file")


def test_staff_comments_tasks_and_notes_keep_hostile_text(world, submitted):
    officer = world[2]["officer"]
    base = f"/api/v1/dossiers/{submitted}"
    for value in HOSTILE.values():
        made = officer.post(f"{base}/comments", json={"body": value})
        assert made.status_code == 201, made.text
    bodies = [c["body"] for c in officer.get(f"{base}/comments").json()["items"]]
    assert set(HOSTILE.values()) <= set(bodies)
    task = officer.post(f"{base}/tasks", json={"title": ALL_AT_ONCE})
    assert task.status_code == 201, task.text
    titles = [t["title"] for t in officer.get(f"{base}/tasks").json()["items"]]
    assert ALL_AT_ONCE in titles
    too_long_by_name(
        officer.post(f"{base}/tasks", json={"title": HOSTILE["long"]}), "title"
    )


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_staff_fields_with_unstorable_text_are_refused_by_name(world, submitted, kind):
    officer, value = world[2]["officer"], INVALID[kind]
    base = f"/api/v1/dossiers/{submitted}"
    refused_by_name(officer.post(f"{base}/comments", json={"body": value}), "body")
    refused_by_name(officer.post(f"{base}/tasks", json={"title": value}), "title")
    act = officer.post(
        f"{base}/actions", json={"action": "send_for_approval", "note": value}
    )
    refused_by_name(act, "note")


def eventually_listed(client, path, dossier_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = client.get(path)
        assert resp.status_code < 500, (path, resp.status_code, resp.text)
        if dossier_id in resp.text:
            return resp
        time.sleep(0.5)
    raise AssertionError(f"{dossier_id} never listed at {path}")


def test_every_list_and_page_shows_the_dossier_escaped(world, submitted):
    _, citizen, staff = world
    pages = [
        (citizen, "/api/v1/dossiers?status=draft"),
        (citizen, f"/api/v1/dossiers/{submitted}"),
        (citizen, "/ho-so"),
        (citizen, f"/ho-so/{submitted}"),
        (staff["desk"], "/can-bo"),
        (staff["officer"], f"/can-bo/ho-so/{submitted}"),
        (staff["officer"], "/can-bo/viec-cua-toi"),
    ]
    for client, path in pages:
        resp = client.get(path)
        assert resp.status_code < 500, (path, resp.status_code)
        if "html" in resp.headers.get("Content-Type", ""):
            assert SCRIPT not in resp.text, path
    for client in (staff["desk"], staff["officer"], citizen):
        eventually_listed(client, "/api/v1/dossiers", submitted)
    workspace = staff["officer"].get(f"/can-bo/ho-so/{submitted}")
    assert HOSTILE["combining"] in shown(workspace.text)
    assert SCRIPT in shown(workspace.text) and SCRIPT not in workspace.text
    citizen_page = citizen.get(f"/ho-so/{submitted}")
    assert HOSTILE["emoji"] in shown(citizen_page.text)
    assert SCRIPT not in citizen_page.text
