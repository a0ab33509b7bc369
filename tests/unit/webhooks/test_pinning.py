"""A try connects to the address its check resolved (no DNS rebinding).

The resolver is the seam: a fake one answers what a hostile DNS server would; the
HTTP side is real (urllib3 to a local server on 127.0.0.1).
"""

import datetime as dt
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.webhooks import domain
from services.webhooks.sender import try_once
from services.webhooks.transport import PinnedTransport

PUBLIC = "93.184.216.34"


class Resolver:
    """Answers the listed addresses in turn, one list per call (the last repeats)."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), []

    def __call__(self, host, port, proto=0):
        self.calls.append(host)
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, proto, "", (a, port)) for a in answer
        ]


class Recorder:
    """A transport that records the target of each post and answers 204."""

    def __init__(self):
        self.targets = []

    def post(self, target, body, headers):
        self.targets.append(target)
        return type("Answer", (), {"status": 204, "headers": {}})()


def _try(transport, url, resolve, allowed=()):
    return try_once(
        transport, url, b"{}", {}, dt.datetime.now(dt.UTC), allowed, resolve
    )


def test_every_resolved_address_is_checked():
    with pytest.raises(domain.TargetRefused, match="url_not_public"):
        domain.check_target(
            "https://hooks.example.org/x", (), Resolver([PUBLIC, "10.0.0.7"])
        )


def test_a_try_resolves_once_and_posts_to_the_checked_address():
    # a rebinding name: public to the first look-up, loopback to any later one
    resolve, transport = Resolver([PUBLIC], ["127.0.0.1"]), Recorder()
    outcome = _try(transport, "https://hooks.example.org:8443/in?x=1", resolve)
    assert outcome.delivered and resolve.calls == ["hooks.example.org"]
    (target,) = transport.targets
    assert target.addresses == (PUBLIC,) and target.host == "hooks.example.org"
    assert (target.port, target.path, target.netloc) == (
        8443,
        "/in?x=1",
        "hooks.example.org:8443",
    )


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_the_try():
    resolve, transport = Resolver(["127.0.0.1"]), Recorder()
    outcome = _try(transport, "http://hooks.example.org/in", resolve)
    assert outcome.error == "url_not_public" and transport.targets == []
    # unless the operator allows that host
    assert _try(
        transport, "http://hooks.example.org/in", resolve, ("hooks.example.org",)
    )
    assert transport.targets[0].addresses == ("127.0.0.1",)


class Seen(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server name
        self.server.seen.append((self.headers["Host"], self.path))
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Seen)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_the_connection_goes_to_the_pinned_address_with_the_name_as_host(
    local_server,
):
    port = local_server.server_address[1]
    # the name does not resolve at all: only the pinned address can be reached
    resolve = Resolver(["127.0.0.1"])
    url = f"http://hooks.invalid:{port}/in"
    outcome = _try(PinnedTransport(2.0), url, resolve, ("hooks.invalid",))
    assert outcome.status == 204
    assert local_server.seen == [(f"hooks.invalid:{port}", "/in")]


def test_a_refused_connection_tries_the_next_checked_address(local_server):
    port = local_server.server_address[1]
    # the server listens on 127.0.0.1 only: 127.0.0.2 refuses
    resolve = Resolver(["127.0.0.2", "127.0.0.1"])
    outcome = _try(
        PinnedTransport(2.0), f"http://h.invalid:{port}/", resolve, ("h.invalid",)
    )
    assert outcome.status == 204 and len(local_server.seen) == 1
