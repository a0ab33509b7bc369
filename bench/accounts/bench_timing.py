"""Benchmark: do known and unknown e-mails take the same time to answer?

Starts its own isolated stack (vhost, databases, every service and the gateway) and
times, over HTTP through the real gateway, each pair an attacker would compare:
password reset for a registered vs an unknown e-mail, registration of a taken vs a
new e-mail, login with a wrong password vs an unknown e-mail. Requests of a pair
alternate (so drift hits both), each from its own client address (so no throttle
answers instead). Prints the median and 90th percentile of each side.

    . deploy/local/env.sh && PYTHONPATH=. $PORTAL_VENV/bin/python \
        bench/accounts/bench_timing.py [--rounds 60]
"""

import argparse
import statistics
import time
import uuid

import requests

from tests.stack import Stack

PASSWORD = "Mat-khau-2026"


def citizen(email):
    return {
        "kind": "citizen",
        "full_name": "Nguyễn Văn An",
        "email": email,
        "phone": "0912345678",
        "password": PASSWORD,
        "national_id": "001090012345",
        "province": "01",
    }


class Client:
    def __init__(self, url):
        self.url, self.http, self.n = url, requests.Session(), 0

    def post(self, path, body):
        """POST from a fresh client address; return (status, seconds)."""
        self.n += 1
        ip = f"10.{self.n // 62500 % 250}.{self.n // 250 % 250}.{self.n % 250 + 1}"
        started = time.perf_counter()
        resp = self.http.post(
            self.url + path, json=body, headers={"X-Forwarded-For": ip}, timeout=30
        )
        return resp.status_code, time.perf_counter() - started


def fresh():
    return f"bench-{uuid.uuid4().hex[:12]}@example.vn"


def pairs(client, rounds, known):
    """Yield (case, side, status, seconds) for every timed request."""
    cases = {
        "reset": lambda e: ("/api/v1/accounts/password-reset", {"email": e}),
        "register": lambda e: ("/api/v1/accounts", citizen(e)),
        "login": lambda e: ("/api/v1/sessions", {"email": e, "password": "Wrong-1x"}),
    }
    for case, build in cases.items():
        for i in range(rounds):
            for side, email in (("known", known[i]), ("unknown", fresh())):
                yield (case, side, *client.post(*build(email)))


def report(rows):
    print(f"{'case':10} {'side':8} {'status':7} {'median ms':>10} {'p90 ms':>8}")
    for case in ("reset", "register", "login"):
        for side in ("known", "unknown"):
            mine = [r for r in rows if r[0] == case and r[1] == side]
            times = sorted(r[3] * 1000 for r in mine)
            statuses = ",".join(sorted({str(r[2]) for r in mine}))
            p90 = times[int(len(times) * 0.9) - 1]
            print(
                f"{case:10} {side:8} {statuses:7} "
                f"{statistics.median(times):10.1f} {p90:8.1f}"
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    stack = Stack()
    try:
        stack.start()
        client = Client(stack.url)
        known = [fresh() for _ in range(args.rounds)]
        for email in known:  # registered (pending activation is enough)
            status = client.post("/api/v1/accounts", citizen(email))[0]
            assert status == 201, status
        for _ in range(5):  # warm the connections and the workers
            client.post("/api/v1/accounts/password-reset", {"email": fresh()})
        report(list(pairs(client, args.rounds, known)))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
