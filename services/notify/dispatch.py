"""The sender: green threads that deliver queued messages over SMTP.

Each thread claims a batch of due messages with `FOR UPDATE SKIP LOCKED` (so any
number of threads and instances share the work), marks them `sending` with a lease,
commits, sends them over one reused SMTP connection and records each outcome.
A message whose lease runs out while `sending` (the instance died) is claimed again:
a restart resumes queued and interrupted work. Outcomes a database outage kept from
being written are written before the next claim, so an outage sends nothing twice;
only an instance killed between the SMTP answer and the write can (at-least-once).
Transactional messages are claimed before bulk ones, so a 10,000-recipient bulk send
never delays an activation or a receipt e-mail.
"""

import datetime as dt
import logging
from collections import OrderedDict

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.extensions import DependencyProvider
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import sessionmaker

from services.shared import metrics
from services.shared.clock import utcnow
from services.shared.config import database_url
from services.shared.database import make_engine

from . import settings
from .domain import backoff_seconds, next_state_after_failure, valid_email
from .fastmime import Composer, attachment_part
from .mailer import SendFailed, SmtpClient, build_message
from .models import Attachment, Message

log = logging.getLogger(__name__)

CLAIM = text(
    """
    UPDATE messages SET status = 'sending', attempts = attempts + 1,
        next_attempt_at = now() + make_interval(secs => :lease)
    WHERE id IN (
        SELECT id FROM messages
        WHERE status IN ('queued', 'sending', 'temp_failed')
          AND next_attempt_at <= now()
        ORDER BY (bulk_id IS NOT NULL), next_attempt_at
        LIMIT :batch
        FOR UPDATE SKIP LOCKED)
    RETURNING id, recipient, recipient_name, subject, body_text, body_html,
        attachments, attempts, province
    """
)


class Dispatcher(DependencyProvider):
    """Run the sender threads of this instance; entrypoints call `wake()`."""

    def setup(self):
        cfg = self.container.config
        self.threads = max(int(cfg.get(settings.SMTP_CONNECTIONS.key, 2)), 1)
        self.batch = int(cfg.get(settings.SEND_BATCH.key, 50))
        self.poll = float(cfg.get(settings.SEND_POLL.key, 0.5))
        self.lease = 120.0
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
        self.engine = make_engine(url, pool_size=self.threads + 1)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.wakeups = [LightQueue() for _ in range(self.threads)]
        self.cache = OrderedDict()
        self.unrecorded = []  # (sent ids, failures) sent but not yet written
        self.composer = Composer(self.sender)
        self.running = False

    def start(self):
        self.running = True
        for index in range(self.threads):
            self.container.spawn_managed_thread(
                lambda i=index: self._run(i), identifier=f"notify_sender_{index}"
            )

    def stop(self):
        self.running = False
        self.wake()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self):
        """Make every sender thread look for due messages now."""
        for queue in self.wakeups:
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

    def claim(self):
        with self.sessions() as session, session.begin():
            params = {"lease": self.lease, "batch": self.batch}
            return session.execute(CLAIM, params).mappings().all()

    def deliver_once(self, client):
        """Claim and send one batch; return how many were claimed."""
        self.record_unrecorded()  # still failing: claim nothing, send nothing
        rows = self.claim()
        sent, failed, provinces = [], [], {}
        for row in rows:
            provinces[row["id"]] = metrics.province_label(row["province"])
            try:
                self.send_one(client, row)
                sent.append(row["id"])
            except SendFailed as exc:
                failed.append(self._failure(row, exc))
        for message_id in sent:
            metrics.EMAILS.labels("sent", provinces[message_id]).inc()
        for failure in failed:
            metrics.EMAILS.labels(failure["status"], provinces[failure["b_id"]]).inc()
        try:
            self.record(sent, failed)
        except Exception:
            # The SMTP server has these: keep their outcome and write it before
            # claiming again, or the lease would run out and send them twice.
            self.unrecorded.append((sent, failed))
            raise
        return len(rows)

    def record_unrecorded(self):
        """Write the outcomes an outage kept from being recorded, oldest first."""
        while self.unrecorded:
            self.record(*self.unrecorded[0])
            self.unrecorded.pop(0)

    def send_one(self, client, row):
        if not valid_email(row["recipient"]):
            raise SendFailed("permanent", "INVALID_ADDRESS")
        refs = row["attachments"] or ()
        if row["recipient"].isascii() and self.composer.sender_address.isascii():
            data = self.composer.compose(
                row["recipient"],
                row["recipient_name"],
                row["subject"],
                row["body_text"],
                row["body_html"],
                [self.attachment(ref)["part"] for ref in refs],
            )
            client.send_bytes(self.composer.sender_address, row["recipient"], data)
            return
        attachments = [self.attachment(ref) for ref in refs]
        msg = build_message(
            self.sender,
            row["recipient"],
            row["recipient_name"],
            row["subject"],
            row["body_text"],
            row["body_html"],
            attachments,
        )
        client.send(msg)

    def _failure(self, row, exc):
        status = next_state_after_failure(row["attempts"], exc.kind, self.max_attempts)
        delay = backoff_seconds(row["attempts"], self.retry_base)
        log.info("delivery %s failed (%s): %s", row["id"], status, exc.reason)
        return {
            "b_id": row["id"],
            "status": status,
            "error": exc.reason[:1000],
            "next_at": utcnow() + dt.timedelta(seconds=delay),
        }

    def record(self, sent, failed):
        with self.sessions() as session, session.begin():
            if sent:
                session.execute(
                    update(Message)
                    .where(Message.id.in_(sent), Message.status == "sending")
                    .values(status="sent", sent_at=utcnow(), last_error=None)
                )
            if failed:
                session.execute(
                    update(Message.__table__)
                    .where(Message.__table__.c.id == bindparam("b_id"))
                    .where(Message.__table__.c.status == "sending")
                    .values(
                        status=bindparam("status"),
                        last_error=bindparam("error"),
                        next_attempt_at=bindparam("next_at"),
                    ),
                    failed,
                )

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
