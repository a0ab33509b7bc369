"""The sender: green threads that deliver queued messages over SMTP, each once.

Each thread claims a batch of due messages with `FOR UPDATE SKIP LOCKED` (so any
number of threads and instances share the work), marks them `sending` under this
instance's name (`claimed_by`) with a short lease (`PORTAL_NOTIFY_LEASE`), commits,
then for each message in turn:
1. *begins* it: one UPDATE that counts the attempt and renews its lease, and
   matches only while the row is still this instance's own: a row another instance
   took over (its lease ran out while this one stalled) is left to that one, so two
   live instances never send the same row;
2. sends it over one reused SMTP connection;
3. records the outcome at once (not per batch): the window in which a kill loses
   the knowledge of a sent message is one message wide.
A heartbeat renews the leases of everything this instance holds every quarter
lease; a dead instance renews nothing, so its claims free up within one lease and
another instance (or its restart) sends them. Outcomes a database outage kept from
being written are written before the next claim. What is left, a kill between the
SMTP server's answer and the write, re-sends that one message as the same message:
its Message-ID, Date and MIME boundaries come from the row (`mime.py`), so a
mailbox that keeps one copy per Message-ID keeps it once.
Transactional messages are claimed before bulk ones, so a 10,000-recipient bulk send
never delays an activation or a receipt e-mail.
"""

import datetime as dt
import logging
import uuid
from collections import OrderedDict

import eventlet
from eventlet.queue import Empty, LightQueue
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from sqlalchemy import select, text, update
from sqlalchemy.orm import sessionmaker

from services.shared import metrics
from services.shared.clock import utcnow
from services.shared.config import database_url
from services.shared.database import make_engine

from . import settings
from .domain import backoff_seconds, next_state_after_failure, valid_email
from .mailer import SendFailed, SmtpClient
from .mime import Composer, attachment_part
from .models import Attachment, Message

log = logging.getLogger(__name__)

LEASE = "make_interval(secs => :lease)"
CLAIM = text(
    f"""
    UPDATE messages SET status = 'sending', claimed_by = :owner,
        next_attempt_at = now() + {LEASE}
    WHERE id IN (
        SELECT id FROM messages
        WHERE status IN ('queued', 'sending', 'temp_failed')
          AND next_attempt_at <= now()
        ORDER BY (bulk_id IS NOT NULL), next_attempt_at
        LIMIT :batch
        FOR UPDATE SKIP LOCKED)
    RETURNING id
    """
)
BEGIN = text(
    f"""
    UPDATE messages SET attempts = attempts + 1,
        first_attempt_at = coalesce(first_attempt_at, now()),
        next_attempt_at = now() + {LEASE}
    WHERE id = :id AND claimed_by = :owner AND status = 'sending'
    RETURNING id, public_id, recipient, recipient_name, subject, body_text,
        body_html, attachments, attempts, province, first_attempt_at
    """
)
RENEW = text(
    f"""
    UPDATE messages SET next_attempt_at = now() + {LEASE}
    WHERE claimed_by = :owner AND status = 'sending'
    """
)
# Claimed rows not begun when the instance stops: due again at once.
RELEASE = text(
    """
    UPDATE messages SET next_attempt_at = now(), claimed_by = NULL
    WHERE id = ANY(:ids) AND claimed_by = :owner AND status = 'sending'
    """
)


class Dispatcher(DependencyProvider):
    """Run the sender threads of this instance; entrypoints call `wake()`."""

    def setup(self):
        cfg = self.container.config
        self.threads = max(int(cfg.get(settings.SMTP_CONNECTIONS.key, 2)), 1)
        self.batch = int(cfg.get(settings.SEND_BATCH.key, 50))
        self.poll = float(cfg.get(settings.SEND_POLL.key, 0.5))
        self.lease = float(cfg.get(settings.LEASE.key, settings.LEASE.default))
        self.retry_base = float(cfg.get(settings.RETRY_BASE.key, 5))
        self.max_attempts = int(cfg.get(settings.MAX_ATTEMPTS.key, 8))
        self.sender = cfg.get(settings.MAIL_FROM.key, settings.MAIL_FROM.default)
        self.smtp = {
            "host": cfg.get(settings.SMTP_HOST.key, "127.0.0.1"),
            "port": cfg.get(settings.SMTP_PORT.key, 2525),
            "user": cfg.get(settings.SMTP_USER.key) or None,
            "password": cfg.get(settings.SMTP_PASSWORD.key) or None,
            "tls": str(cfg.get(settings.SMTP_TLS.key, "")).lower() in ("1", "true"),
        }
        url = cfg.get("DB_URL") or database_url(self.container.service_name)
        self.engine = make_engine(url, pool_size=self.threads + 2)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.wakeups = [LightQueue() for _ in range(self.threads)]
        self.cache = OrderedDict()
        self.unrecorded = []  # outcomes sent but not yet written, oldest first
        # One sender thread writes them at a time, the others wait before claiming:
        # two draining together both wrote the first and both popped, so the second
        # was dropped unwritten and, its lease run out, sent again.
        self.recording = Semaphore()
        self.composer = Composer(self.sender)
        # This instance's name on the rows it claims (a new one every start).
        self.owner = uuid.uuid4().hex
        self.running = False

    def start(self):
        self.running = True
        for index in range(self.threads):
            self.container.spawn_managed_thread(
                lambda i=index: self._run(i), identifier=f"notify_sender_{index}"
            )
        self.container.spawn_managed_thread(self._heartbeat, identifier="notify_lease")

    def stop(self):
        self.running = False
        self.wake(every=True)

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self, every=False):
        """Make a sender thread look for due messages now: an idle one (or, all
        busy, one that looks again when done), or `every` one (bulk: all SMTP
        connections at once). One event's message needs one claim: waking every
        thread made the others claim nothing, a transaction each."""
        idle = [q for q in self.wakeups if q.getting()]
        pending = [q for q in self.wakeups if not q.qsize()]
        for queue in self.wakeups if every else (idle or pending)[:1]:
            queue.put(None)

    def _run(self, index):
        client = SmtpClient(**self.smtp)
        try:
            while self.running:
                try:
                    done = self.deliver_once(client)
                except Exception:  # noqa: BLE001 - keep sending once things recover
                    log.warning("sender failed; retrying", exc_info=True)
                    done = 0
                if done < self.batch:
                    client.close()
                    self._sleep(self.wakeups[index])
        finally:
            client.close()

    def _sleep(self, queue):
        try:
            queue.get(timeout=self.poll)
            while True:
                queue.get_nowait()
        except Empty:
            pass
        eventlet.sleep(0)

    def _heartbeat(self):
        """Renew the leases of every row this instance holds, while it lives."""
        while self.running:
            eventlet.sleep(self.lease / 4)
            try:
                self._execute(RENEW)
            except Exception:  # noqa: BLE001 - the claims may lapse; begin() checks
                log.warning("lease renewal failed", exc_info=True)

    def _execute(self, statement, **params):
        """Run one statement in its own transaction; the rows it returns, if any."""
        with self.sessions() as session, session.begin():
            params.update(owner=self.owner, lease=self.lease)
            result = session.execute(statement, params)
            return result.mappings().all() if result.returns_rows else []

    def claim(self):
        return [row["id"] for row in self._execute(CLAIM, batch=self.batch)]

    def begin(self, message_id):
        """The row to send, counted as an attempt; None once it is not ours."""
        found = self._execute(BEGIN, id=message_id)
        return found[0] if found else None

    def release(self, ids):
        if ids:
            self._execute(RELEASE, ids=list(ids))

    def deliver_once(self, client):
        """Claim one batch and send it, each message recorded after its own SMTP
        answer; return how many were claimed."""
        self.record_unrecorded()  # still failing: claim nothing, send nothing
        claimed = self.claim()
        for done, message_id in enumerate(claimed):
            if not self.running:
                self.release(claimed[done:])
                break
            row = self.begin(message_id)
            if row is None:
                continue  # taken over by another instance: it sends it
            outcome = self.attempt(client, row)
            try:
                self.record(outcome)
            except Exception:
                # The SMTP server has it: keep the outcome and write it before
                # claiming again, or the lease would run out and send it twice.
                self.unrecorded.append(outcome)
                raise
        return len(claimed)

    def record_unrecorded(self):
        """Write the outcomes an outage kept from being recorded, oldest first."""
        with self.recording:
            while self.unrecorded:
                self.record(self.unrecorded[0])
                self.unrecorded.pop(0)

    def attempt(self, client, row):
        """Send one row; return its outcome (status, error, next try)."""
        outcome = {
            "id": row["id"],
            "province": metrics.province_label(row["province"]),
            "status": "sent",
        }
        try:
            if not valid_email(row["recipient"]):
                raise SendFailed("permanent", "INVALID_ADDRESS")
            client.send(self.compose(row))
        except SendFailed as exc:
            outcome.update(self._failure(row, exc))
        return outcome

    def compose(self, row):
        """The EmailMessage of a row (the same on every attempt)."""
        return self.composer.compose(
            row["public_id"],
            row["first_attempt_at"],
            row["recipient"],
            row["recipient_name"],
            row["subject"],
            row["body_text"],
            row["body_html"],
            [self.attachment(ref)["part"] for ref in row["attachments"] or ()],
        )

    def _failure(self, row, exc):
        status = next_state_after_failure(row["attempts"], exc.kind, self.max_attempts)
        delay = backoff_seconds(row["attempts"], self.retry_base)
        log.info("delivery %s failed (%s): %s", row["id"], status, exc.reason)
        return {
            "status": status,
            "error": exc.reason[:1000],
            "next_at": utcnow() + dt.timedelta(seconds=delay),
        }

    def record(self, outcome):
        """Write one outcome, then count it."""
        values = {"status": outcome["status"], "claimed_by": None}
        if outcome["status"] == "sent":
            values.update(sent_at=utcnow(), last_error=None)
        else:
            values.update(
                last_error=outcome["error"], next_attempt_at=outcome["next_at"]
            )
        query = update(Message).where(
            Message.id == outcome["id"], Message.status == "sending"
        )
        if outcome["status"] != "sent":
            # a failure is ours to judge only while we hold the row; a message the
            # server accepted is sent whoever holds it now (it must not begin again)
            query = query.where(Message.claimed_by == self.owner)
        with self.sessions() as session, session.begin():
            written = session.execute(query.values(**values)).rowcount
        if written:
            metrics.EMAILS.labels(outcome["status"], outcome["province"]).inc()

    def attachment(self, ref):
        """Return {name, content_type, data, part} of a stored attachment (cached)."""
        key = int(ref["id"] if isinstance(ref, dict) else ref)
        if key not in self.cache:
            with self.sessions() as session:
                row = session.scalars(
                    select(Attachment).where(Attachment.id == key)
                ).one()
                found = {
                    "name": row.name,
                    "content_type": row.content_type,
                    "data": bytes(row.data),
                }
                found["part"] = attachment_part(found)
                self.cache[key] = found
            while len(self.cache) > 32:
                self.cache.popitem(last=False)
        self.cache.move_to_end(key)
        return self.cache[key]
