"""Per-identity rate limits through HTTP, shared by two gateway instances.

Two extra gateways run with small budgets (the suite's own gateway has budgets too
high to ever throttle it). Windows are an hour long so that a test never straddles
one; a test that does anyway (the window turned between two requests, seen as
RateLimit-Remaining going up) runs its scenario once more.
"""

import uuid

import pytest
import sqlalchemy as sa

from services.shared.config import database_url
from tests.conftest import Api

from .conftest import Agency
from .test_api_journey import login

LIMITS = {
    "PORTAL_RATE_WINDOW": "3600",
    "PORTAL_RATE_LIMIT_USER": "6",
    "PORTAL_RATE_LIMIT_CLIENT": "4",
    "PORTAL_RATE_LIMIT_CLIENT_PROVINCES": "01=8",
    "PORTAL_RATE_LIMIT_ANONYMOUS": "5",
}


@pytest.fixture(scope="module")
def gateways(stack):
    names = ("gateway-limits-a", "gateway-limits-b")
    yield [stack.start_extra_gateway(name, LIMITS) for name in names]
    for name in names:
        stack.stop_process(name)


def address():
    """An address of its own (X-Forwarded-For is trusted from the local proxy)."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def client_at(url, headers):
    api = Api(url)
    api.session.headers.update(headers)
    return api


def spend(clients, path, count):
    """Send `count` GETs alternating between the clients; return the answers."""
    return [clients[i % len(clients)].get(path) for i in range(count)]


def window_turned(answers):
    left = [int(a.headers["RateLimit-Remaining"]) for a in answers]
    return any(b > a for a, b in zip(left, left[1:], strict=False))


def budget_holds(make_clients, path, limit):
    """Spend a budget across both instances; check the limit and the 429."""
    for _ in range(2):
        clients = make_clients()
        answers = spend(clients, path, limit + 1)
        if not window_turned(answers[:limit]):
            break
    allowed, refused = answers[:limit], answers[limit]
    assert [a.status_code for a in allowed] == [200] * limit, allowed[-1].text
    assert [int(a.headers["RateLimit-Limit"]) for a in allowed] == [limit] * limit
    assert [int(a.headers["RateLimit-Remaining"]) for a in allowed] == list(
        range(limit - 1, -1, -1)
    )
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["Retry-After"] == refused.headers["RateLimit-Reset"]
    return clients


def test_a_signed_in_user_has_one_budget_across_instances(stack, gateways):
    agency = Agency(Api(stack.url), stack)
    email = agency.staff["officer"]
    token = login(Api(stack.url), email).session.headers["Authorization"]

    def officers():
        return [client_at(url, {"Authorization": token}) for url in gateways]

    clients = budget_holds(officers, "/api/v1/accounts/me", 6)
    # Another identity is not affected by the officer's spent budget.
    other = client_at(
        gateways[0], login(Api(stack.url), agency.staff["desk"]).session.headers
    )
    assert other.get("/api/v1/accounts/me").status_code == 200
    assert clients[0].get("/api/v1/accounts/me").status_code == 429


def test_an_api_client_gets_its_province_budget(stack, gateways):
    agency = Agency(Api(stack.url), stack)
    made = agency.operator.post(
        "/api/v1/api-clients",
        json={
            "name": "Hệ thống một cửa",
            "scopes": ["dossiers:read"],
            "agency": agency.code,
        },
    )
    assert made.status_code == 201, made.text
    token = Api(stack.url).post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": made.json()["client_id"],
            "client_secret": made.json()["client_secret"],
        },
    )
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    # Province 01 gives its clients 8 (the default for clients is 4 here).
    budget_holds(
        lambda: [client_at(url, bearer) for url in gateways], "/api/v1/procedures", 8
    )


@pytest.mark.parametrize("path", ["/tra-cuu", "/api/v1/lookup/NO-SUCH-RECEIPT"])
def test_anonymous_lookups_are_limited_per_address(stack, gateways, path):
    def anonymous():
        forwarded = {"X-Forwarded-For": address()}
        return [client_at(url, forwarded) for url in gateways]

    limit = 5
    for _ in range(2):
        clients = anonymous()
        answers = spend(clients, path, limit + 1)
        if not window_turned(answers[:limit]):
            break
    assert all(a.status_code != 429 for a in answers[:limit])
    assert [int(a.headers["RateLimit-Remaining"]) for a in answers[:limit]] == [
        4,
        3,
        2,
        1,
        0,
    ]
    refused = answers[limit]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    if path.startswith("/api/"):
        assert refused.json()["error"]["code"] == "RATE_LIMITED"
    else:  # a page answers the portal's error page, in Vietnamese by default
        assert refused.headers["Content-Type"].startswith("text/html")
        assert "quá nhiều yêu cầu" in refused.text
    # Another address still has its whole budget.
    fresh = anonymous()[0].get(path)
    assert fresh.status_code != 429
    assert fresh.headers["RateLimit-Remaining"] == "4"


def test_health_checks_are_never_counted(stack, gateways):
    probe = client_at(gateways[0], {"X-Forwarded-For": address()})
    answers = [probe.get("/healthz") for _ in range(12)]
    assert [a.status_code for a in answers] == [200] * 12
    assert all("RateLimit-Limit" not in a.headers for a in answers)


def test_the_suite_gateway_is_not_throttled(api):
    resp = api.get("/api/v1/procedures")
    assert resp.status_code == 200
    assert int(resp.headers["RateLimit-Limit"]) >= 1_000_000


def api_client(stack, agency, name):
    made = agency.operator.post(
        "/api/v1/api-clients",
        json={"name": name, "scopes": ["dossiers:read"], "agency": agency.code},
    )
    assert made.status_code == 201, made.text
    token = Api(stack.url).post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": made.json()["client_id"],
            "client_secret": made.json()["client_secret"],
        },
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_province_quota_is_shared_by_all_its_api_clients(stack):
    # a quota window of its own, so no other test's requests count in it
    name, quota = "gateway-quota", 5
    env = {"PORTAL_API_QUOTA_PROVINCES": f"01={quota}",
           "PORTAL_API_QUOTA_WINDOW": str(3600 + uuid.uuid4().int % 3600)}  # fmt: skip
    url = stack.start_extra_gateway(name, env)
    try:
        agency = Agency(Api(stack.url), stack)
        first = client_at(url, api_client(stack, agency, "Một cửa A"))
        second = client_at(url, api_client(stack, agency, "Một cửa B"))
        operator = client_at(url, agency.operator.session.headers)
        answers = spend([first, second], "/api/v1/procedures", quota)
        assert [a.status_code for a in answers] == [200] * quota
        for client in (first, second):
            refused = client.get("/api/v1/procedures")
            assert refused.status_code == 429, refused.text
            assert refused.json()["error"]["code"] == "RATE_LIMITED"
            assert int(refused.headers["Retry-After"]) >= 1
        # people are not API clients: the province's quota does not bind them
        assert operator.get("/api/v1/procedures").status_code == 200
    finally:
        stack.stop_process(name)


def test_a_large_budget_is_counted_in_batches_and_never_exceeded(stack):
    """300 a day: each gateway process takes positions of the count in batches
    (gateway/leases.py), so the database row is not written per request; the
    budget still holds across two instances of two processes each."""
    limit, processes = 300, 4
    env = dict(LIMITS, PORTAL_RATE_WINDOW="86400", PORTAL_RATE_LIMIT_USER=str(limit))
    names = ("gateway-batch-a", "gateway-batch-b")
    urls = [stack.start_extra_gateway(name, env) for name in names]
    engine = sa.create_engine(database_url("gateway", stack.env), pool_size=1)
    try:
        agency = Agency(Api(stack.url), stack)
        token = login(Api(stack.url), agency.staff["officer"]).session.headers
        clients = [client_at(url, token) for url in urls]
        answers = spend(clients, "/api/v1/accounts/me", limit + 40)
        identity = f"user:{answers[0].json()['id']}"
        statuses = [a.status_code for a in answers]
        admitted = statuses.count(200)
        assert set(statuses) == {200, 429}
        # never over; early by at most a tenth of the budget per process
        assert limit - processes * (limit // 10) <= admitted <= limit
        for refused in (a for a in answers if a.status_code == 429):
            assert refused.json()["error"]["code"] == "RATE_LIMITED"
            assert int(refused.headers["Retry-After"]) >= 1
        # a spent budget is refused by each process without writing again: the
        # positions taken are the budget plus one refusal per process at most
        spend(clients, "/api/v1/accounts/me", 40)
        with engine.connect() as conn:
            (hits,) = conn.execute(
                sa.text("SELECT hits FROM rate_counters WHERE identity = :i"),
                {"i": identity},
            ).one()  # one window: a day's, from midnight UTC
        assert limit <= hits <= limit + processes
    finally:
        engine.dispose()
        for name in names:
            stack.stop_process(name)
