"""Printing: generated slips through the files service and the print page."""

from services.shared.errors import Forbidden

from .conftest import DESK, DOSSIER, FakeRpc, make_client, session_cookies

RECEIVED = dict(DOSSIER, receipt_number="UBX-2026-0001", status="processing",
                department="TP", actions=[])  # fmt: skip


def desk_client(dossier=RECEIVED):
    fake = FakeRpc(caller=DESK)
    fake.answers[("dossiers", "get_dossier")] = dossier
    fake.answers[("files", "generate_document")] = lambda *a, **kw: {"id": "g-1"}
    return make_client(fake), fake


def test_workspace_links_the_receipt_slip_once_the_dossier_has_a_receipt_number():
    client, _ = desk_client()
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/ho-so/d-1", cookies=cookies).text
    assert 'href="/can-bo/ho-so/d-1/giay-to/receipt"' in text
    assert "In phiếu tiếp nhận" in text
    assert 'href="/can-bo/ho-so/d-1/ban-in"' in text


def test_no_receipt_slip_is_offered_before_reception():
    client, _ = desk_client(DOSSIER)
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/ho-so/d-1", cookies=cookies).text
    assert "/giay-to/receipt" not in text


def test_slip_is_generated_with_agency_names_and_opens_the_stored_pdf():
    client, fake = desk_client()
    fake.answers[("accounts", "list_agencies")] = [{"code": "UBX", "name": "UBND xã X"}]
    fake.answers[("accounts", "list_departments")] = [
        {"code": "TP", "name": "Tư pháp", "agency": "UBX"}
    ]
    cookies, _ = session_cookies()
    resp = client.simulate_get("/can-bo/ho-so/d-1/giay-to/receipt", cookies=cookies)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/api/v1/files/g-1/content"
    _, _, args, _ = fake.called("generate_document")[0]
    assert args[1] == "receipt" and args[2]["receipt_number"] == "UBX-2026-0001"
    assert args[2]["agency_name"] == "UBND xã X"
    assert args[2]["department_name"] == "Tư pháp"


def test_unknown_slip_kind_is_a_404_without_calling_files():
    client, fake = desk_client()
    cookies, _ = session_cookies()
    resp = client.simulate_get("/can-bo/ho-so/d-1/giay-to/nope", cookies=cookies)
    assert resp.status_code == 404 and not fake.called("generate_document")


def test_slip_refused_by_the_files_service_is_a_403_page():
    client, fake = desk_client()
    fake.answers[("files", "generate_document")] = Forbidden("Not permitted")
    cookies, _ = session_cookies()
    resp = client.simulate_get("/can-bo/ho-so/d-1/giay-to/receipt", cookies=cookies)
    assert resp.status_code == 403
    assert resp.headers["content-type"].startswith("text/html")


def test_print_page_holds_dossier_discussion_and_history_without_forms():
    client, fake = desk_client()
    fake.answers[("dossiers", "list_comments")] = [
        {"id": 1, "body": "Ý kiến nội bộ", "internal": True, "file_ids": [],
         "author": {"full_name": "A"}, "at": "2026-03-02T08:00:00+00:00"},
    ]  # fmt: skip
    fake.answers[("dossiers", "history")] = [
        {"at": "2026-03-02T08:00:00+00:00", "action": "receive", "to": "processing",
         "actor": {"full_name": "Cán bộ"}},
    ]  # fmt: skip
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/ho-so/d-1/ban-in", cookies=cookies).text
    main = text[text.index("<main") : text.index("</main>")]
    assert "Ý kiến nội bộ" in main and "Tiếp nhận" in main
    assert "<dt>Họ tên</dt>" in main and "UBX-2026-0001" in main
    assert "<form" not in main


def test_print_page_shows_agency_and_department_names_not_codes():
    fake = FakeRpc(caller=DESK)
    fake.answers[("dossiers", "get_dossier")] = dict(DOSSIER, department="TP")
    fake.answers[("accounts", "list_agencies")] = [
        {"code": "UBX", "name": "UBND xã Đông Anh"}
    ]
    fake.answers[("accounts", "list_departments")] = [
        {"code": "TP", "name": "Tư pháp", "agency": "UBX"}
    ]
    cookies, _ = session_cookies()
    text = (
        make_client(fake).simulate_get("/can-bo/ho-so/d-1/ban-in", cookies=cookies).text
    )
    assert "UBND xã Đông Anh / Tư pháp" in text
