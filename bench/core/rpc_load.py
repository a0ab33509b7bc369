"""Closed-loop load on the two RPC floor rows from plain threads (one process).

    python bench/core/rpc_load.py kombu|nameko URI CLIENTS SECONDS  → JSON on stdout

nameko's client needs ordinary threads (the gateway runs it so): it cannot share the
gevent-patched process locust drives HTTP load from, so these rows run here, with the
same closed loop (each client sends its next request when the last one answered).
"""

import json
import sys
import threading
import time
import uuid

from echo import QUEUE
from kombu import Connection, Exchange, Producer, Queue


def kombu_client(uri):
    conn = Connection(uri)
    channel = conn.channel()
    reply_to = f"bench-reply-{uuid.uuid4().hex}"
    queue = Queue(reply_to, exclusive=True, auto_delete=True, channel=channel)
    queue.declare()
    producer = Producer(channel, exchange=Exchange(""), serializer="json")
    answers = []
    consumer = conn.Consumer(
        queue, callbacks=[lambda b, m: (answers.append(b), m.ack())], accept=["json"]
    )
    consumer.consume()

    def call():
        cid = uuid.uuid4().hex
        producer.publish(
            {"v": 1}, routing_key=QUEUE, reply_to=reply_to, correlation_id=cid
        )
        while not answers:
            conn.drain_events(timeout=10)
        answers.clear()

    return call, conn.release


def nameko_client(pool):
    def call():
        with pool.client() as client:
            client.bench_echo.ping(value=1)

    return call, lambda: None


def main(kind, uri, clients, seconds):
    pool = None
    if kind == "nameko":
        from gateway.rpc import RpcPool  # noqa: PLC0415 - only this row needs nameko

        pool = RpcPool(uri, size=clients)
    samples, lock = [], threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker():
        try:
            call, close = kombu_client(uri) if kind == "kombu" else nameko_client(pool)
            call()  # warm: connection, reply queue
        except Exception:
            start_gate.abort()  # the run fails instead of waiting for this client
            raise
        start_gate.wait()
        mine = []
        while time.monotonic() < stop_at[0]:
            t0 = time.perf_counter()
            call()
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            samples.extend(mine)
        close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + 3600
    start_gate.wait()
    began = time.monotonic()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join(seconds + 30)
    print(json.dumps({"seconds": time.monotonic() - began, "ms": samples}))
    if pool:
        pool.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
