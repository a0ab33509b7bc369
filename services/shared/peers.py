"""The one way a service calls another: `Peer("accounts")`, a nameko dependency.

    accounts = Peer("accounts")          # in the service class
    self.accounts.get_agency(SYSTEM, code)

Every call is dumped with the peer's contract (`services/contracts/<peer>.py`: the
arguments are loaded and refused like the peer would, then dumped, and sent by
name), waits at most PORTAL_PEER_TIMEOUT seconds, and maps errors one way
(`translate`, shared with the gateway's pool):
- a ServiceError of the peer comes back as that same type, code, status, details;
- a timeout, an unknown service, a missing method or a broken broker connection is
  503 `<PEER>_UNAVAILABLE` (`ACCOUNTS_UNAVAILABLE`...), details {"service": [peer]}.
Nothing falls back: a caller that needs the answer fails (an RPC answers 503, an
event handler does not complete and its message is retried).

Intent-named facades (`Directory`, `FileIndex`, notify's `Peers`...) are built on it.
"""

import socket

from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService, registry
from nameko.rpc import RpcProxy

from services import contracts

from .config import PEER_TIMEOUT
from .errors import ServiceError, Unavailable

BROKEN = (OSError, socket.error, OperationalError, ConnectionError)
GONE = (RpcTimeout, UnknownService) + BROKEN


# One stable code per peer (literal, so the message catalogue's extractor finds them).
UNAVAILABLE_CODES = {
    "accounts": "ACCOUNTS_UNAVAILABLE",
    "dossiers": "DOSSIERS_UNAVAILABLE",
    "files": "FILES_UNAVAILABLE",
    "notify": "NOTIFY_UNAVAILABLE",
    "search": "SEARCH_UNAVAILABLE",
    "webhooks": "WEBHOOKS_UNAVAILABLE",
}


def unavailable(peer, reason=None):
    """503 naming the peer that did not answer."""
    return Unavailable(
        f"The {peer} service is unavailable",
        {"service": [peer]} | ({"reason": [reason]} if reason else {}),
        code=UNAVAILABLE_CODES.get(peer, "SERVICE_UNAVAILABLE"),
    )


def _by_name(exc_type):
    """The ServiceError subclass registered under this class name, if one is."""
    found = [
        cls
        for path, cls in registry.items()
        if path.rsplit(".", 1)[-1] == exc_type
        and isinstance(cls, type)
        and issubclass(cls, ServiceError)
    ]
    return found[0] if len(found) == 1 else None


def translate(exc, peer):
    """The error a caller of `peer` raises for `exc` (see the module docstring)."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, RemoteError):
        if exc.exc_type in ("MethodNotFound", "UnknownService"):
            return unavailable(peer, exc.exc_type)
        known = _by_name(exc.exc_type)
        return known(exc.value) if known else exc
    if isinstance(exc, GONE) or type(exc).__name__ == "Timeout":
        return unavailable(peer, type(exc).__name__)
    return exc


class PeerClient:
    """Calls to one peer: `client.method(*args, **kwargs)` or `client.call(...)`."""

    def __init__(self, peer, proxy, timeout):
        self.peer, self.proxy, self.timeout = peer, proxy, timeout

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)
        try:
            contracts.method(self.peer, method)
        except KeyError:
            raise AttributeError(f"{self.peer} has no RPC {method}") from None

        def call(*args, **kwargs):
            return self.call(method, *args, **kwargs)

        return call

    def call(self, method, *args, **kwargs):
        return self.begin(method, *args, **kwargs).result()

    def begin(self, method, *args, **kwargs):
        """Send the call now, wait for its answer later: `.result()` (at most the
        timeout from then), so a caller overlaps two peers' round trips."""
        sent = contracts.method(self.peer, method).dump(args, kwargs)
        try:
            reply = getattr(self.proxy, method).call_async(**sent)
        except Exception as exc:  # noqa: BLE001 - mapped once, re-raised
            raise translate(exc, self.peer) from exc
        return Pending(self, reply)


class Pending:
    """A call sent to a peer; `result()` its answer, with the peer's error mapping."""

    def __init__(self, client, reply):
        self.client, self.reply = client, reply

    def result(self):
        import eventlet

        try:
            with eventlet.Timeout(self.client.timeout):
                return self.reply.result()
        except (Exception, eventlet.Timeout) as exc:  # Timeout is a BaseException
            raise translate(exc, self.client.peer) from exc


class Peer(RpcProxy):
    """The nameko dependency of one peer service, handing out a `PeerClient`."""

    def __init__(self, peer, target_setting=None, **options):
        super().__init__(peer, **options)
        self.peer, self.target_setting = peer, target_setting

    def setup(self):
        config = self.container.config
        if self.target_setting is not None:  # tests may stand in for the peer
            self.target_service = config.get(self.target_setting.key, self.peer)
        self.timeout = float(config.get(PEER_TIMEOUT.key, PEER_TIMEOUT.default))
        super().setup()

    def get_dependency(self, worker_ctx):
        proxy = super().get_dependency(worker_ctx)
        return PeerClient(self.peer, proxy, self.timeout)
