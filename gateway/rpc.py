"""The gateway's pooled RPC client: a few long-lived nameko proxies shared by threads.

Each proxy owns one AMQP connection and reply queue; a request borrows one, sets the
request id in its context data (so it travels to the service and on into events), and
gives it back. Broken proxies are dropped and replaced on next use.

Arguments are dumped with the service's contract (services/contracts) and errors are
mapped by `services/shared/peers.translate`, exactly as between services.
"""

import logging
import queue
import uuid
from contextlib import contextmanager

from nameko.standalone.rpc import ClusterRpcProxy

from services import contracts
from services.shared.clock import CONTEXT_KEY as CLOCK_KEY
from services.shared.errors import Unavailable
from services.shared.peers import BROKEN, GONE, translate

log = logging.getLogger(__name__)


class _Entry:
    def __init__(self, config, timeout):
        self.context = {"request_id": None}
        self.proxy = ClusterRpcProxy(config, context_data=self.context, timeout=timeout)
        self.client = self.proxy.start()

    def close(self):
        try:
            self.proxy.stop()
        except Exception:  # noqa: BLE001 - closing a broken connection
            pass


class RpcPool:
    """Borrow-and-return pool of cluster RPC proxies."""

    def __init__(self, amqp_uri, size=8, timeout=15.0):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self.size = size
        self._free = queue.LifoQueue()

    def _take(self, timeout):
        try:
            entry = self._free.get_nowait()
            if entry.timeout != timeout:
                entry.close()
                raise queue.Empty
            return entry
        except queue.Empty:
            entry = _Entry(self.config, timeout)
            entry.timeout = timeout
            return entry

    @contextmanager
    def client(self, request_id=None, timeout=None, idempotency_key=None, clock=None):
        """Yield a cluster proxy (`client.accounts.login(...)`).

        `idempotency_key` (the caller's Idempotency-Key, bound to the caller) travels
        in the context data: the acting operations keep their result under it.
        `clock` (an aware datetime) is the moment the call runs at, for services that
        take it (`PORTAL_CLOCK_FROM_CONTEXT`, the demo seeder); pages never send one.
        """
        timeout = timeout or self.timeout
        try:
            entry = self._take(timeout)
        except BROKEN as exc:
            raise Unavailable(
                "Message broker unreachable", {"broker": [str(exc)]}
            ) from exc
        entry.context["request_id"] = request_id or uuid.uuid4().hex
        # nameko warns about (and drops) None headers, so an absent key is no entry.
        entry.context.pop("idempotency_key", None)
        if idempotency_key:
            entry.context["idempotency_key"] = idempotency_key
        entry.context.pop(CLOCK_KEY, None)
        if clock is not None:
            entry.context[CLOCK_KEY] = clock.isoformat()
        healthy = True
        try:
            yield entry.client
        except GONE:
            healthy = False  # the caller maps it (translate)
            raise
        finally:
            if healthy and self._free.qsize() < self.size:
                self._free.put(entry)
            else:
                entry.close()

    def call(
        self,
        service,
        method,
        *args,
        request_id=None,
        timeout=None,
        idempotency_key=None,
        clock=None,
        **kwargs,
    ):
        """Call one RPC method (arguments dumped with its contract); its result."""
        sent = contracts.method(service, method).dump(args, kwargs)
        try:
            with self.client(request_id, timeout, idempotency_key, clock) as client:
                return getattr(getattr(client, service), method)(**sent)
        except Exception as exc:  # noqa: BLE001 - mapped once, re-raised
            mapped = translate(exc, service)
            if mapped is exc:
                raise
            raise mapped from exc

    def close(self):
        while not self._free.empty():
            self._free.get_nowait().close()
