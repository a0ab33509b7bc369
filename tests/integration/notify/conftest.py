"""The notify tests' stack: notify and the gateway, plus stand-in peers.

The other services are built concurrently; so that notify's behaviour is tested on
its own (real RabbitMQ vhost, PostgreSQL, SMTP sink), the peers it calls run as the
stand-ins of services/notify/testing/fakes.py under the real services' names.
"""

import time

import pytest
import requests

from gateway.rpc import RpcPool
from tests.stack import Stack

FAKES = tuple(
    f"notify.testing.fakes:Fake{name}Service"
    for name in ("Files", "Accounts", "Dossiers")
)


class NotifyStack(Stack):
    """Ready when the gateway lives and every started service answers health."""

    services = ("notify",) + FAKES

    def wait_ready(
        self, timeout=120, names=("notify", "files", "accounts", "dossiers")
    ):
        pool = RpcPool(self.env["PORTAL_AMQP_URI"], size=1, timeout=5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._check_alive()
                try:
                    requests.get(f"{self.url}/healthz", timeout=5).raise_for_status()
                    for name in names:
                        pool.call(name, "health")
                    return True
                except Exception:  # noqa: BLE001 - not ready yet
                    time.sleep(0.5)
        finally:
            pool.close()
        raise RuntimeError("notify stack not ready")


@pytest.fixture(scope="session")
def stack():
    running = NotifyStack()
    try:
        running.start(services=NotifyStack.services)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def rpc(stack):
    """An RPC pool on this stack's vhost.

    Overridden here on purpose: the root `rpc` is session-scoped too, and pytest would
    hand these tests the pool it cached for the main stack, whose real services do not
    have the stand-ins' methods.
    """
    pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=4, timeout=20)
    yield pool
    pool.close()
