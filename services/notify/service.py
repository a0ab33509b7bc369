"""The notify service's entrypoints: events → e-mails, delivery log, bulk, reminders."""

import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, event_handler
from nameko.timer import timer

from services.contracts import notify as contract
from services.shared.caller import caller_from, is_authenticated
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.entrypoint import contract_rpc
from services.shared.errors import Forbidden, ServiceError, Unauthenticated
from services.shared.health import tcp_check
from services.shared.metrics import Metrics
from services.shared.outbox import InvalidEvent, OutboxRelay, read_event
from services.shared.peers import Peer
from services.shared.permissions import require, require_visible
from services.shared.schemas import load
from services.shared.timer import configured_timer

from . import (
    bulk,
    domain,
    inbox,
    reminders,
    settings,
    store,
    template_admin,
    user_reminders,
)
from .dependencies import Templates
from .dispatch import Dispatcher
from .exceptions import TaskNotFound
from .handling import EventMailer
from .models import Outbox
from .peers import Peers

rpc = contract_rpc("notify")

log = logging.getLogger(__name__)

# Instances compete on one queue per event (SERVICE_POOL); a handler that fails (the
# database is down...) puts the event back instead of nameko's default ack-and-drop.
HANDLER = dict(handler_type=SERVICE_POOL, requeue_on_error=True)
# A malformed payload is dropped (logged), never requeued for ever.
DATA_ERRORS = (AttributeError, TypeError, ValueError, KeyError)
# Seconds a handler waits before its message goes back when a peer is down.
RETRY_DELAY = 2


def _event_id(payload):
    return payload.get("event_id") if isinstance(payload, dict) else None


def authorised(caller, action):
    """Load the caller: 401 when anonymous, 403 when `action` is not permitted."""
    caller = caller_from(caller)
    if not is_authenticated(caller):
        raise Unauthenticated("Authentication required")
    require(caller, action)
    return caller


def signed_in(caller, action=None):
    """Load the caller: 401 unless a signed-in person (reminders and the list are
    a person's own), 403 when `action` is not permitted."""
    caller = caller_from(caller)
    if not is_authenticated(caller) or not caller.get("user_id"):
        raise Unauthenticated("Authentication required")
    if caller.get("kind") == "client":
        raise Forbidden("Not permitted", {"caller": ["client"]})
    if action:
        require(caller, action)
    return caller


class NotifyService:
    """E-mail from templates over SMTP, delivery log, bulk sends, reminders."""

    name = "notify"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    metrics = Metrics()
    config = Config()
    sender = Dispatcher()
    templates = Templates()
    accounts = Peer("accounts")
    dossiers = Peer("dossiers")
    files = Peer("files")

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        checks = {"notify": "ok", "postgres": self.db.ping()}
        checks["smtp"] = tcp_check(
            self.config[settings.SMTP_HOST.key], self.config[settings.SMTP_PORT.key]
        )
        return checks

    # events → e-mails -----------------------------------------------------------
    @event_handler("accounts", "account_registered", **HANDLER)
    def on_account_registered(self, payload):
        self._handle(
            "accounts.account_registered",
            payload,
            domain.plan_account,
            "account_registered",
        )

    @event_handler("accounts", "password_reset_requested", **HANDLER)
    def on_password_reset_requested(self, payload):
        self._handle(
            "accounts.password_reset_requested",
            payload,
            domain.plan_account,
            "password_reset_requested",
        )

    @event_handler("accounts", "account_registration_attempted", **HANDLER)
    def on_account_registration_attempted(self, payload):
        self._handle(
            "accounts.account_registration_attempted",
            payload,
            domain.plan_account_notice,
            "account_registration_attempted",
        )

    @event_handler("accounts", "login_failures_detected", **HANDLER)
    def on_login_failures_detected(self, payload):
        self._handle(
            "accounts.login_failures_detected",
            payload,
            domain.plan_account_notice,
            "login_failures_detected",
        )

    @event_handler("dossiers", "dossier_submitted", **HANDLER)
    def on_dossier_submitted(self, payload):
        self._handle("dossiers.dossier_submitted", payload, self._plan_submitted)

    @event_handler("dossiers", "dossier_status_changed", **HANDLER)
    def on_dossier_status_changed(self, payload):
        self._handle(
            "dossiers.dossier_status_changed", payload, domain.plan_status_change
        )

    @event_handler("dossiers", "payment_state_changed", **HANDLER)
    def on_payment_state_changed(self, payload):
        self._handle("dossiers.payment_state_changed", payload, domain.plan_payment)

    @event_handler("dossiers", "comment_added", **HANDLER)
    def on_comment_added(self, payload):
        self._handle("dossiers.comment_added", payload, self._plan_comment)

    @event_handler("dossiers", "task_assigned", **HANDLER)
    def on_task_assigned(self, payload):
        self._handle("dossiers.task_assigned", payload, self._plan_task)

    @event_handler("dossiers", "dossier_updated", **HANDLER)
    def on_dossier_updated(self, payload):
        """A task edit is told to the staff involved; other updates mail nobody."""
        if isinstance(payload, dict) and payload.get("task") is not None:
            self._handle("dossiers.dossier_updated", payload, self._plan_task_edit)

    @event_handler("dossiers", "dossier_submission_refused", **HANDLER)
    def on_dossier_submission_refused(self, payload):
        self._handle("dossiers.dossier_submission_refused", payload, self._plan_refused)

    # delivery log ---------------------------------------------------------------
    @rpc
    def list_deliveries(self, caller, dossier_id):
        """List the e-mails sent about a dossier and their delivery state."""
        caller = authorised(caller, "delivery.read")
        with self.db.reader() as session:
            rows = store.deliveries(session, dossier_id)
            if rows:
                last = rows[-1]
                require_visible(
                    caller,
                    province=last.province,
                    agency=last.agency,
                    department=last.department,
                )
            items = [store.dump_message(row) for row in rows]
        return {"items": items, "total": len(items)}

    # templates ------------------------------------------------------------------
    @rpc
    def get_template(self, caller, key, lang="vi", province=None):
        """Return the template in force for the caller's province."""
        caller = authorised(caller, "template.manage")
        province = template_admin.province_of(caller, province)
        template_admin.known(self.templates, key, lang)
        with self.db.reader() as session:
            return template_admin.describe(session, self.templates, province, key, lang)

    @rpc
    def preview_template(self, caller, data):
        """Check a template source and render it with its kind's sample data."""
        caller = authorised(caller, "template.manage")
        data = load(contract.TemplateSchema(), data)
        template_admin.province_of(caller, data["province"])
        template_admin.known(self.templates, data["key"], data["lang"])
        return template_admin.checked_preview(self.templates, data)

    @rpc
    def save_template(self, caller, data):
        """Override a template for a province once it passes every check."""
        caller = authorised(caller, "template.manage")
        data = load(contract.TemplateSchema(), data)
        province = template_admin.province_of(caller, data["province"])
        template_admin.known(self.templates, data["key"], data["lang"])
        preview = template_admin.checked_preview(self.templates, data)
        with self.db.transaction() as session:
            store.save_override(
                session,
                province,
                data["key"],
                data["lang"],
                data["source"],
                caller.get("user_id"),
            )
        return {
            "key": data["key"],
            "lang": data["lang"],
            "province": province,
            "preview": preview,
        }

    # bulk e-mail ------------------------------------------------------------------
    @rpc
    def create_bulk_mail(self, caller, data):
        """Compose a bulk mail: resolve recipients, store drafts, return a preview."""
        caller = authorised(caller, "bulk_mail.send")
        data = load(contract.BulkSchema(), data)
        bulk.compile_parts(data["subject"], data["body"])
        people, bad = bulk.resolve_recipients(self._peers, caller, data)
        files = [bulk.attachment(self._peers, caller, f) for f in data["attachments"]]
        rate = data["rate"]
        rate = self.config[settings.BULK_RATE.key] if rate is None else rate
        with self.db.transaction() as session:
            refs = [store.save_attachment(session, f) for f in files]
            return bulk.create(session, caller, data, people, bad, refs, rate)

    @rpc
    def get_bulk_mail(self, caller, bulk_id):
        """Return a bulk mail's progress (counts per delivery state)."""
        caller = authorised(caller, "bulk_mail.send")
        with self.db.reader() as session:
            return bulk.summary(session, bulk.load(session, caller, bulk_id))

    @rpc
    def list_bulk_recipients(self, caller, bulk_id, query=None):
        """Page through a bulk mail's recipients and their delivery state."""
        caller = authorised(caller, "bulk_mail.send")
        query = load(contract.PageSchema(), query or {})
        with self.db.reader() as session:
            found = bulk.load(session, caller, bulk_id)
            return bulk.recipients(
                session, found, query["page"], query["page_size"], query["status"]
            )

    @rpc
    def confirm_bulk_mail(self, caller, bulk_id):
        """Start sending a previewed bulk mail at its rate."""
        return self._bulk_action(caller, bulk_id, bulk.confirm)

    @rpc
    def cancel_bulk_mail(self, caller, bulk_id):
        """Stop a bulk mail: what is not sent yet is cancelled."""
        return self._bulk_action(caller, bulk_id, bulk.cancel)

    @rpc
    def approve_bulk_mail(self, caller, bulk_id):
        """Approve an uploaded recipient list (a province admin, not its uploader)."""
        approver = caller_from(caller)
        return self._bulk_action(
            caller, bulk_id, lambda session, found: bulk.approve(found, approver)
        )

    # reminders --------------------------------------------------------------------
    @timer(interval=60)
    def send_reminders(self):
        """Once a day at PORTAL_REMINDER_TIME, queue the officers' digests."""
        day = reminders.due_day(
            self.config[settings.REMINDER_TIME.key], self.config[settings.TIMEZONE.key]
        )
        if day:
            self._run_reminders(day)

    @rpc
    def run_reminders(self, caller, day):
        """Queue the reminder digests of `day` now (operators; idempotent per day)."""
        authorised(caller, "province.manage")
        return self._run_reminders(reminders.parse_day(day))

    # reminders users set, and the in-app list ---------------------------------------
    @configured_timer(settings.REMINDER_POLL)
    def fire_reminders(self):
        """Fire the reminders whose time came (each once, see user_reminders)."""
        try:
            with self.db.transaction() as session:
                fired = user_reminders.fire_due(session, self.templates, self._url)
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.warning("reminders failed; retrying next tick", exc_info=True)
            return
        if fired:
            self.sender.wake()

    @rpc
    def create_reminder(self, caller, data):
        """Set a reminder on a dossier or task the caller sees."""
        caller = signed_in(caller, "dossier.read")
        data = load(contract.ReminderSchema(), data)
        dossier = self._peers.dossier(caller, data["dossier_id"])
        task = None
        if data["task_id"] is not None:
            task = self._peers.task(caller, data["dossier_id"], data["task_id"])
            if task is None:
                raise TaskNotFound(
                    "Task not found", {"task_id": [str(data["task_id"])]}
                )
        with self.db.transaction() as session:
            return user_reminders.create(session, caller, data, dossier, task)

    @rpc
    def update_reminder(self, caller, reminder_id, data):
        """Move a pending reminder of the caller's, or change its note."""
        caller = signed_in(caller, "dossier.read")
        data = load(contract.ReminderPatchSchema(), data)
        with self.db.transaction() as session:
            return user_reminders.update(session, caller, reminder_id, data)

    @rpc
    def cancel_reminder(self, caller, reminder_id):
        caller = signed_in(caller, "dossier.read")
        with self.db.transaction() as session:
            return user_reminders.cancel(session, caller, reminder_id)

    @rpc
    def list_reminders(self, caller, dossier_id=None):
        """The caller's own reminders (of one dossier), the soonest first."""
        caller = signed_in(caller, "dossier.read")
        with self.db.reader() as session:
            return user_reminders.list_(session, caller, dossier_id)

    @rpc
    def list_notifications(self, caller, query=None):
        """The caller's in-app notifications, newest first, with the unread count."""
        caller = signed_in(caller)
        query = load(contract.InboxQuery(), query or {})
        with self.db.reader() as session:
            return inbox.page(
                session, caller["user_id"], query["page"], query["page_size"],
                query["unread"],
            )  # fmt: skip

    @rpc
    def mark_notifications_read(self, caller, data=None):
        caller = signed_in(caller)
        data = load(contract.MarkRead(), data or {})
        with self.db.transaction() as session:
            return {"unread": inbox.mark_read(session, caller["user_id"], data["ids"])}

    @rpc
    def unread_count(self, caller):
        caller = signed_in(caller)
        with self.db.reader() as session:
            return {"unread": inbox.unread(session, caller["user_id"])}

    # helpers ----------------------------------------------------------------------
    @property
    def _url(self):
        return self.config[settings.PUBLIC_URL.key].rstrip("/")

    @property
    def _peers(self):
        return Peers(self.accounts, self.dossiers, self.files)

    def _handle(self, event, payload, plan, *args):
        """Load `event` ("source.type") with its contract schema, plan and queue its
        e-mails. A payload the schema refuses, or an event a peer refuses for good
        (4xx), is dropped and logged; a peer that is down puts the message back."""
        try:
            payload = read_event(*event.split("."), payload)
            planned = (
                plan(*args, payload, self._url) if args else plan(payload, self._url)
            )
            max_bytes = self.config[settings.RESULT_MAX_BYTES.key]
            mailer = EventMailer(
                self.db, self.templates, self._peers, self.sender, max_bytes
            )
            mailer.mail(payload, planned)
        except (InvalidEvent, *DATA_ERRORS):
            log.exception("malformed event dropped: %s", _event_id(payload))
        except ServiceError as exc:
            if exc.status >= 500:
                # a peer is down: nothing was queued; wait, then the message goes back
                eventlet.sleep(RETRY_DELAY)
                raise
            log.warning("event %s dropped: %s", _event_id(payload), exc.code)

    def _plan_submitted(self, payload, url):
        files = self._peers.dossier_files(payload["dossier_id"])
        return domain.plan_submitted({**payload, "files": files}, url)

    def _plan_refused(self, payload, url):
        minutes = self.config[settings.REFUSAL_MINUTES.key]
        return domain.plan_submission_refused(payload, url, minutes * 60)

    def _plan_task(self, payload, url):
        assignee = payload["task"]["assignee"]
        if assignee and not isinstance(assignee, dict):
            assignee = self._peers.user(assignee)
        planned = domain.plan_task(payload, url, assignee)
        # the assignee has the assignment mail; the others involved are told
        return planned + self._involved("task_assigned", payload, url, skip=[
            str(payload["task"]["assignee"] or "")
        ])  # fmt: skip

    def _plan_comment(self, payload, url):
        planned = domain.plan_comment(payload, url)
        return planned + self._involved("comment", payload, url)

    def _plan_task_edit(self, payload, url):
        return self._involved("task_updated", payload, url)

    def _involved(self, activity, payload, url, skip=()):
        users = self._peers.staff_involved(payload.get("involved") or [])
        return domain.plan_involved(activity, payload, url, users, skip)

    def _bulk_action(self, caller, bulk_id, action):
        caller = authorised(caller, "bulk_mail.send")
        with self.db.transaction() as session:
            found = bulk.load(session, caller, bulk_id, lock=True)
            action(session, found)
            session.flush()
            result = bulk.summary(session, found)
        self.sender.wake(every=True)
        return result

    def _run_reminders(self, day):
        # the work first: a dossiers outage must not use up the day unsent
        work = self._peers.due_work(within_days=2)
        with self.db.transaction() as session:
            if not reminders.claim_day(session, day):
                return {"day": day, "queued": 0}
            queued = reminders.queue_digests(
                session, self.templates, day, work, self._url
            )
        self.sender.wake(every=True)
        return {"day": day, "queued": queued}
