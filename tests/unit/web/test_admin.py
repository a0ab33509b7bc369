"""Admin pages: procedures as rows, holidays, agencies, staff, clients, e-mail."""

import re

from services.notify.exceptions import TemplateInvalid
from services.shared.errors import Forbidden, NotFound, Unavailable, ValidationFailed

from .conftest import PROCEDURE, FakeRpc, make_client, session_cookies

ADMIN = {
    "user_id": "a1",
    "kind": "staff",
    "roles": ["admin"],
    "province": "01",
    "agency": "UBX",
    "full_name": "Quản trị",
}
OPERATOR = dict(ADMIN, user_id="op", kind="operator", roles=["operator"], agency=None)
OK = lambda *a, **kw: {}  # noqa: E731
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def client_for(caller, answers=None):
    fake = FakeRpc(caller=caller)
    fake.answers.update(answers or {})
    return make_client(fake), fake


def post(client, path, body):
    cookies, csrf = session_cookies()
    return client.simulate_post(
        path, body=f"csrf_token={csrf}&{body}", headers=FORM, cookies=cookies
    )


def get(client, path):
    return client.simulate_get(path, cookies=session_cookies()[0])


def test_admin_menu_shows_only_what_the_role_permits():
    admin, _ = client_for(ADMIN, {("search", "dashboard"): None})
    text = get(admin, "/quan-tri/thu-tuc").text
    assert 'href="/quan-tri/can-bo"' in text
    # holidays and e-mail templates are province-wide: the province admin's
    assert 'href="/quan-tri/ngay-nghi"' not in text
    assert 'href="/quan-tri/ung-dung"' not in text
    operator, _ = client_for(OPERATOR)
    text = get(operator, "/quan-tri/thu-tuc").text
    assert 'href="/quan-tri/ung-dung"' in text and 'href="/quan-tri/ngay-nghi"' in text


def test_a_procedure_is_withdrawn_from_its_confirmation_page():
    client, fake = client_for(ADMIN, {("dossiers", "withdraw_procedure"): OK})
    page = get(client, "/quan-tri/thu-tuc/1.001193/ngung-cung-cap")
    assert page.status_code == 200 and 'id="withdraw-form"' in page.text
    assert 'action="/quan-tri/thu-tuc/1.001193/ngung-cung-cap"' in page.text
    resp = post(client, "/quan-tri/thu-tuc/1.001193/ngung-cung-cap", "")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/quan-tri/thu-tuc?ok=withdrawn&ma=1.001193"
    assert fake.called("withdraw_procedure")[0][2][1:] == ("1.001193", "01")
    # without the right to manage procedures: no form
    citizen, _ = client_for(dict(ADMIN, kind="citizen", roles=["citizen"]))
    assert get(citizen, "/quan-tri/thu-tuc/1.001193/ngung-cung-cap").status_code == 403


def test_a_withdrawn_procedure_is_listed_and_offered_again_by_saving_it():
    withdrawn = dict(PROCEDURE, withdrawn_at="2026-03-02T08:00:00+00:00")

    def gone(*args, **kwargs):
        raise NotFound("Procedure not found", {"code": ["1.001193"]})

    client, fake = client_for(ADMIN, {
        ("dossiers", "list_procedures"): [],
        ("dossiers", "list_withdrawn_procedures"): [withdrawn],
        ("dossiers", "get_procedure"): gone,
        ("dossiers", "update_procedure"): OK,
    })  # fmt: skip
    listed = get(client, "/quan-tri/thu-tuc").text
    assert 'id="withdrawn-procedures"' in listed and "02/03/2026" in listed
    page = get(client, "/quan-tri/thu-tuc/1.001193").text
    assert 'id="withdrawn-state"' in page and "Cung cấp lại" in page
    assert 'id="withdraw"' not in page  # withdrawn already
    resp = post(client, "/quan-tri/thu-tuc/1.001193", "name=Kh&level=3&"
                "processing_days=3&agencies=UBX")  # fmt: skip
    assert resp.status_code == 303
    (call,) = fake.called("update_procedure")
    assert call[2][1] == "1.001193" and call[2][2]["name"] == "Kh"


def test_procedure_form_rows_become_fields_and_document_slots():
    client, fake = client_for(ADMIN, {("dossiers", "create_procedure"): OK})
    resp = post(
        client, "/quan-tri/thu-tuc/moi",
        "code=P1&name=Kh%E1%BA%A3o+s%C3%A1t&level=2&processing_days=5&fee="
        "&agencies=UBX%2C+UBY&steps=B%C6%B0%E1%BB%9Bc+1%0D%0AB%C6%B0%E1%BB%9Bc+2"
        "&form.fields.0.name=ho_ten&form.fields.0.label=H%E1%BB%8D+t%C3%AAn"
        "&form.fields.0.type=text&form.fields.0.required=true"
        "&form.fields.1.name=&form.fields.1.label=&form.fields.1.type=text"
        "&form.fields.2.name=loai&form.fields.2.label=Lo%E1%BA%A1i"
        "&form.fields.2.type=select&form.fields.2.options=A%2C+B"
        "&documents.0.slot=cccd&documents.0.name=CCCD&documents.0.required=true"
        "&documents.1.slot=&documents.1.name=",
    )  # fmt: skip
    assert resp.status_code == 303 and resp.headers["location"].startswith(
        "/quan-tri/thu-tuc"
    )
    sent = fake.called("create_procedure")[0][2][1]
    assert sent["level"] == 2 and sent["processing_days"] == 5 and sent["fee"] is None
    assert sent["agencies"] == ["UBX", "UBY"] and sent["steps"] == ["Bước 1", "Bước 2"]
    assert sent["form"]["fields"] == [
        {"name": "ho_ten", "label": "Họ tên", "type": "text", "required": True},
        {"name": "loai", "label": "Loại", "type": "select", "required": False,
         "options": ["A", "B"]},
    ]  # fmt: skip
    assert sent["documents"] == [{"slot": "cccd", "name": "CCCD", "required": True}]
    assert sent["province"] == "01"


def test_procedure_row_error_is_shown_next_to_that_row_and_in_the_summary():
    error = ValidationFailed(
        "Invalid input",
        {"form.fields.0.name": ["String does not match expected pattern."]},
    )
    client, _ = client_for(ADMIN, {("dossiers", "create_procedure"): error})
    resp = post(
        client, "/quan-tri/thu-tuc/moi",
        "code=P1&name=X&level=2&processing_days=5"
        "&form.fields.0.name=H%E1%BB%8D&form.fields.0.label=H&form.fields.0.type=text",
    )  # fmt: skip
    assert resp.status_code == 422
    assert 'href="#f-form-fields-0-name"' in resp.text
    assert 'id="f-form-fields-0-name-error"' in resp.text
    assert "Trường 1" in resp.text and 'value="Họ"' in resp.text


def test_editing_a_procedure_publishes_a_new_version_under_its_code():
    client, fake = client_for(ADMIN, {("dossiers", "update_procedure"): OK})
    page = get(client, "/quan-tri/thu-tuc/1.001193").text
    assert 'name="form.fields.0.name" value="full_name"' in page
    assert 'name="documents.0.slot" value="photo"' in page
    post(client, "/quan-tri/thu-tuc/1.001193", "name=X&level=3&processing_days=3")
    _, _, args, _ = fake.called("update_procedure")[0]
    assert args[1] == "1.001193" and "code" not in args[2]


def test_editing_a_procedure_keeps_its_online_fee():
    rule = {"kind": "fixed", "amount": 10000, "due": "submission"}
    client, fake = client_for(
        ADMIN,
        {
            ("dossiers", "update_procedure"): OK,
            ("dossiers", "get_procedure"): dict(PROCEDURE, fee_rule=rule),
        },
    )
    post(client, "/quan-tri/thu-tuc/1.001193", "name=X&level=4&processing_days=3")
    _, _, args, _ = fake.called("update_procedure")[0]
    assert args[2]["fee_rule"] == rule


def test_holiday_add_and_remove_put_the_whole_year():
    current = [{"date": "2026-01-01", "name": "Tết Dương lịch"}]
    client, fake = client_for(
        ADMIN, {("dossiers", "get_holidays"): current, ("dossiers", "put_holidays"): OK}
    )
    assert "01/01/2026" in get(client, "/quan-tri/ngay-nghi?nam=2026").text
    post(
        client,
        "/quan-tri/ngay-nghi",
        "year=2026&date=2026-09-02&name=Qu%E1%BB%91c+kh%C3%A1nh",
    )
    _, _, args, _ = fake.called("put_holidays")[-1]
    assert args[1:3] == ("01", 2026) and [h["date"] for h in args[3]] == [
        "2026-01-01",
        "2026-09-02",
    ]
    post(client, "/quan-tri/ngay-nghi", "year=2026&remove=2026-01-01")
    assert fake.called("put_holidays")[-1][2][3] == []


def test_staff_creation_sends_the_callers_agency_and_errors_return_to_the_form():
    error = ValidationFailed("Invalid input", {"email": ["Not a valid email address."]})
    client, fake = client_for(ADMIN, {("accounts", "create_staff"): error})
    resp = post(client, "/quan-tri/can-bo",
                "full_name=A&email=bad&password=Secret-123&role=desk")  # fmt: skip
    assert resp.status_code == 422 and 'href="#f-email"' in resp.text
    assert "Secret-123" not in resp.text
    sent = fake.called("create_staff")[0][2][1]
    assert sent["agency"] == "UBX" and sent["role"] == "desk"


def test_deactivate_calls_accounts_with_the_user_id():
    client, fake = client_for(ADMIN, {("accounts", "deactivate_user"): OK})
    resp = post(client, "/quan-tri/can-bo", "deactivate=u-9")
    assert resp.status_code == 303
    assert fake.called("deactivate_user")[0][2][1] == "u-9"


def test_api_client_secret_is_shown_once_on_the_answer_to_its_creation():
    created = {"client_id": "cl_1", "client_secret": "s3cr3t", "name": "X"}
    client, fake = client_for(
        OPERATOR,
        {("accounts", "create_api_client"): lambda *a, **k: created,
           ("accounts", "list_api_clients"): [{"client_id": "cl_1", "name": "X",
                                                "scopes": ["dossiers:read"]}]},
    )  # fmt: skip
    resp = post(client, "/quan-tri/ung-dung", "name=X&scope.dossiers%3Aread=true")
    assert resp.status_code == 200 and 'id="client-secret">s3cr3t<' in resp.text
    assert fake.called("create_api_client")[0][2][1]["scopes"] == ["dossiers:read"]
    assert "s3cr3t" not in get(client, "/quan-tri/ung-dung").text


def test_api_clients_page_is_forbidden_to_an_agency_admin():
    client, _ = client_for(
        ADMIN, {("accounts", "list_api_clients"): Forbidden("Not permitted")}
    )
    assert get(client, "/quan-tri/ung-dung").status_code == 403


def test_invalid_mail_template_is_shown_as_an_error_of_its_source():
    client, _ = client_for(
        ADMIN,
        {("notify", "save_template"): TemplateInvalid(
            "Invalid template", {"source": ["unexpected '}'"]})},
    )  # fmt: skip
    resp = post(client, "/quan-tri/mau-thu/dossier_received",
                "lang=vi&source=%7B%25+block+subject+%7D%7B%7B+x+%7D")  # fmt: skip
    assert resp.status_code == 422
    assert 'href="#f-source"' in resp.text and 'id="f-source-error"' in resp.text
    assert "{% block subject }{{ x }" in resp.text.replace("&#39;", "'")


PROVINCE_ADMIN = dict(ADMIN, user_id="pa1", roles=["province_admin"])


def test_template_preview_shows_the_rendered_mail_and_saves_nothing():
    shown = {
        "subject": "Đặt lại mật khẩu",
        "text": "Mở http://portal/reset-password?token=mau",
        "html": '<p><a href="http://portal/reset-password?token=mau">Mở</a></p>',
    }
    client, fake = client_for(
        PROVINCE_ADMIN,
        {("notify", "preview_template"): lambda *a, **k: shown,
         ("notify", "get_template"): lambda *a, **k: {"variables": ["name"]}},
    )  # fmt: skip
    resp = post(client, "/quan-tri/mau-thu/password_reset",
                "lang=vi&do=preview&source=x")  # fmt: skip
    assert resp.status_code == 200
    assert 'id="template-preview-result"' in resp.text
    assert 'sandbox=""' in resp.text and "<code>name</code>" in resp.text
    assert not fake.called("save_template")


def test_refused_template_names_the_unknown_variables():
    from services.notify.exceptions import TemplateVariableUnknown

    client, _ = client_for(
        PROVINCE_ADMIN,
        {("notify", "save_template"): TemplateVariableUnknown(
            "Template uses variables its kind does not have",
            {"variables": ["link"]})},
    )  # fmt: skip
    resp = post(client, "/quan-tri/mau-thu/password_reset", "lang=vi&source=x")
    assert resp.status_code == 422
    assert 'id="f-source-error"' in resp.text and "link" in resp.text


def test_template_list_is_forbidden_to_an_agency_admin():
    client, _ = client_for(ADMIN)
    assert get(client, "/quan-tri/mau-thu").status_code == 403


def test_template_list_links_every_key_in_both_languages():
    client, _ = client_for(PROVINCE_ADMIN)
    text = get(client, "/quan-tri/mau-thu").text
    assert 'href="/quan-tri/mau-thu/dossier_received?lang=en"' in text


def test_bulk_mail_by_criteria_shows_preview_then_confirm_and_cancel():
    draft = {
        "id": "b-1",
        "status": "draft",
        "subject": "Thông báo",
        "recipients": 2,
        "counts": {"draft": 2},
        "bad_rows": [],
        "preview": {"recipient": "a@x.vn", "subject": "Thông báo", "text": "Chào A"},
    }
    client, fake = client_for(
        ADMIN, {("notify", "create_bulk_mail"): lambda *a, **k: draft,
                  ("notify", "confirm_bulk_mail"): OK,
                  ("notify", "get_bulk_mail"): dict(draft, status="sending")},
    )  # fmt: skip
    resp = post(client, "/quan-tri/thu-hang-loat",
                "subject=Th%C3%B4ng+b%C3%A1o&body=Ch%C3%A0o&criteria=department_staff"
                "&criteria.agency=UBX&criteria.department=TP&csv=")  # fmt: skip
    assert resp.status_code == 200 and "Chào A" in resp.text
    sent = fake.called("create_bulk_mail")[0][2][1]
    assert sent["criteria"] == {"kind": "department_staff", "agency": "UBX",
                                "department": "TP"}  # fmt: skip
    assert "csv" not in sent
    assert post(client, "/quan-tri/thu-hang-loat/b-1", "do=confirm").status_code == 303
    assert fake.called("confirm_bulk_mail")
    assert "Đang gửi" in get(client, "/quan-tri/thu-hang-loat/b-1").text


def test_bulk_mail_with_a_csv_list_sends_the_list_instead_of_criteria():
    error = ValidationFailed("No recipients", {"csv": ["No valid recipient."]})
    client, fake = client_for(ADMIN, {("notify", "create_bulk_mail"): error})
    resp = post(client, "/quan-tri/thu-hang-loat",
                "subject=S&body=B&criteria=department_staff&csv=bad-line")  # fmt: skip
    assert resp.status_code == 422 and 'href="#f-csv"' in resp.text
    sent = fake.called("create_bulk_mail")[0][2][1]
    assert sent["csv"] == "bad-line" and "criteria" not in sent


def test_every_new_admin_page_labels_its_inputs():
    client, _ = client_for(
        OPERATOR,
        {("dossiers", "get_holidays"): [], ("accounts", "list_agencies"): [],
           ("accounts", "list_api_clients"): [],
           ("notify", "get_template"): {"source": "x"}},
    )  # fmt: skip
    for path in ("/quan-tri/thu-tuc/moi", "/quan-tri/ngay-nghi", "/quan-tri/co-quan",
                 "/quan-tri/can-bo", "/quan-tri/ung-dung", "/quan-tri/thu-hang-loat",
                 "/quan-tri/tinh",
                 "/quan-tri/mau-thu/dossier_received"):  # fmt: skip
        text = get(client, path).text
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', text))
        labelled = set(re.findall(r'<label for="([^"]+)"', text))
        assert ids <= labelled, (path, ids - labelled)
        assert text.count('name="csrf_token"') >= text.count('method="post"'), path


NAMES = {
    ("accounts", "list_agencies"): [
        {"code": "UBX", "name": "UBND xã Xuân"},
        {"code": "STP", "name": "Sở Tư pháp"},
    ],
    ("accounts", "list_departments"): [
        {"code": "TP", "name": "Tư pháp", "agency": "UBX"}
    ],
}


def option(text, value, label):
    return re.search(rf'<option value="{value}"[^>]*>{label}</option>', text)


def test_admin_dropdowns_show_agency_and_department_names():
    client, fake = client_for(ADMIN, NAMES)
    staff = get(client, "/quan-tri/can-bo").text
    assert option(staff, "STP", "Sở Tư pháp") and option(staff, "TP", "Tư pháp")
    assert "— UBND xã Xuân</h1>" in staff
    assert fake.called("get_agency")[0][2][1] == "UBX"
    bulk = get(client, "/quan-tri/thu-hang-loat").text
    assert option(bulk, "UBX", "UBND xã Xuân") and option(bulk, "TP", "Tư pháp")
    listed = [{"client_id": "c", "name": "X", "scopes": [], "agency": "STP"}]
    operator, _ = client_for(
        OPERATOR, {**NAMES, ("accounts", "list_api_clients"): listed}
    )
    clients = get(operator, "/quan-tri/ung-dung").text
    assert option(clients, "STP", "Sở Tư pháp") and "<td>Sở Tư pháp</td>" in clients


def test_staff_table_shows_department_names():
    people = [{"id": "u1", "full_name": "B", "email": "b@x.test", "role": "officer",
               "department": "TP", "status": "active"}]  # fmt: skip
    client, _ = client_for(ADMIN, {**NAMES, ("accounts", "list_staff"): people})
    assert "<td>Tư pháp</td>" in get(client, "/quan-tri/can-bo").text


def test_admin_dropdowns_fall_back_to_codes_when_accounts_fails():
    down = Unavailable("Service unavailable")
    client, _ = client_for(ADMIN, {("accounts", "list_agencies"): down,
                                   ("accounts", "get_agency"): down})  # fmt: skip
    resp = get(client, "/quan-tri/can-bo")
    assert resp.status_code == 200
    assert re.search(r'<input type="text" id="f-agency" name="agency" value="UBX"',
                     resp.text)  # fmt: skip
    assert 'name="department"' in resp.text and '<select id="f-agency"' not in resp.text
    assert get(client, "/quan-tri/thu-hang-loat").status_code == 200


def test_provinces_link_only_for_the_operator_who_may_manage_them():
    operator, _ = client_for(OPERATOR)
    assert 'href="/quan-tri/tinh"' in get(operator, "/quan-tri/thu-tuc").text
    admin, _ = client_for(ADMIN)
    assert 'href="/quan-tri/tinh"' not in get(admin, "/quan-tri/thu-tuc").text


def test_operator_lists_and_creates_provinces():
    client, fake = client_for(OPERATOR, {("accounts", "create_province"): OK})
    text = get(client, "/quan-tri/tinh").text
    assert "<td>01</td><td>Hà Nội</td>" in text
    resp = post(client, "/quan-tri/tinh",
                "code=99&name=T%E1%BB%89nh+M%E1%BB%9Bi&name_en=&kind=city")  # fmt: skip
    assert resp.status_code == 303 and resp.headers["location"].startswith(
        "/quan-tri/tinh"
    )
    sent = fake.called("create_province")[0][2]
    assert sent[0]["user_id"] == "op"
    assert sent[1] == {"code": "99", "name": "Tỉnh Mới", "kind": "city"}


def test_province_errors_return_to_the_form_and_forbidden_is_an_error_page():
    error = ValidationFailed("Invalid input", {"code": ["Invalid province code."]})
    client, _ = client_for(OPERATOR, {("accounts", "create_province"): error})
    resp = post(client, "/quan-tri/tinh", "code=9&name=X")
    assert resp.status_code == 422 and 'href="#f-code"' in resp.text
    admin, _ = client_for(
        ADMIN, {("accounts", "create_province"): Forbidden("Not permitted")}
    )
    assert post(admin, "/quan-tri/tinh", "code=99&name=X").status_code == 403


def test_dashboard_staff_table_shows_department_names():
    fake = FakeRpc(caller=ADMIN)
    fake.answers[("accounts", "list_staff")] = [
        {"full_name": "Lê Văn Bình", "email": "b@x.vn", "role": "officer",
         "department": "TP"}
    ]  # fmt: skip
    fake.answers[("search", "dashboard")] = None
    text = get(make_client(fake), "/quan-tri").text
    assert "<td>Tư pháp</td>" in text and "<td>TP</td>" not in text


def test_uploaded_list_is_approved_from_the_bulk_page_by_a_province_admin():
    bulk = {"id": "b-2", "status": "draft", "subject": "Lịch", "recipients": 1,
            "counts": {"draft": 1}, "bad_rows": [], "needs_approval": True,
            "approved": False, "created_by": "a1"}  # fmt: skip
    client, fake = client_for(
        PROVINCE_ADMIN, {("notify", "get_bulk_mail"): bulk,
                         ("notify", "approve_bulk_mail"): OK},
    )  # fmt: skip
    text = get(client, "/quan-tri/thu-hang-loat/b-2").text
    assert 'id="bulk-awaiting"' in text and 'id="bulk-approve"' in text
    assert 'id="bulk-send"' not in text
    resp = post(client, "/quan-tri/thu-hang-loat/b-2", "do=approve")
    assert resp.status_code in (302, 303)
    assert fake.called("approve_bulk_mail")


def test_the_uploader_sees_no_approve_button():
    bulk = {"id": "b-3", "status": "draft", "subject": "Lịch", "recipients": 1,
            "counts": {"draft": 1}, "bad_rows": [], "needs_approval": True,
            "approved": False, "created_by": "pa1"}  # fmt: skip
    client, _ = client_for(PROVINCE_ADMIN, {("notify", "get_bulk_mail"): bulk})
    text = get(client, "/quan-tri/thu-hang-loat/b-3").text
    assert 'id="bulk-awaiting"' in text and 'id="bulk-approve"' not in text
