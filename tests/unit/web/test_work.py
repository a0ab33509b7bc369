"""Officer and leader "my work", task updates and comments with attachments."""

from services.shared.errors import ValidationFailed

from .conftest import DOSSIER, FakeRpc, make_client, session_cookies

OFFICER = {
    "user_id": "o1",
    "kind": "staff",
    "roles": ["officer"],
    "province": "01",
    "agency": "UBX",
    "department": "TP",
    "full_name": "Chuyên viên",
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def indexed(dossier_id, state, appointment, assignees=()):
    return dict(
        DOSSIER, id=dossier_id, deadline_state=state, status="processing",
        appointment_date=appointment, assignees=list(assignees),
    )  # fmt: skip


def officer_client(fake=None):
    fake = fake or FakeRpc(caller=OFFICER)
    fake.answers[("search", "query")] = {
        "items": [
            indexed("d-late", "overdue", "2026-03-01", ["o1"]),
            indexed("d-soon", "due_soon", "2026-03-09"),
        ],
        "total": 2,
    }
    fake.answers[("dossiers", "list_tasks")] = [
        {"id": 7, "title": "Xác minh", "assignee": "o1", "due_date": "2026-03-04",
         "status": "open"},
        {"id": 8, "title": "Của người khác", "assignee": "o2", "due_date": None,
         "status": "open"},
    ]  # fmt: skip
    return make_client(fake), fake


def test_my_work_asks_search_for_open_dossiers_sorted_by_time_left():
    client, fake = officer_client()
    cookies, _ = session_cookies()
    resp = client.simulate_get(
        "/can-bo/viec-cua-toi", params={"thu_tuc": "1.001193"}, cookies=cookies
    )
    assert resp.status_code == 200, resp.text
    _, _, args, _ = fake.called("query")[0]
    filters, sort = args[1], args[2]
    assert sort == "time_left" and filters["procedure"] == "1.001193"
    assert "completed" not in filters["status"] and "processing" in filters["status"]


def test_my_work_shows_deadline_state_in_words_in_the_order_search_gave():
    client, _ = officer_client()
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/viec-cua-toi", cookies=cookies).text
    text = text[text.index('id="my-work"') :]  # the list, not the filter's options
    assert text.index("Quá hạn") < text.index("Sắp đến hạn")
    assert text.index("/can-bo/ho-so/d-late") < text.index("/can-bo/ho-so/d-soon")


def test_my_work_lists_only_my_open_tasks_of_dossiers_assigned_to_me():
    client, fake = officer_client()
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/viec-cua-toi", cookies=cookies).text
    assert "Xác minh" in text and "Của người khác" not in text
    assert [c[2][1] for c in fake.called("list_tasks")] == ["d-late"]
    assert 'action="/can-bo/ho-so/d-late/cong-viec/7"' in text


def test_my_work_shows_the_figures_of_my_own_work():
    client, fake = officer_client()
    fake.answers[("dossiers", "my_stats")] = {
        "since": "2026-11-01",
        "done": {"send_for_approval": 4},
        "assigned_open": {"overdue": 2},
        "tasks": {"open": 3},
    }
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/viec-cua-toi", cookies=cookies).text
    figures = text[text.index('id="figures"') : text.index('id="tasks"')]
    assert "Trình phê duyệt" in figures and ">4<" in figures
    assert "Quá hạn" in figures and ">2<" in figures
    assert "01/11/2026" in figures
    assert fake.called("my_stats")[0][2][0]["user_id"]  # asked as the officer


def test_only_dossiers_assigned_to_me_filters_by_my_user_id():
    client, fake = officer_client()
    cookies, _ = session_cookies()
    client.simulate_get("/can-bo/viec-cua-toi?cua_toi=1", cookies=cookies)
    assert fake.called("query")[0][2][1]["assignee"] == "o1"


def test_task_update_sends_the_status_and_returns_to_the_page_it_came_from():
    client, fake = officer_client()
    fake.answers[("dossiers", "update_task")] = lambda *a, **kw: {"id": 7}
    cookies, csrf = session_cookies()
    resp = client.simulate_post(
        "/can-bo/ho-so/d-late/cong-viec/7",
        body=f"csrf_token={csrf}&status=done&next=%2Fcan-bo%2Fviec-cua-toi",
        headers=FORM, cookies=cookies,
    )  # fmt: skip
    assert (
        resp.status_code == 303 and resp.headers["location"] == "/can-bo/viec-cua-toi"
    )
    assert fake.called("update_task")[0][2][1:] == ("d-late", "7", {"status": "done"})


def test_task_update_never_redirects_to_another_site():
    client, fake = officer_client()
    fake.answers[("dossiers", "update_task")] = lambda *a, **kw: {"id": 7}
    cookies, csrf = session_cookies()
    resp = client.simulate_post(
        "/can-bo/ho-so/d-late/cong-viec/7",
        body=f"csrf_token={csrf}&status=done&next=%2F%2Fevil.example",
        headers=FORM, cookies=cookies,
    )  # fmt: skip
    assert resp.headers["location"] == "/can-bo/ho-so/d-late#tasks"


def test_comment_references_uploaded_and_chosen_attachment_ids():
    client, fake = officer_client()
    fake.answers[("dossiers", "add_comment")] = lambda *a, **kw: {"id": 1}
    cookies, csrf = session_cookies()
    resp = client.simulate_post(
        "/can-bo/ho-so/d-1/y-kien",
        body=f"csrf_token={csrf}&body=Xem+t%E1%BB%87p&internal=true"
        "&file_ids=f-1%2Cf-2&file_ids=f-3",
        headers=FORM, cookies=cookies,
    )  # fmt: skip
    assert resp.status_code == 303
    sent = fake.called("add_comment")[0][2][2]
    assert sent == {
        "body": "Xem tệp",
        "internal": True,
        "file_ids": ["f-1", "f-2", "f-3"],
    }


def test_workspace_shows_comment_attachments_and_task_status_forms():
    fake = FakeRpc(caller=OFFICER)
    fake.answers[("files", "list_files")] = [
        {"id": "f-1", "name": "bien-ban.pdf", "size": 2048, "slot": "attachment",
         "pdf": True, "conversion": "not_needed"},
    ]  # fmt: skip
    fake.answers[("dossiers", "list_comments")] = [
        {"id": 1, "body": "Đã xem", "internal": True, "file_ids": ["f-1"],
         "author": {"full_name": "A"}, "at": "2026-03-02T08:00:00+00:00"},
    ]  # fmt: skip
    fake.answers[("dossiers", "list_tasks")] = [
        {"id": 7, "title": "Xác minh", "assignee": "o1", "status": "open"}
    ]
    client = make_client(fake)
    cookies, _ = session_cookies()
    text = client.simulate_get("/can-bo/ho-so/d-1", cookies=cookies).text
    assert 'href="/api/v1/files/f-1/content?download=1"' in text
    assert 'id="comment-form"' in text and 'name="file_ids" value="f-1"' in text
    assert 'id="task-7-status"' in text and "Đang thực hiện" in text


def test_task_page_lists_the_comments_of_that_task_with_a_form_to_add_one():
    fake = FakeRpc(caller=OFFICER)
    fake.answers[("dossiers", "list_tasks")] = [
        {"id": 7, "title": "Xác minh", "assignee": "o1", "status": "open"}
    ]
    fake.answers[("dossiers", "list_comments")] = lambda caller, d, task=None: [
        {"id": 1, "body": f"Ý kiến của việc {task}", "internal": True,
         "file_ids": [], "author": {"full_name": "A"},
         "at": "2026-03-02T08:00:00+00:00"},
    ]  # fmt: skip
    cookies, _ = session_cookies()
    resp = make_client(fake).simulate_get(
        "/can-bo/ho-so/d-1/cong-viec/7", cookies=cookies
    )
    assert resp.status_code == 200
    assert fake.called("list_comments")[0][2][1:] == ("d-1", 7)
    assert "Ý kiến của việc 7" in resp.text
    assert 'name="task_id" value="7"' in resp.text
    assert 'action="/can-bo/ho-so/d-1/y-kien"' in resp.text


def test_task_page_of_an_unknown_task_is_not_found():
    fake = FakeRpc(caller=OFFICER)
    fake.answers[("dossiers", "list_tasks")] = [{"id": 7, "title": "X"}]
    cookies, _ = session_cookies()
    resp = make_client(fake).simulate_get(
        "/can-bo/ho-so/d-1/cong-viec/8", cookies=cookies
    )
    assert resp.status_code == 404
    assert not fake.called("list_comments")


def test_comment_on_a_task_sends_its_id_and_returns_to_the_task_page():
    client, fake = officer_client()
    fake.answers[("dossiers", "add_comment")] = lambda *a, **kw: {"id": 1}
    cookies, csrf = session_cookies()
    resp = client.simulate_post(
        "/can-bo/ho-so/d-1/y-kien",
        body=f"csrf_token={csrf}&body=OK&task_id=7"
        "&next=%2Fcan-bo%2Fho-so%2Fd-1%2Fcong-viec%2F7",
        headers=FORM, cookies=cookies,
    )  # fmt: skip
    assert resp.headers["location"] == "/can-bo/ho-so/d-1/cong-viec/7"
    assert fake.called("add_comment")[0][2][2]["task_id"] == 7


def test_my_work_has_the_work_lists_filters_and_a_refused_one_is_shown_at_its_field():
    client, fake = officer_client()
    cookies, _ = session_cookies()
    params = {"tu_khoa": "nguyen van", "so_bien_nhan": "X-1", "tien_do": "overdue",
              "tu_ngay": "2026-01-01", "den_ngay": "2026-02-01", "sap_xep": "-value",
              "cua_toi": "1"}  # fmt: skip
    resp = client.simulate_get("/can-bo/viec-cua-toi", params=params, cookies=cookies)
    assert resp.status_code == 200, resp.text
    _, _, args, _ = fake.called("query")[0]
    filters, sort = args[1], args[2]
    assert filters == {
        "q": "nguyen van", "receipt_number": "X-1", "deadline_state": "overdue",
        "submitted_from": "2026-01-01", "submitted_to": "2026-02-01",
        "assignee": "o1", "status": filters["status"],
    }  # fmt: skip
    assert sort == "-value" and "processing" in filters["status"]
    assert 'value="nguyen van"' in resp.text  # the form keeps what was asked

    refused = ValidationFailed("bad", {"submitted_to": ["before the start"]})
    fake.answers[("search", "query")] = refused
    resp = client.simulate_get(
        "/can-bo/viec-cua-toi", params={"den_ngay": "2020-01-01"}, cookies=cookies
    )
    assert resp.status_code == 422
    assert 'id="f-den_ngay-error"' in resp.text
