"""The operator's webhook pages: endpoints, one endpoint's delivery log, a replay."""

from services.shared.errors import Forbidden

from .test_admin import ADMIN, OPERATOR, client_for, get, post

SUB = {
    "id": "s-1",
    "client_id": "cl_1",
    "url": "https://he-thong.example.vn/hook",
    "description": None,
    "event_types": ["dossier_submitted", "dossier_status_changed"],
    "provinces": [],
    "agencies": [],
    "procedures": [],
    "active": False,
    "disabled_reason": "gone",
    "created_at": "2026-12-01T10:00:00+00:00",
    "pending": 3,
    "failed": 1,
}
DELIVERY = {
    "id": "msg_abc",
    "subscription_id": "s-1",
    "event_id": "e-1",
    "event_type": "dossier_submitted",
    "occurred_at": "2026-12-01T10:05:00+00:00",
    "status": "failed",
    "attempts": 1,
    "last_status": 410,
    "last_error": None,
    "last_attempt_at": "2026-12-01T10:05:01+00:00",
    "next_attempt_at": None,
    "delivered_at": None,
}


def test_the_operator_sees_every_endpoint_and_its_state():
    client, _ = client_for(OPERATOR, {("webhooks", "list_subscriptions"): [SUB]})
    text = get(client, "/quan-tri/webhook").text
    assert 'href="/quan-tri/webhook/s-1"' in text and SUB["url"] in text
    assert "(gone)" in text and 'href="/quan-tri/webhook"' in text  # in the menu


def test_the_log_lists_deliveries_with_their_response_and_filters_by_state():
    client, fake = client_for(
        OPERATOR,
        {("webhooks", "get_subscription"): SUB,
         ("webhooks", "list_deliveries"): {"items": [DELIVERY], "total": 1}},
    )  # fmt: skip
    text = get(client, "/quan-tri/webhook/s-1?trang_thai=failed").text
    assert "msg_abc" in text and ">410<" in text
    assert fake.called("list_deliveries")[0][2][2] == {
        "page": 1,
        "page_size": 50,
        "status": "failed",
    }


def test_a_replay_sends_the_delivery_again_and_comes_back_to_the_log():
    client, fake = client_for(
        OPERATOR, {("webhooks", "replay"): lambda *a, **k: {"replayed": 1}}
    )
    resp = post(client, "/quan-tri/webhook/s-1", "delivery_id=msg_abc")
    assert resp.status_code == 303
    assert fake.called("replay")[0][2][1:] == ("s-1", {"delivery_id": "msg_abc"})


def test_the_page_is_forbidden_to_an_agency_admin():
    client, _ = client_for(
        ADMIN, {("webhooks", "list_subscriptions"): Forbidden("Not permitted")}
    )
    assert get(client, "/quan-tri/webhook").status_code == 403
    assert 'href="/quan-tri/webhook"' not in get(client, "/quan-tri/thu-tuc").text
