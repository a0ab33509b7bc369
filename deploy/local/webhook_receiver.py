"""A local webhook receiver, for the demo: the endpoint the seeded API client's
subscription points at (deploy/local/seed_webhooks.py), so a fresh
`deploy/local/up` shows deliveries in /quan-tri/webhook.

Answers every POST with 204, logs one line per event and keeps the latest ones:
- `GET /_control/events` — `[{id, type, subject, webhook_id, verified, received_at}]`
  (newest last); `verified` is the signature checked with `standardwebhooks`
  against the secret the seeder handed over (None before it did);
- `POST /_control/secret` `{"secret": "whsec_…"}` — the secret to verify with.

Run:  python -m deploy.local.webhook_receiver --port 8780
"""

import argparse
import collections
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

KEPT = 500


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address):
        super().__init__(address, Handler)
        self.events = collections.deque(maxlen=KEPT)
        self.secret, self.lock = None, threading.Lock()

    def received(self, body, headers):
        verified = None
        if self.secret:
            try:
                Webhook(self.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        record = {
            "id": event.get("id"),
            "type": event.get("type"),
            "subject": event.get("subject"),
            "webhook_id": headers.get("webhook-id"),
            "verified": verified,
            "received_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        with self.lock:
            self.events.append(record)
        print(
            f"webhook {record['type']} {record['subject']} "
            f"({record['webhook_id']}, verified: {verified})",
            flush=True,
        )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 - the http.server name
        if self.path != "/_control/events":
            return self._answer(404, {"error": "not found"})
        with self.server.lock:
            events = list(self.server.events)
        return self._answer(200, events)

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_control/secret":
            self.server.secret = json.loads(body or b"{}").get("secret")
            return self._answer(204)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received(body.decode("utf-8", "replace"), headers)
        return self._answer(204)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8780)
    args = parser.parse_args()
    server = Receiver(("127.0.0.1", args.port))
    print(f"webhook receiver on http://127.0.0.1:{args.port}/webhooks", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
