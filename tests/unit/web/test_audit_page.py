"""The audit page: the chosen service's chain, its hashes, menus by permission."""

from services.shared.errors import Forbidden

from .conftest import FakeRpc, make_client, session_cookies

ADMIN = {
    "user_id": "a1",
    "kind": "staff",
    "roles": ["admin"],
    "province": "01",
    "agency": "UBX",
    "full_name": "Quản trị",
}
DESK = dict(ADMIN, user_id="d1", roles=["desk"])
ENTRY = {
    "id": 7,
    "at": "2026-12-01T02:00:00+00:00",
    "actor": "u1",
    "actor_email": "desk@ubx.test",
    "action": "file.download",
    "target": "f-123",
    "ip": None,
    "province": "01",
    "agency": "UBX",
    "details": {"dossier_id": "d-9", "variant": "original"},
    "prev_hash": "0" * 64,
    "hash": "ab12cd34ef56" + "0" * 52,
}


def get(caller, path, answers=None):
    fake = FakeRpc(caller=caller)
    fake.answers.update(answers or {})
    resp = make_client(fake).simulate_get(path, cookies=session_cookies()[0])
    return resp, fake


def test_the_page_lists_the_chosen_chain_with_its_hashes():
    answers = {("files", "list_audit"): {"items": [ENTRY], "total": 1}}
    resp, fake = get(ADMIN, "/quan-tri/nhat-ky?log=files&trang=2", answers)
    assert resp.status_code == 200
    assert "file.download" in resp.text and "f-123" in resp.text
    assert "ab12cd34ef56" in resp.text and 'href="/quan-tri/nhat-ky"' in resp.text
    calls = [(c[0], c[2][1:]) for c in fake.calls if c[1] == "list_audit"]
    assert calls == [("files", (2, 50))]


def test_an_unknown_log_falls_back_to_accounts():
    answers = {("accounts", "list_audit"): {"items": [], "total": 0}}
    resp, fake = get(ADMIN, "/quan-tri/nhat-ky?log=search", answers)
    assert resp.status_code == 200
    assert [c[:2] for c in fake.calls if c[1] == "list_audit"] == [
        ("accounts", "list_audit")
    ]


def test_a_caller_without_audit_read_is_refused_and_sees_no_link():
    answers = {("accounts", "list_audit"): Forbidden("Not permitted")}
    resp, _ = get(DESK, "/quan-tri/nhat-ky", answers)
    assert resp.status_code == 403
    assert 'href="/quan-tri/nhat-ky"' not in resp.text
