"""One stack on components that may be broken: what the fault tests and the soak
(bench/faults/soak.py) run on.

Its broker and database are private (components.py); OpenSearch, MinIO and the SMTP
sink are the shared ones, reached through Toxiproxy so a fault can cut them off
without stopping them for anybody else.
"""

import os
import signal
import socket
import time
from contextlib import contextmanager

from tests.stack import Stack

from .components import PrivatePostgres, PrivateRabbit, Toxiproxy
from .workload import World

# What a burst makes each process handle, so a kill can catch it holding one.
KILLS = {
    "accounts": ("rpc",),
    "dossiers": ("rpc",),
    "files": ("rpc",),
    "notify": ("event",),
    "search": ("event",),
    "files.converter-ConverterService": ("any",),
    # webhooks stores an event in milliseconds (and the burst has no subscription to
    # hold a delivery in hand): killed whenever, its events come back to it
    "webhooks": ("any",),
    "gateway": ("any",),
}
# search handles an event, and files most RPCs, in milliseconds: too fast for
# RabbitMQ's figures (sampled every 0.5 s) to show them in hand (files was missed
# for 15 s in one run of four). With a component they need cut off they hold the
# message for seconds (search: a timeout, then a pause before requeueing; files: the
# MinIO client's retries while it stores a reception's slip), and are killed then.
HOLD_WITH_OUTAGE = {"search": "opensearch", "files": "minio"}


def queues_of(name):
    """The queues a process consumes: its RPC queue and its event queues' marker."""
    service = {"files.converter-ConverterService": "files_converter"}.get(name, name)
    return f"rpc-{service}", f"--{service}."


class Faults:
    """The components a test may break, the stack on them and its world, and the
    faults themselves (each returns once the thing broken is back)."""

    def __init__(self, rabbit, postgres, toxiproxy, stack, world):
        self.rabbit, self.postgres, self.toxiproxy = rabbit, postgres, toxiproxy
        self.stack, self.world = stack, world

    def restart_broker(self, down_for=5):
        self.rabbit.restart(down_for)

    def restart_postgres(self, down_for=3):
        self.postgres.restart(down_for)

    def outage(self, component, seconds=4):
        self.toxiproxy.down(component)
        try:
            time.sleep(seconds)  # the outage itself, not an assertion
        finally:
            self.toxiproxy.up(component)

    def kill(self, name, kind="any", wait=30):
        """SIGKILL `name` (once RabbitMQ shows it holding an unacknowledged message
        of `kind`, "rpc" or "event", if that comes within `wait`: notify holds an
        event for milliseconds, seen in one 0.5 s sample of ten, so 30 s make a
        miss unlikely where 15 s missed it once in CI), then wait until
        its supervisor has it running and the stack is ready again. Return whether
        it held a message of `kind` when killed."""
        cut = HOLD_WITH_OUTAGE.get(name) if kind != "any" else None
        if cut:
            self.toxiproxy.down(cut)
        try:
            held = kind == "any" or self._wait_in_hand(name, kind, wait)
            pid = self.stack.pid(name)
            os.kill(pid, signal.SIGKILL)
        finally:
            if cut:
                self.toxiproxy.up(cut)
        deadline = time.monotonic() + 60
        while self.stack.supervised(name).get("pid") in (None, pid):
            assert time.monotonic() < deadline, f"{name} not restarted"
            time.sleep(0.1)
        self.stack.wait_ready(60)
        return held

    def _wait_in_hand(self, name, kind, wait):
        rpc_queue, event_marker = queues_of(name)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            hand = self.rabbit.in_hand(self.stack.vhost)
            if any(
                n > 0
                for queue, n in hand.items()
                if (queue == rpc_queue if kind == "rpc" else event_marker in queue)
            ):
                return True
            time.sleep(0.05)
        return False


def addresses(value):
    """The `host:port` of each URL or address in a ','-separated list (env.sh gives a
    cluster's OpenSearch nodes that way)."""
    found = []
    for item in value.split(","):
        if item := item.strip():
            found.append(item.split("://", 1)[-1].split("/", 1)[0])
    return found


def upstreams(env):
    """What each proxied component is behind Toxiproxy: its variables' addresses."""
    return {
        "opensearch": addresses(env.get("PORTAL_OPENSEARCH_URL", "127.0.0.1:9201")),
        "minio": addresses(env.get("PORTAL_S3_ENDPOINT", "127.0.0.1:9100")),
        "smtp": [
            f"{env.get('PORTAL_SMTP_HOST', '127.0.0.1')}:"
            f"{env.get('PORTAL_SMTP_PORT', '2525')}"
        ],
    }


PROXIED = tuple(upstreams({}))


def unreachable(targets):
    """The components none of whose addresses accepts a connection, with them."""
    return {
        name: found
        for name, found in targets.items()
        if all(not reachable(address) for address in found)
    }


def reachable(address):
    host, port = address.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
    except OSError:
        return False
    return True


@contextmanager
def fault_stack(clients):
    """Start the components, the proxies, the stack and a world of `clients`."""
    targets = upstreams(os.environ)
    # A proxy in front of nothing answers every connection by closing it: the stack
    # would never be ready, and its /readyz would only say "ConnectionError".
    if missing := unreachable(targets):
        raise RuntimeError(
            f"not answering: {missing}; the fault stack reaches the shared "
            "OpenSearch, MinIO and SMTP sink through Toxiproxy (deploy/local/infra "
            "start)"
        )
    rabbit, postgres, toxiproxy, stack = PrivateRabbit(), PrivatePostgres(), None, None
    try:
        rabbit.start()
        postgres.start()
        toxiproxy = Toxiproxy()
        toxiproxy.start()
        proxied = {name: toxiproxy.proxy(name, to) for name, to in targets.items()}
        smtp_host, smtp_port = proxied["smtp"][0].split(":")
        search_urls = ",".join(f"http://{a}" for a in proxied["opensearch"])
        env = dict(os.environ)
        # One private broker node: a cluster's queue type does not apply.
        env.pop("PORTAL_RABBIT_QUEUE_TYPE", None)
        env.update(
            PORTAL_AMQP_URI=rabbit.amqp_uri,
            PORTAL_RABBIT_MGMT_URL=rabbit.mgmt_url,
            PORTAL_PG_DSN_BASE=postgres.dsn_base,
            PORTAL_OPENSEARCH_URL=search_urls,
            PORTAL_S3_ENDPOINT=proxied["minio"][0],
            PORTAL_SMTP_HOST=smtp_host,
            PORTAL_SMTP_PORT=smtp_port,
        )
        stack = Stack(env)
        stack.start()
        yield Faults(rabbit, postgres, toxiproxy, stack, World(stack, clients))
    finally:
        if stack is not None:
            stack.stop()
        if toxiproxy is not None:
            toxiproxy.close()
        postgres.close()
        rabbit.close()
