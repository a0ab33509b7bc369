"""The web pages through the real app with a fake RPC pool (no services needed)."""

import re

from services.shared.errors import Unauthenticated, ValidationFailed

from .conftest import (
    CITIZEN,
    DESK,
    PROCEDURE,
    FakeRpc,
    make_client,
    session_cookies,
)


def form_cookie(resp):
    return resp.cookies["portal_form"].value


def test_home_is_vietnamese_by_default_with_lang_attribute_and_skip_link(client):
    resp = client.simulate_get("/")
    assert resp.status_code == 200
    assert '<html lang="vi">' in resp.text
    assert 'href="#main"' in resp.text and 'id="main"' in resp.text
    assert "Tìm thủ tục hành chính" in resp.text
    assert "/thu-tuc/1.001193" in resp.text


def test_lang_param_switches_to_english_and_remembers_it_in_a_cookie(client):
    resp = client.simulate_get("/", params={"lang": "en"})
    assert '<html lang="en">' in resp.text and "Find a procedure" in resp.text
    assert resp.cookies["lang"].value == "en"
    again = client.simulate_get("/", cookies={"lang": "en"})
    assert "Birth registration" in again.text


def test_pages_stay_vietnamese_for_an_english_browser(client):
    resp = client.simulate_get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in resp.text


def test_api_errors_follow_accept_language(client):
    resp = client.simulate_get("/api/v1/nope", headers={"Accept-Language": "en"})
    assert resp.headers["Content-Language"] == "en"
    assert client.simulate_get("/api/v1/nope").headers["Content-Language"] == "vi"


def test_procedure_page_shows_fee_in_vietnamese_number_format(client):
    resp = client.simulate_get("/thu-tuc/1.001193")
    assert resp.status_code == 200
    assert "1.234.567 đồng" in resp.text
    assert "Luật Hộ tịch 2014" in resp.text and "Tờ khai" in resp.text
    assert "Mức 3" in resp.text


def test_search_passes_the_query_to_the_catalogue(client, fake):
    client.simulate_get("/thu-tuc", params={"q": "khai sinh"})
    assert fake.called("list_procedures")[-1][3]["q"] == "khai sinh"


def test_unknown_procedure_is_an_html_404(client, fake):
    from services.dossiers.exceptions import ProcedureNotFound

    fake.answers[("dossiers", "get_procedure")] = ProcedureNotFound(
        "Procedure not found"
    )
    resp = client.simulate_get("/thu-tuc/nope")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/html")


def test_register_errors_link_from_the_summary_to_each_field(client, fake):
    fake.answers[("accounts", "register")] = ValidationFailed(
        "Invalid input", {"email": ["invalid_email"]}
    )
    first = client.simulate_get("/dang-ky")
    token = form_cookie(first)
    resp = client.simulate_post(
        "/dang-ky",
        body=f"csrf_token={token}&kind=citizen&full_name=%3Cscript%3Ex&email=bad",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies={"portal_form": token},
    )
    assert resp.status_code == 422  # the form again, its errors at the fields
    assert 'href="#f-email"' in resp.text
    assert 'id="f-email-error"' in resp.text and 'aria-invalid="true"' in resp.text
    assert "Địa chỉ e-mail không hợp lệ." in resp.text
    assert "<script>x" not in resp.text and "&lt;script&gt;x" in resp.text


def test_anonymous_form_without_its_token_is_refused(client, fake):
    resp = client.simulate_post(
        "/dang-ky",
        body="kind=citizen&email=a%40b.vn",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies={"portal_form": "x" * 43},
    )
    assert resp.status_code == 403
    assert not fake.called("register")


def test_login_sets_session_cookies_and_redirects_citizens_to_their_dossiers(fake):
    fake.answers[("accounts", "login")] = {
        "token": "tok-9",
        "expires_in": 3600,
        "user": {"kind": "citizen"},
    }
    client = make_client(fake)
    token = form_cookie(client.simulate_get("/dang-nhap"))
    resp = client.simulate_post(
        "/dang-nhap",
        body=f"csrf_token={token}&email=a%40b.vn&password=x&next=//evil.example",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies={"portal_form": token},
    )
    assert resp.status_code == 303 and resp.headers["location"].endswith("/ho-so")
    session = resp.cookies["portal_session"]
    assert session.value == "tok-9" and session.http_only and session.same_site == "Lax"


def test_wrong_password_is_shown_as_a_field_error(client, fake):
    fake.answers[("accounts", "login")] = Unauthenticated("Invalid credentials")
    token = form_cookie(client.simulate_get("/dang-nhap"))
    resp = client.simulate_post(
        "/dang-nhap",
        body=f"csrf_token={token}&email=a%40b.vn&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies={"portal_form": token},
    )
    assert resp.status_code == 422 and 'href="#f-email"' in resp.text


def test_pages_that_need_a_login_redirect_to_the_login_page(client):
    resp = client.simulate_get("/ho-so")
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/dang-nhap?next=")


def test_cookie_session_form_post_passes_csrf_with_the_hidden_field():
    fake = FakeRpc(caller=DESK)
    fake.answers[("dossiers", "act")] = lambda *a, **kw: {"id": "d-1"}
    client = make_client(fake)
    cookies, csrf = session_cookies()
    resp = client.simulate_post(
        "/can-bo/ho-so/d-1/xu-ly",
        body=f"csrf_token={csrf}&action=receive&department=TP&version=3",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies=cookies,
    )
    assert resp.status_code == 303, resp.text
    _, _, args, kw = fake.called("act")[0]
    assert args[1:] == ("d-1", "receive") and kw["department"] == "TP"


def test_cookie_session_form_post_with_a_wrong_token_is_refused():
    fake = FakeRpc(caller=DESK)
    client = make_client(fake)
    cookies, _ = session_cookies()
    resp = client.simulate_post(
        "/can-bo/ho-so/d-1/xu-ly",
        body="csrf_token=forged&action=receive",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies=cookies,
    )
    assert resp.status_code == 403
    assert not fake.called("act") and not fake.called("authenticate")


def test_workspace_offers_only_the_actions_the_service_allows():
    client = make_client(FakeRpc(caller=DESK))
    cookies, _ = session_cookies()
    resp = client.simulate_get("/can-bo/ho-so/d-1", cookies=cookies)
    offered = set(re.findall(r'name="action" value="([a-z_]+)"', resp.text))
    assert offered == {"receive", "reject"}
    assert 'id="f-receive-department"' in resp.text and "Tư pháp" in resp.text
    assert "<dt>Họ tên</dt>" in resp.text  # form values under the procedure's labels


def test_workspace_shows_empty_answers_as_a_dash_and_dates_day_month_year():
    fake = FakeRpc(caller=DESK)
    dossier = dict(fake.answers[("dossiers", "get_dossier")])
    dossier["form"] = {"born": None, "married_on": "2026-02-17", "note": ""}
    fake.answers[("dossiers", "get_dossier")] = dossier
    cookies, _ = session_cookies()
    resp = make_client(fake).simulate_get("/can-bo/ho-so/d-1", cookies=cookies)
    assert "None" not in resp.text
    assert resp.text.count("<dd>—</dd>") == 2
    assert "<dd>17/02/2026</dd>" in resp.text


def test_citizen_dossier_page_formats_dates_day_month_year():
    client = make_client(FakeRpc(caller=CITIZEN))
    cookies, _ = session_cookies()
    resp = client.simulate_get("/ho-so/d-1", cookies=cookies)
    assert resp.status_code == 200
    assert "05/03/2026" in resp.text and "Chờ tiếp nhận" in resp.text


def test_supplement_update_redirects_with_updated_successfully():
    fake = FakeRpc(caller=CITIZEN)
    dossier = dict(fake.answers[("dossiers", "get_dossier")])
    dossier["status"] = "supplement_requested"
    fake.answers[("dossiers", "get_dossier")] = dossier
    fake.answers[("dossiers", "update_dossier")] = lambda *a, **kw: dossier
    fake.answers[("dossiers", "submit_dossier")] = lambda *a, **kw: dossier
    client = make_client(fake)
    cookies, csrf = session_cookies()
    resp = client.simulate_post(
        "/ho-so/d-1/sua",
        body=f"csrf_token={csrf}&do=submit&form.full_name=B&form.copies=2",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies=cookies,
    )
    assert resp.status_code == 303
    assert resp.headers["location"] == "/ho-so/d-1?ok=updated"
    sent = fake.called("update_dossier")[0][2][2]["form"]
    assert sent == {"full_name": "B", "copies": 2}
    shown = client.simulate_get("/ho-so/d-1?ok=updated", cookies=cookies)
    assert "Cập nhật thành công" in shown.text


def test_static_files_are_served_and_names_are_checked(client):
    assert client.simulate_get("/static/portal.css").status_code == 200
    assert client.simulate_get("/static/..%2fapp.py").status_code == 404


def test_desk_queue_asks_the_index_for_its_tab_and_links_each_one():
    fake = FakeRpc(caller=DESK)
    fake.answers[("search", "work_list")] = lambda *a, **kw: {
        "items": [fake.answers[("dossiers", "get_dossier")]],
        "total": 1,
        "tabs": {"items": [{"key": "waiting_reception", "count": 1}], "total": 1},
    }
    client = make_client(fake)
    cookies, _ = session_cookies()
    resp = client.simulate_get(
        "/can-bo", params={"tu_khoa": "hang", "sap_xep": "-value"}, cookies=cookies
    )
    assert resp.status_code == 200
    (args,) = [c[2] for c in fake.called("work_list")]
    assert args[1] == {"tab": "waiting_reception", "q": "hang"}
    assert args[2] == "-value"
    assert not fake.called("count_tabs")
    assert 'href="/can-bo/ho-so/d-1"' in resp.text
    assert 'data-tab="waiting_reception" aria-current="page"' in resp.text
    # the shared filter fields, with what was asked kept in them
    assert 'name="tu_khoa" type="search" value="hang"' in resp.text
    assert '<option value="-value" selected>' in resp.text


def test_a_stored_javascript_template_link_is_never_a_link(client, fake):
    from .conftest import PROCEDURE

    templates = [
        {"name": "Mẫu xấu", "url": "javascript:alert(1)"},
        {"name": "Mẫu dữ liệu", "url": " data:text/html,x"},
        {"name": "Hướng dẫn", "url": "/huong-dan"},
    ]
    fake.answers[("dossiers", "get_procedure")] = dict(PROCEDURE, templates=templates)
    text = client.simulate_get("/thu-tuc/1.001193").text
    assert "javascript:" not in text and "data:text" not in text
    assert "Mẫu xấu" in text and 'href="/huong-dan"' in text


def test_citizen_page_of_a_dossier_received_elsewhere_says_where_to_collect():
    fake = FakeRpc(caller=CITIZEN)
    dossier = dict(fake.answers[("dossiers", "get_dossier")])
    dossier.update(agency="UBX", receiving_agency="R79", receiving_province="79")
    fake.answers[("dossiers", "get_dossier")] = dossier
    fake.answers[("accounts", "list_agencies")] = [
        {"code": "UBX", "name": "UBND xã Thử Nghiệm"},
        {"code": "R79", "name": "UBND phường Sài Gòn"},
    ]
    cookies, _ = session_cookies()
    page = make_client(fake).simulate_get("/ho-so/d-1", cookies=cookies).text
    collect = re.search(r'<dd id="collect-at">([^<]*)</dd>', page).group(1)
    assert collect == "Bộ phận tiếp nhận và trả kết quả, UBND phường Sài Gòn"
    assert "UBND xã Thử Nghiệm" in page


def test_workspace_declines_a_transfer_and_transfers_to_another_agency():
    fake = FakeRpc(caller=DESK)
    dossier = dict(fake.answers[("dossiers", "get_dossier")])
    actions = ["accept_transfer", "cancel", "decline_transfer"]
    dossier.update(
        agency="UBX", receiving_agency="R79", status="transferred", actions=actions
    )
    fake.answers[("dossiers", "get_dossier")] = dossier
    fake.answers[("dossiers", "get_procedure")] = dict(
        fake.answers[("dossiers", "get_procedure")], agencies=["UBX", "UB2"]
    )
    fake.answers[("accounts", "list_agencies")] = [
        {"code": "UBX", "name": "UBND xã Thử Nghiệm"},
        {"code": "UB2", "name": "UBND xã Khác"},
        {"code": "R79", "name": "UBND phường Sài Gòn"},
    ]
    cookies, csrf = session_cookies()
    client = make_client(fake)
    page = client.simulate_get("/can-bo/ho-so/d-1", cookies=cookies).text
    # the resolving desk's button asks why
    assert 'id="f-decline_transfer-reason"' in page
    assert 'data-action="decline_transfer" class="danger"' in page

    # back at the receiving desk: "Chuyển hồ sơ" offers the procedure's agencies
    dossier.update(status="to_transfer", actions=["cancel", "reject", "transfer"])
    page = client.simulate_get("/can-bo/ho-so/d-1", cookies=cookies).text
    select = re.search(r'<select[^>]*id="f-transfer-agency".*?</select>', page, re.S)
    offered = re.findall(r'<option value="([^"]*)"', select.group(0))
    assert set(offered) - {""} == {"UBX", "UB2"}  # not the receiving desk itself
    fake.answers[("dossiers", "act")] = lambda *a, **kw: {"id": "d-1"}
    resp = client.simulate_post(
        "/can-bo/ho-so/d-1/xu-ly",
        body=f"csrf_token={csrf}&action=transfer&agency=UB2&version=3",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies=cookies,
    )
    assert resp.status_code == 303, resp.text
    _, _, args, kw = fake.called("act")[0]
    assert args[1:] == ("d-1", "transfer") and kw["agency"] == "UB2"


def test_the_national_catalogue_is_the_search_index_own_province_first(client, fake):
    client.simulate_get("/thu-tuc", params={"q": "khai sinh", "tinh": "toan-quoc"})
    (call,) = fake.called("search_procedures")
    assert call[2][1:3] == ("khai sinh", "01")  # the text, the portal's province
    assert not fake.called("list_procedures")


def test_while_search_is_down_the_national_catalogue_is_the_dossiers_list(client, fake):
    from services.search.exceptions import SearchUnavailable

    fake.answers[("search", "search_procedures")] = SearchUnavailable("down")
    resp = client.simulate_get(
        "/thu-tuc", params={"q": "khai sinh", "tinh": "toan-quoc"}
    )
    assert resp.status_code == 200
    assert "/thu-tuc/1.001193" in resp.text
    (call,) = fake.called("list_procedures")
    assert call[3] == {"province": "01", "q": "khai sinh", "national": True}


def test_the_new_dossier_picker_offers_the_provinces_with_the_procedure(fake):
    from services.search.exceptions import SearchUnavailable

    fake.caller = CITIZEN
    far = dict(PROCEDURE, province="79")
    other = dict(PROCEDURE, province="48", code="2.000")  # another code
    fake.answers[("search", "search_procedures")] = {
        "items": [far, other], "total": 2,
    }  # fmt: skip
    cookies, _ = session_cookies()
    resp = make_client(fake).simulate_get(
        "/ho-so/moi", params={"thu_tuc": "1.001193"}, cookies=cookies
    )
    assert resp.status_code == 200, resp.text
    assert re.findall(r'<option value="(\d\d)"', resp.text) == ["01", "79"]

    fake.answers[("search", "search_procedures")] = SearchUnavailable("down")
    resp = make_client(fake).simulate_get(
        "/ho-so/moi", params={"thu_tuc": "1.001193"}, cookies=cookies
    )
    assert resp.status_code == 200
    assert len(re.findall(r'<option value="(\d\d)"', resp.text)) == 34  # all


def test_the_work_list_offers_the_receiving_agencies_of_its_dossiers_by_name():
    """The receiving-agency filter is a choice of names (the agencies search
    counts among the desk's dossiers), by name; the one chosen is sent as its code."""
    fake = FakeRpc(caller=DESK)
    fake.answers[("accounts", "list_agencies")] = lambda *a, **kw: [
        {"code": "UBX", "name": "UBND xã X"},
        {"code": "T79", "name": "UBND phường Sài Gòn"},
    ]
    fake.answers[("search", "work_list")] = lambda *a, **kw: {
        "items": [], "total": 0,
        "tabs": {"items": [{"key": "returned", "count": 0}], "total": 0},
        "receiving_agencies": [{"key": "UBX", "count": 3}, {"key": "T79", "count": 1}],
    }  # fmt: skip
    cookies, _ = session_cookies()
    resp = make_client(fake).simulate_get(
        "/can-bo", params={"noi_tiep_nhan": "T79", "tab": "returned"}, cookies=cookies
    )
    assert resp.status_code == 200
    select = resp.text.split('<select id="f-noi_tiep_nhan"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]*)<', select)
    assert options == [
        ("T79", " selected", "UBND phường Sài Gòn"), ("UBX", "", "UBND xã X")
    ]  # fmt: skip
    assert fake.called("work_list")[0][2][1]["receiving_agency"] == "T79"
    # without the counts (a page past the engine's window): the code's text box
    fake.answers[("search", "work_list")] = lambda *a, **kw: {
        "items": [],
        "total": 0,
        "tabs": {"items": [], "total": 0},
    }
    resp = make_client(fake).simulate_get("/can-bo", cookies=cookies)
    assert 'id="f-noi_tiep_nhan" name="noi_tiep_nhan" type="text"' in resp.text
