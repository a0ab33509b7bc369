"""The gateway side of accounts: CSRF for cookie sessions, the client address."""

from types import SimpleNamespace

from gateway.middleware import CSRF_COOKIE, csrf_ok, csrf_token_for
from gateway.resources.accounts import client_ip


class FakeRequest(SimpleNamespace):
    def get_header(self, name):
        return self.headers.get(name)


def request(method="POST", header=None, cookie=None, remote="127.0.0.1", xff=None):
    headers = {}
    if header is not None:
        headers["X-CSRF-Token"] = header
    if xff is not None:
        headers["X-Forwarded-For"] = xff
    cookies = {CSRF_COOKIE: cookie} if cookie is not None else {}
    return FakeRequest(
        method=method,
        headers=headers,
        cookies=cookies,
        remote_addr=remote,
        content_type="application/json",
        content_length=2,
    )


def test_csrf_token_is_bound_to_the_session_token():
    assert csrf_token_for("a") == csrf_token_for("a") != csrf_token_for("b")


def test_safe_methods_need_no_csrf_token():
    assert csrf_ok(request("GET"), "session")


def test_unsafe_cookie_request_needs_header_equal_to_cookie_and_session():
    good = csrf_token_for("session")
    assert csrf_ok(request(header=good, cookie=good), "session")
    assert not csrf_ok(request(), "session")
    assert not csrf_ok(request(header=good), "session")
    assert not csrf_ok(request(header="x", cookie="x"), "session")
    other = csrf_token_for("someone-else")
    assert not csrf_ok(request(header=other, cookie=other), "session")


def test_forwarded_address_is_trusted_only_from_a_loopback_proxy():
    assert client_ip(request(xff="1.2.3.4, 10.0.0.9")) == "10.0.0.9"
    assert client_ip(request(remote="203.0.113.5", xff="10.0.0.9")) == "203.0.113.5"
    assert client_ip(request(remote="203.0.113.5")) == "203.0.113.5"
