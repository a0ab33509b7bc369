"""Notifications, reminders and the applicant's reply, against a fake RPC pool."""

from .conftest import CITIZEN, DOSSIER, FakeRpc, make_client, session_cookies

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def citizen_client():
    fake = FakeRpc(caller=CITIZEN)
    return make_client(fake), fake


def test_the_header_counts_unread_and_the_list_links_each_entry():
    client, fake = citizen_client()
    fake.answers[("notify", "unread_count")] = {"unread": 2}
    fake.answers[("notify", "list_notifications")] = {
        "items": [
            {"id": "n1", "kind": "reminder", "title": "Nhắc việc", "body": "Gọi",
             "dossier_id": "d-1", "link": "/ho-so/d-1",
             "created_at": "2026-03-02T08:00:00+00:00", "read_at": None},
            {"id": "n2", "kind": "reminder", "title": "Xấu", "body": None,
             "dossier_id": "d-1", "link": "javascript:alert(1)",
             "created_at": "2026-03-02T08:00:00+00:00", "read_at": None},
        ],
        "total": 2,
        "unread": 2,
    }  # fmt: skip
    cookies, _ = session_cookies()
    page = client.simulate_get("/thong-bao", cookies=cookies)
    assert page.status_code == 200
    assert 'id="unread-count">2' in page.text
    assert '<a href="/ho-so/d-1">Nhắc việc</a>' in page.text
    assert "javascript:" not in page.text


def test_a_reminder_is_read_as_vietnam_time_and_sent_with_the_dossier():
    client, fake = citizen_client()
    fake.answers[("notify", "create_reminder")] = {"id": "r1"}
    cookies, csrf = session_cookies()
    body = (
        f"csrf_token={csrf}&dossier_id=d-1&remind_at=2031-01-02T08%3A30"
        "&note=G%E1%BB%8Di&next=%2Fho-so%2Fd-1%23reminders"
    )
    resp = client.simulate_post("/hen-gio", body=body, headers=FORM, cookies=cookies)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/ho-so/d-1?ok=reminder#reminders"
    ((_, _, (_, data), _),) = fake.called("create_reminder")
    assert data == {
        "dossier_id": "d-1",
        "remind_at": "2031-01-02T08:30:00+07:00",
        "note": "Gọi",
    }


def test_a_reminder_without_a_time_is_refused_without_asking_notify():
    client, fake = citizen_client()
    cookies, csrf = session_cookies()
    body = f"csrf_token={csrf}&dossier_id=d-1&remind_at=mai"
    resp = client.simulate_post("/hen-gio", body=body, headers=FORM, cookies=cookies)
    assert resp.status_code == 422
    assert fake.called("create_reminder") == []


def test_the_applicant_replies_from_the_dossier_page_with_a_public_comment():
    client, fake = citizen_client()
    fake.answers[("dossiers", "add_comment")] = {"id": 1}
    cookies, csrf = session_cookies()
    body = f"csrf_token={csrf}&body=Em+%C4%91%C3%A3+b%E1%BB%95+sung"
    resp = client.simulate_post(
        f"/ho-so/{DOSSIER['id']}/y-kien", body=body, headers=FORM, cookies=cookies
    )
    assert resp.status_code == 303
    assert resp.headers["location"] == "/ho-so/d-1?ok=replied#messages"
    ((_, _, (_, dossier_id, data), _),) = fake.called("add_comment")
    assert (dossier_id, data) == ("d-1", {"body": "Em đã bổ sung"})


def test_comments_on_the_dossier_page_are_escaped_with_safe_links():
    client, fake = citizen_client()
    fake.answers[("dossiers", "list_comments")] = [
        {"id": 1, "body": "<b>x</b> https://a.vn/h?a=1&b=2", "internal": False,
         "author": {"full_name": "Cán bộ"}, "at": "2026-03-02T08:00:00+00:00"},
    ]  # fmt: skip
    cookies, _ = session_cookies()
    page = client.simulate_get(f"/ho-so/{DOSSIER['id']}", cookies=cookies)
    assert page.status_code == 200
    assert "&lt;b&gt;x&lt;/b&gt;" in page.text
    assert 'href="https://a.vn/h?a=1&amp;b=2" rel="noopener nofollow ugc"' in page.text
    assert 'id="reply-form"' in page.text
