"""Delivering webhooks: each sender thread serves one endpoint at a time.

A thread claims an endpoint that has due deliveries and no live claim (`FOR UPDATE
SKIP LOCKED`, a lease of PORTAL_WEBHOOK_LEASE seconds in `claimed_by`/
`lease_until`), sends its due deliveries, up to PORTAL_WEBHOOK_IN_FLIGHT at once
(started in event order, answered in any), renewing the lease as it writes their
outcomes, then releases it. So a slow endpoint is served concurrently, a slow or
dead one holds one thread and a bounded number of connections and never delays
another endpoint; any number of instances share the work; a killed instance's
endpoints are taken over when their lease runs out.

Each try is signed with `standardwebhooks` (`webhook-id` = the delivery's id, the
same for every try and replay; `webhook-timestamp`; `webhook-signature`, with the
previous secret's signature too for a while after a rotation). 2xx is delivered;
410 disables the endpoint; 429 pauses the endpoint for its Retry-After (after
either, no further try starts; the ones in flight finish and are written); anything
else (5xx, a timeout, a refused address) is tried again with exponential back-off
and jitter until PORTAL_WEBHOOK_MAX_ATTEMPTS, then the delivery has failed.
"""

import datetime as dt
import json
import logging
import os
import random
import socket
import time
import uuid

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.extensions import DependencyProvider
from sqlalchemy import select, text, update
from sqlalchemy.orm import sessionmaker
from standardwebhooks.webhooks import Webhook
from urllib3 import exceptions as http_errors

from services.shared import metrics
from services.shared.config import database_url
from services.shared.database import make_engine

from . import domain, settings
from .models import Delivery, Event, Subscription
from .store import envelope, now
from .transport import PinnedTransport
from .vault import Vault

log = logging.getLogger(__name__)

CLAIM = text(
    """
    UPDATE subscriptions SET claimed_by = :owner,
        lease_until = now() + make_interval(secs => :lease)
    WHERE id = (
        SELECT s.id FROM subscriptions s
        WHERE s.active AND (s.lease_until IS NULL OR s.lease_until < now())
          AND EXISTS (SELECT 1 FROM deliveries d WHERE d.subscription_id = s.id
                      AND d.status = 'pending' AND d.next_attempt_at <= now())
        ORDER BY s.lease_until NULLS FIRST
        LIMIT 1 FOR UPDATE OF s SKIP LOCKED)
    RETURNING id
    """
)
RENEW = text(
    """
    UPDATE subscriptions SET lease_until = now() + make_interval(secs => :lease)
    WHERE id = :id AND claimed_by = :owner
    """
)
# one try's outcome; a delivery no longer pending (replayed, deleted) is left alone
RECORD = text(
    """
    UPDATE deliveries SET attempts = :attempts, last_status = :last_status,
        last_error = :last_error, last_attempt_at = :last_attempt_at,
        status = :status, delivered_at = :delivered_at,
        next_attempt_at = :next_attempt_at
    WHERE id = :id AND status = 'pending'
    """
)
FLUSH = 10  # tries written per transaction
# pending deliveries per endpoint, for /metrics (services/shared/metrics.py)
PENDING = text(
    """
    SELECT subscription_id, count(*),
        extract(epoch FROM now() - min(created_at))::float8
    FROM deliveries WHERE status = 'pending' GROUP BY subscription_id
    """
)
RELEASE = text(
    """
    UPDATE subscriptions SET claimed_by = NULL,
        lease_until = CASE WHEN :pause > 0
            THEN now() + make_interval(secs => :pause) ELSE NULL END
    WHERE id = :id AND claimed_by = :owner
    """
)


def signature(secrets, msg_id, moment, body):
    """The `webhook-signature` value: v1 with each secret (the current one, and the
    previous one while its grace lasts: receivers verify either)."""
    return " ".join(Webhook(s).sign(msg_id, moment, body) for s in secrets)


class Outcome:
    def __init__(self, status=None, error=None, retry_after=None):
        self.status, self.error, self.retry_after = status, error, retry_after

    @property
    def delivered(self):
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self):
        return self.status == 410

    @property
    def status_class(self):
        return f"{self.status // 100}xx" if self.status else "error"


def try_once(
    transport, url, body, headers, moment, allowed, resolve=socket.getaddrinfo
):
    """One try: resolve and check the URL's host (`domain.check_target`), POST to the
    checked address (`transport`), and tell the Outcome."""
    try:
        target = domain.check_target(url, allowed, resolve)
        answer = transport.post(target, body, headers)
    except domain.TargetRefused as exc:
        return Outcome(error=str(exc))
    # refused or unreachable (urllib3 makes it a subclass of the timeouts)
    except http_errors.NewConnectionError:
        return Outcome(error="connection_refused")
    except http_errors.TimeoutError:
        return Outcome(error="timeout")
    except http_errors.HTTPError as exc:
        return Outcome(error=type(exc).__name__)
    outcome = Outcome(status=answer.status)
    if answer.status == 429:
        after = domain.retry_after(answer.headers.get("retry-after"), moment)
        outcome.retry_after = min(after if after is not None else 60.0, 86_400.0)
    return outcome


def halts(outcome):
    """Whether an outcome stops the endpoint's further tries: 410, 429."""
    return outcome.gone or outcome.retry_after is not None


def concurrently(items, attempt, size, halts=halts):
    """(results, halted): `results` yields (item, outcome) in the items' order, up to
    `size` attempts running at once. Once an outcome `halts` — or the caller puts
    anything into `halted` (a lost lease) — no further attempt starts: those in
    flight finish and are yielded, the rest are yielded with None (not tried)."""
    halted = []

    def one(item):
        if halted:
            return item, None
        outcome = attempt(item)
        if halts(outcome):
            halted.append(outcome)
        return item, outcome

    return eventlet.GreenPool(size).imap(one, items), halted


class Sender(DependencyProvider):
    """The sender threads of one instance (a nameko dependency of the service)."""

    def setup(self):
        cfg = self.container.config

        def get(setting):
            return setting.cast(cfg.get(setting.key, setting.default))

        self.threads = get(settings.SENDERS)
        self.in_flight = get(settings.IN_FLIGHT)
        self.batch = get(settings.BATCH)
        self.poll = get(settings.POLL)
        self.lease = get(settings.LEASE)
        self.timeout = get(settings.TIMEOUT)
        self.retry_base = get(settings.RETRY_BASE)
        self.max_attempts = get(settings.MAX_ATTEMPTS)
        self.allowed = domain.allowed_hosts(cfg.get(settings.ALLOWED_HOSTS.key))
        url = cfg.get("DB_URL") or database_url(self.container.service_name)
        self.engine = make_engine(url, pool_size=self.threads + 2)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.wakeups = LightQueue()
        self.serving = set()  # the endpoints this instance's threads hold
        self.http = PinnedTransport(self.timeout, connections=self.in_flight)
        self.vault = Vault(cfg.get(settings.SECRET_KEYS.key))  # refuses to start
        self.running = False

    def start(self):
        self.reseal()
        metrics.WEBHOOK_BACKLOG.sources.append(self.pending)
        self.running = True
        for index in range(self.threads):
            self.container.spawn_managed_thread(
                self._run, identifier=f"webhook_sender_{index}"
            )

    def stop(self):
        self.running = False
        if self.pending in metrics.WEBHOOK_BACKLOG.sources:
            metrics.WEBHOOK_BACKLOG.sources.remove(self.pending)
        for _ in range(self.threads):
            self.wakeups.put(None)

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self, endpoints=None):
        """Wake idle sender threads for new deliveries: one per endpoint that no
        thread of this instance is serving (a serving thread looks for its
        endpoint's due deliveries again before it lets go), at most one per idle
        thread; no endpoints named: one thread. Wakeups never pile up, so idle
        threads never spin on claims that find nothing."""
        fresh = 1 if endpoints is None else len(set(endpoints) - self.serving)
        for _ in range(min(fresh, self.wakeups.getting())):
            self.wakeups.put(None)

    # the loop ---------------------------------------------------------------------
    def _run(self):
        while self.running:
            try:
                claimed = self.claim()
                if claimed:
                    self.serve(*claimed)
                    continue
            except Exception:  # noqa: BLE001 - keep sending once things recover
                log.warning("webhook sender failed; retrying", exc_info=True)
            self._sleep()

    def _sleep(self):
        # The instance as a whole looks for due deliveries (retries, other
        # instances' intake, lapsed leases) once per poll: each idle thread every
        # `threads` polls, at a random phase. Every thread polling every poll made
        # 16 claims a poll while idle: 3-8 % of a core per instance doing nothing.
        try:
            self.wakeups.get(
                timeout=self.poll * self.threads * random.uniform(0.5, 1.5)
            )
        except Empty:
            pass
        eventlet.sleep(0)

    def _execute(self, statement, **params):
        with self.sessions() as session, session.begin():
            params.update(owner=self.owner, lease=self.lease)
            return session.execute(statement, params)

    def reseal(self):
        """Seal again with the first key what an older key sealed (key rotation)."""
        with self.sessions() as session, session.begin():
            for sub in session.scalars(select(Subscription).with_for_update()):
                for column in ("secret", "previous_secret"):
                    token = getattr(sub, column)
                    if token and not self.vault.current(token):
                        setattr(sub, column, self.vault.reseal(token))

    def signing_secrets(self, sub):
        """The secrets that sign the endpoint's tries, decrypted."""
        sealed = [sub.secret]
        if sub.previous_secret and (sub.previous_until or now()) > now():
            sealed.append(sub.previous_secret)
        return [self.vault.open(token) for token in sealed]

    def pending(self):
        """[(subscription id, pending deliveries, oldest one's age in seconds)]."""
        with self.sessions() as session:
            return [tuple(row) for row in session.execute(PENDING)]

    def claim(self):
        """(endpoint id, its subscription, its due deliveries) claimed, or None; the
        claim and the first look at what is due share one transaction."""
        with self.sessions() as session, session.begin():
            params = {"owner": self.owner, "lease": self.lease}
            subscription_id = session.execute(CLAIM, params).scalar()
            if subscription_id is None:
                return None
            return (subscription_id, *self._due(session, subscription_id))

    def _due(self, session, subscription_id):
        """The subscription and up to `batch` of its due deliveries with events."""
        sub = session.get(Subscription, subscription_id)
        due = session.execute(
            select(Delivery, Event)
            .join(Event, Event.seq == Delivery.event_seq)
            .where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == "pending",
                Delivery.next_attempt_at <= now(),
            )
            .order_by(Delivery.event_seq)
            .limit(self.batch)
        ).all()
        return sub, due

    def serve(self, subscription_id, sub, due):
        """Send the endpoint's due deliveries, `in_flight` at a time, then release it.

        Outcomes are written (and the lease renewed) every FLUSH answers in one
        transaction: a crash in between sends those again (at least once; the
        webhook-id lets the receiver see the repeat). A 410, a 429 or a lost lease
        starts no further try; the tries in flight finish and are written (the 410's
        with the endpoint's disabling). The look for what is due next shares the
        transaction of the last write (or the claim's), once a batch's tries all
        ended, so it never finds one still in flight."""
        pause, done = 0.0, []
        self.serving.add(subscription_id)
        try:
            while self.running:
                if sub is None or not sub.active or not due:
                    return
                stop, pause = self._send_batch(subscription_id, sub, due, done)
                if stop:
                    return
                renewed, sub, due = self._next(subscription_id, done)
                if not renewed:
                    return
        finally:
            try:
                if done:
                    self.flush(subscription_id, done)
                self._execute(RELEASE, id=subscription_id, pause=pause)
            finally:
                self.serving.discard(subscription_id)

    def _send_batch(self, subscription_id, sub, due, done):
        """Send a batch, its outcomes into `done` (written every FLUSH); return
        (stop, pause): stop after a 410 (written with the disabling), a 429 (pause:
        its Retry-After, the longest of the batch's) or a lost lease."""
        secrets = self.signing_secrets(sub)
        results, halted = concurrently(
            due, lambda row: self.send(sub, secrets, *row), self.in_flight
        )
        gone = lost = False
        pause = None
        for (delivery, _), outcome in results:
            if outcome is None:
                continue  # never started: still due
            done.append((delivery, outcome))
            gone = gone or outcome.gone
            if outcome.retry_after is not None:
                pause = max(pause or 0.0, outcome.retry_after)
            if len(done) >= FLUSH and not (gone or lost):
                if not self.flush(subscription_id, done):
                    lost = True  # another sender took over
                    halted.append(lost)
        if gone:
            self.flush(subscription_id, done, disable="gone")
        return gone or lost or pause is not None, pause or 0.0

    def _next(self, subscription_id, done):
        """(renewed, subscription, due): the outcomes written first, in the same
        transaction, so the look for due deliveries does not find them again."""
        if done:
            return self.flush(subscription_id, done, look=True)
        with self.sessions() as session:
            return (True, *self._due(session, subscription_id))

    def send(self, sub, secrets, delivery, event):
        body = json.dumps(envelope(event), ensure_ascii=False, separators=(",", ":"))
        moment = dt.datetime.now(dt.UTC)
        headers = {
            "content-type": "application/json",
            "user-agent": "portal-webhooks/1",
            "webhook-id": delivery.id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signature(secrets, delivery.id, moment, body),
        }
        started = time.perf_counter()
        outcome = try_once(
            self.http, sub.url, body.encode(), headers, moment, self.allowed
        )
        metrics.WEBHOOK_ATTEMPT_SECONDS.labels(outcome.status_class).observe(
            time.perf_counter() - started
        )
        return outcome

    def outcome_values(self, delivery, outcome):
        """The delivery's new columns after this try."""
        attempts = delivery.attempts + 1
        values = {
            "id": delivery.id,
            "attempts": attempts,
            "last_status": outcome.status,
            "last_error": outcome.error,
            "last_attempt_at": now(),
            "status": "pending",
            "delivered_at": None,
            "next_attempt_at": delivery.next_attempt_at,
        }
        if outcome.delivered:
            values.update(status="delivered", delivered_at=now())
            counted = "delivered"
        elif outcome.gone or attempts >= self.max_attempts:
            values.update(status="failed")
            counted = "disabled" if outcome.gone else "failed"
        else:
            counted = "retry"
            wait = domain.retry_delay(attempts, self.retry_base)
            if outcome.retry_after is not None:
                wait = max(wait, outcome.retry_after)
            values.update(next_attempt_at=now() + dt.timedelta(seconds=wait))
        metrics.WEBHOOK_DELIVERIES.labels(counted).inc()
        if not outcome.delivered:
            log.info(
                "webhook %s try %d: %s",
                delivery.id,
                attempts,
                outcome.status or outcome.error,
            )
        return values

    def flush(self, subscription_id, done, disable=None, look=False):
        """Write the outcomes (a delivery replayed meanwhile is left as it is) and
        renew the lease, in one transaction; False when the lease was lost. `look`:
        (renewed, subscription, due deliveries), read in the same transaction."""
        rows = [self.outcome_values(d, o) for d, o in done]
        done.clear()
        with self.sessions() as session, session.begin():
            session.execute(RECORD, rows)
            if disable:
                session.execute(
                    update(Subscription)
                    .where(Subscription.id == subscription_id)
                    .values(active=False, disabled_reason=disable)
                )
                log.warning(
                    "webhook endpoint %s disabled: %s", subscription_id, disable
                )
            renewed = session.execute(
                RENEW, {"id": subscription_id, "owner": self.owner, "lease": self.lease}
            )
            if not look:
                return bool(renewed.rowcount)
            if not renewed.rowcount:
                return False, None, None
            return (True, *self._due(session, subscription_id))
