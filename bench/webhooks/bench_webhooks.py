"""Benchmark: 10,000 dossier events delivered to 10 webhook endpoints, one slow.

Starts its own isolated stack (vhost, database) with the webhooks service only,
ten local receivers (ports 18100-18199; nine answer at once, one takes --slow
seconds a request), ten subscriptions of an API client, then publishes --events
`dossier_status_changed` events to the dossiers exchange as the outbox relay does
(valid payloads of the contract). Prints how long the log took to store them, when
each fast endpoint had all of them, the event → receipt latency (p50, p99) at the
fast endpoints, how many the slow one got meanwhile, when it had them all (the run
waits for it too), the most requests it held at once (PORTAL_WEBHOOK_IN_FLIGHT
bounds them), and the service's CPU and peak memory. Every try's signature is
checked with `standardwebhooks` as it arrives.

    . deploy/local/env.sh && PYTHONPATH=. $PORTAL_VENV/bin/python \
        bench/webhooks/bench_webhooks.py [--events 10000] [--slow 0.5] [--senders 16] \
        [--in-flight N] [--instances 1] [--timeout 1800]
"""

import argparse
import datetime as dt
import json
import statistics
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kombu import Connection, Producer
from nameko.standalone.events import get_event_exchange
from sqlalchemy import create_engine, text
from standardwebhooks.webhooks import Webhook

from gateway.rpc import RpcPool
from services.shared.config import database_url
from tests.stack import Stack

CLIENT = {
    "kind": "client",
    "user_id": "bench-client",
    "roles": [],
    "province": "01",
    "agency": "BENCH",
    "scopes": ["dossiers:read"],
}


class Endpoint(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, port, delay):
        self.delay, self.lock = delay, threading.Lock()
        self.latencies, self.ids, self.done_at = [], set(), None
        # set once its subscription exists; every try is verified as it arrives
        # (a sample verified at the end was older than the verifier's 5 minutes)
        self.verifier, self.verified, self.refused = None, 0, 0
        self.open = self.most = 0  # requests held at once (before answering)
        super().__init__(("127.0.0.1", port), Receive)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class Receive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.verify(body)
        with self.server.lock:
            self.server.open += 1
            self.server.most = max(self.server.most, self.server.open)
        if self.server.delay:
            time.sleep(self.server.delay)
        with self.server.lock:
            self.server.open -= 1
        try:
            event = json.loads(body)
        except ValueError:  # a try the sender gave up on mid-way
            return
        took = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(event["time"])
        with self.server.lock:
            self.server.ids.add(event["id"])
            self.server.latencies.append(took.total_seconds())
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def verify(self, body):
        verifier = self.server.verifier
        if verifier is None:
            return
        try:
            verifier.verify(body.decode(), dict(self.headers))
            ok = True
        except Exception:  # noqa: BLE001 - counted and reported
            ok = False
        with self.server.lock:
            if ok:
                self.server.verified += 1
            else:
                self.server.refused += 1

    def log_message(self, *args):
        pass


def payload(n):
    dossier_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).isoformat()
    snapshot = {
        "id": dossier_id,
        "province": "01",
        "agency": "BENCH",
        "procedure": {"code": "BENCH", "name": "Thủ tục", "version": 1},
        "applicant": {"id": "c1", "kind": "citizen", "full_name": "Nguyễn Văn An"},
        "owner": "c1",
        "status": "received",
        "submitted_at": now,
        "version": 2,
    }
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": now,
        "province": "01",
        "request_id": None,
        "dossier_id": dossier_id,
        "dossier": snapshot,
        "version": 2,
        "from": "submitted",
        "to": "received",
        "action": "receive",
        "actor": {"id": "desk-1", "full_name": "Cán bộ", "role": "desk"},
        "receipt_number": f"BENCH-{n}",
    }


def stored(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM events")).scalar()


def wait_health(rpc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return rpc.call("webhooks", "health", timeout=3)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise SystemExit("webhooks did not start")


def proc_figures(pid):
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    peak = next(int(x.split()[1]) / 1024 for x in status if x.startswith("VmHWM:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / __import__("os").sysconf("SC_CLK_TCK")
    return peak, cpu


def load_average():
    return Path("/proc/loadavg").read_text().split()[0]


def main():  # noqa: C901 - one straight run: set up, publish, wait, print
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--slow", type=float, default=0.5)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--in-flight", type=int, help="PORTAL_WEBHOOK_IN_FLIGHT")
    args = parser.parse_args()
    endpoints = [
        Endpoint(18150 + i, args.slow if i == 0 else 0) for i in range(args.endpoints)
    ]
    stack = Stack()
    stack.env.update(
        PORTAL_LOG_LEVEL="WARNING",
        PORTAL_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
        PORTAL_WEBHOOK_SENDERS=str(args.senders),
        PORTAL_WEBHOOK_TIMEOUT=str(max(5.0, args.slow * 4)),
    )
    if args.in_flight:
        stack.env["PORTAL_WEBHOOK_IN_FLIGHT"] = str(args.in_flight)
    rpc = RpcPool(stack.env["PORTAL_AMQP_URI"], size=2, timeout=120)
    try:
        stack.create_vhost()
        for index in range(args.instances):
            stack.start_process(
                f"webhooks-{index}",
                [sys.executable, "-m", "services.shared.runner", "webhooks"],
            )
        wait_health(rpc)
        for i, endpoint in enumerate(endpoints):
            made = rpc.call(
                "webhooks",
                "create_subscription",
                CLIENT,
                {
                    "url": f"http://127.0.0.1:{endpoint.server_address[1]}/e{i}",
                    "event_types": ["dossier_status_changed"],
                },
            )
            endpoint.verifier = Webhook(made["secret"])
        print(f"load average at start  {load_average()}")
        engine = create_engine(
            database_url("webhooks", stack.env).replace("+psycopg2", "")
        )
        config = {"AMQP_URI": stack.env["PORTAL_AMQP_URI"]}
        exchange = get_event_exchange("dossiers", config)
        start = time.monotonic()
        with Connection(stack.env["PORTAL_AMQP_URI"]) as conn:
            producer = Producer(conn, exchange=exchange, serializer="json")
            for n in range(args.events):
                producer.publish(
                    payload(n), routing_key="dossier_status_changed", delivery_mode=2
                )
        published = time.monotonic() - start
        slow, fast = endpoints[0], endpoints[1:]
        stored_at = fast_at = slow_then = None
        deadline = start + args.timeout
        while time.monotonic() < deadline:
            now = time.monotonic()
            for endpoint in endpoints:
                if endpoint.done_at is None and len(endpoint.ids) >= args.events:
                    endpoint.done_at = now - start
            if stored_at is None and stored(engine) >= args.events:
                stored_at = now - start
            if fast_at is None and all(e.done_at for e in fast):
                fast_at, slow_then = now - start, len(slow.ids)
            if all(e.done_at for e in endpoints):
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - start
        slow_count = len(slow.ids)
        received = [len(e.ids) for e in fast]
        figures = [proc_figures(stack.pid(name)) for name in stack.processes]
        peak, cpu = max(f[0] for f in figures), sum(f[1] for f in figures)
        latencies = sorted(x for e in fast for x in e.latencies)
        done = [e.done_at for e in fast if e.done_at]
        print(f"events                 {args.events} to {args.endpoints} endpoints")
        print(f"published              {published:.1f} s")
        print(f"all stored in the log  {stored_at or float('nan'):.1f} s")
        print(
            f"fast endpoints done    {len(done)} of {len(fast)}, last at "
            f"{max(done, default=float('nan')):.1f} s "
            f"({args.events * len(done) / max(done, default=1):.0f} deliveries/s)"
        )
        print(
            f"fast endpoints got     {min(received)}–{max(received)} each in "
            f"{elapsed:.0f} s ({sum(received) / elapsed:.0f} deliveries/s together)"
        )
        print(
            f"latency event→receipt p50 {statistics.median(latencies):.2f} s, "
            f"p99 {latencies[int(len(latencies) * 0.99)]:.2f} s"
        )
        print(
            f"slow endpoint ({args.slow} s a request) got {slow_then} when the fast "
            f"ones were done ({fast_at or float('nan'):.1f} s), {slow_count} in "
            f"{elapsed:.0f} s; all at {slow.done_at or float('nan'):.1f} s; at most "
            f"{slow.most} requests at once (one at a time: {elapsed / args.slow:.0f})"
        )
        slow_latencies = sorted(slow.latencies)
        if slow_latencies:
            print(
                f"slow endpoint latency  p50 {statistics.median(slow_latencies):.2f} s,"
                f" p99 {slow_latencies[int(len(slow_latencies) * 0.99)]:.2f} s"
            )
        print(
            f"webhooks ({args.instances} instance(s)) CPU {cpu:.0f} s, "
            f"peak RSS {peak:.0f} MB"
        )
        print(f"load average at end    {load_average()}")
        verified = sum(e.verified for e in endpoints)
        refused = sum(e.refused for e in endpoints)
        print(
            f"signatures             {verified} tries verified with standardwebhooks"
            f" on arrival, {refused} refused"
        )
    finally:
        rpc.close()
        stack.stop()
        for endpoint in endpoints:
            endpoint.shutdown()


if __name__ == "__main__":
    main()
