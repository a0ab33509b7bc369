"""Resolve a request's token to its caller, locally when it is signed and trusted.

A signed token (services/shared/session_tokens.py) is read here without an RPC as
long as this process knows which tokens accounts no longer stands behind. That list
comes from accounts: on (re)connecting to the broker a background thread binds its
own queue to accounts' `sessions_changed` events first, then loads the live list
(`changed_sessions`), then applies each event as it arrives. Any token on the list,
an opaque token, or any token at all while the list is not known to be current (not
yet loaded, or no word from the broker for two heartbeats) goes to accounts'
`authenticate`, which answers from its database. So a revocation is honoured on
every gateway instance as soon as its event arrives, and at the latest within
`2 × PORTAL_REVOCATION_HEARTBEAT` seconds when events stop arriving.
"""

import datetime as dt
import logging
import threading
import time

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from services.contracts import accounts as contract
from services.shared.session_tokens import digest, signed, usable_key, verify

log = logging.getLogger(__name__)
# The event this module consumes outside nameko: listed for the contract document
# (`services.contracts.entrypoints.handlers`), and bound from here.
CONSUMES = (("accounts", contract.SESSIONS_CHANGED),)


class ChangedSessions:
    """The digests of sessions accounts must answer for, each until it expires."""

    def __init__(self):
        self._expiry = {}
        self._lock = threading.Lock()

    def add(self, sessions):
        with self._lock:
            for item in sessions:
                expires = item["expires_at"]
                if isinstance(expires, str):
                    expires = dt.datetime.fromisoformat(expires)
                self._expiry[item["token_hash"]] = expires.timestamp()

    def __contains__(self, token_hash):
        return token_hash in self._expiry

    def prune(self, now=None):
        now = now or time.time()
        with self._lock:
            for key in [k for k, t in self._expiry.items() if t <= now]:
                del self._expiry[key]

    def __len__(self):
        return len(self._expiry)


class SessionListener:
    """Keeps a ChangedSessions current from accounts' events (a daemon thread)."""

    def __init__(self, amqp_uri, rpc, heartbeat=10.0):
        self.amqp_uri, self.rpc, self.heartbeat = amqp_uri, rpc, heartbeat
        self.changed = ChangedSessions()
        self._current_until = 0.0  # monotonic time up to which the list is current
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(
            target=self._run, name="session-listener", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()

    def current(self):
        """Tell whether the list is known to hold every change made until now."""
        return time.monotonic() < self._current_until

    def _mark_current(self):
        self._current_until = time.monotonic() + 2 * self.heartbeat

    def _run(self):
        delay = 0.5
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as exc:  # noqa: BLE001 - reconnect, never die
                self._current_until = 0.0
                log.warning("session listener: %s; retrying in %.1f s", exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def _listen(self):
        ((source, event),) = CONSUMES
        exchange = get_event_exchange(source, {})
        with Connection(self.amqp_uri, heartbeat=self.heartbeat) as conn:
            queue = Queue(
                exchange=exchange,
                routing_key=event,
                exclusive=True,
                auto_delete=True,
            )
            with conn.Consumer(
                queue, callbacks=[self._on_event], accept=["json"]
            ) as consumer:
                consumer.qos(prefetch_count=100)
                # bound first, so nothing published while the list loads is missed
                self.changed.add(self.rpc.call("accounts", "changed_sessions"))
                self._mark_current()
                log.info("session listener: %d changed sessions", len(self.changed))
                pruned = time.monotonic()
                while not self._stop.is_set():
                    try:
                        conn.drain_events(timeout=self.heartbeat / 4)
                    except TimeoutError:
                        pass
                    conn.heartbeat_check()  # raises once the broker is gone
                    self._mark_current()
                    if time.monotonic() - pruned > 60:
                        self.changed.prune()
                        pruned = time.monotonic()

    def _on_event(self, body, message):
        sessions = body.get("sessions") if isinstance(body, dict) else None
        if isinstance(sessions, list):
            self.changed.add(s for s in sessions if isinstance(s, dict))
        message.ack()


class Sessions:
    """Token → caller dict (or None): locally for trusted signed tokens, else RPC."""

    def __init__(self, rpc, key=None, listener=None):
        self.rpc = rpc
        self.key = usable_key(key)
        self.listener = listener

    def caller(self, token, request_id=None):
        if self.key and self.listener and signed(token) and self.listener.current():
            if digest(token) not in self.listener.changed:
                return verify(self.key, token)
        return self.rpc.call("accounts", "authenticate", token, request_id=request_id)

    def forget(self, token):
        """A token this process saw revoked (its logout): never read it again here."""
        if self.listener and signed(token):
            far = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
            self.listener.changed.add(
                [{"token_hash": digest(token), "expires_at": far}]
            )
