"""The dossiers service's entrypoints: load the caller, run the operation, commit."""

import logging
from contextlib import contextmanager

from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, event_handler
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from services.contracts import dossiers as contract
from services.shared import audit, idempotency, permissions, routes
from services.shared.caller import caller_from
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.entrypoint import contract_rpc
from services.shared.errors import ValidationFailed
from services.shared.metrics import Metrics
from services.shared.outbox import InvalidEvent, OutboxRelay, read_event
from services.shared.peers import Peer
from services.shared.schemas import load

from . import (
    catalogue,
    claims,
    deadlines,
    links,
    my_work,
    operations,
    recipients,
    references,
    refusals,
    reschedules,
    settings,
    store,
    succession,
    work,
)
from .dependencies import Directory, FileIndex, configured_timer
from .exceptions import (
    ConcurrentUpdate,
    DossierInvalid,
    LinkNotAllowed,
    ProviderUnavailable,
)
from .models import AuditEntry, IdempotentResult, Outbox
from .payments import ledger, provider

rpc = contract_rpc("dossiers")

CONCURRENT = "The dossier was changed by someone else; reload it"
log = logging.getLogger(__name__)


class DossiersService:
    """The procedure catalogue, holiday calendars and the dossier workflow."""

    name = "dossiers"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    metrics = Metrics()
    idempotency_key = idempotency.IdempotencyKey()
    config = Config()
    accounts = Peer("accounts")
    files = Peer("files")

    @contextmanager
    def tx(self):
        """A transaction whose lost races come back as 409 CONCURRENT_UPDATE."""
        try:
            with self.db.transaction() as session:
                store.lock_timeout(session)
                yield session
        except (StaleDataError, OperationalError) as exc:
            if isinstance(exc, OperationalError) and "lock" not in str(exc):
                raise
            raise ConcurrentUpdate(CONCURRENT, {"version": ["stale"]}) from None

    def once(self, session, operation, run):
        """Run an acting operation once per Idempotency-Key (see shared/idempotency)."""
        return idempotency.once(
            session, IdempotentResult, self.idempotency_key, operation, run
        )

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        return {"dossiers": "ok", "postgres": self.db.ping()}

    # --- catalogue -----------------------------------------------------------
    @rpc
    def list_procedures(
        self, caller, province=None, agency=None, q=None, level=None, national=False
    ):
        """A province's catalogue; `national`: every province's, `province` (else
        the caller's) first — the citizen's own agencies before the others."""
        caller = caller_from(caller)
        asked = dict(province=province, agency=agency, q=q, level=level)
        filters = load(
            contract.ProcedureQuery,
            {k: v for k, v in asked.items() if v not in (None, "")},
        )
        where = filters.get("province") or caller.get("province")
        with self.db.reader() as s:
            if national:
                return catalogue.list_national(
                    s, where, filters.get("q"), filters.get("level")
                )
            return catalogue.list_procedures(
                s, where, filters.get("agency"), filters.get("q"), filters.get("level")
            )

    @rpc
    def get_procedure(self, caller, code, province=None, withdrawn=False):
        """A procedure offered now; `withdrawn` (its managers only, in their
        province): also one withdrawn, with `withdrawn_at` (they add its form
        templates before publishing it again)."""
        caller = caller_from(caller)
        if withdrawn:
            permissions.require(caller, "procedure.manage")
            province = operations.province_for(caller, province)
        with self.db.reader() as s:
            return catalogue.get_procedure(
                s, province or caller.get("province"), code, withdrawn
            )

    @rpc
    def create_procedure(self, caller, data):
        caller = caller_from(caller)
        permissions.require(caller, "procedure.manage")
        data = load(contract.ProcedureSchema, data)
        province = operations.procedure_province(caller, data)
        self._require_links(data, province)
        with self.tx() as s:
            created = operations.manage_procedure(s, caller, province, data)
            store.audit(s, caller, "procedure.create", data["code"], province=province)
            return created

    @rpc
    def update_procedure(self, caller, code, data):
        caller = caller_from(caller)
        permissions.require(caller, "procedure.manage")
        data = load(contract.ProcedureSchema, dict(data or {}, code=code))
        province = operations.procedure_province(caller, data)
        self._require_links(data, province)
        with self.tx() as s:
            published = operations.manage_procedure(
                s, caller, province, data, new=False
            )
            store.audit(s, caller, "procedure.publish", code, province=province)
            return published

    @rpc
    def withdraw_procedure(self, caller, code, province=None):
        """Stop offering a procedure (filed dossiers keep their version)."""
        caller = caller_from(caller)
        permissions.require(caller, "procedure.manage")
        province = references.procedure_province(
            operations.province_for(caller, province)
        )
        with self.tx() as s:
            withdrawn = operations.withdraw_procedure(s, caller, province, code)
            store.audit(s, caller, "procedure.withdraw", code, province=province)
            return withdrawn

    @rpc
    def list_withdrawn_procedures(self, caller, province=None):
        """A province's withdrawn procedures with their last version, for its
        managers (the admin pages offer one again: `update_procedure`)."""
        caller = caller_from(caller)
        permissions.require(caller, "procedure.manage")
        province = references.procedure_province(
            operations.province_for(caller, province)
        )
        with self.db.reader() as s:
            return catalogue.list_withdrawn(s, province)

    @rpc
    def list_procedures_for_index(self, caller, after=None, limit=500):
        """The procedures offered now, every province (national catalogue index)."""
        with self.db.reader() as s:
            return catalogue.list_for_index(s, caller_from(caller), after, limit)

    def _require_links(self, data, province):
        """Refuse links to scripts, data or hosts the province does not allow."""
        hosts = links.allowed_hosts(
            links.parse_hosts(self.config.get(settings.LINK_HOSTS.key)),
            province,
            self.config.get(settings.PUBLIC_URL.key) or settings.PUBLIC_URL.default,
        )
        errors = links.refused(data, hosts)
        if errors:
            raise LinkNotAllowed("Link not allowed", errors)

    @rpc
    def get_holidays(self, caller, province, year):
        caller = caller_from(caller)
        with self.db.transaction() as s:
            return catalogue.dump_holidays(catalogue.holidays_of(s, province, year))

    @rpc
    def put_holidays(self, caller, province, year, holidays):
        caller = caller_from(caller)
        permissions.require(caller, "holiday.manage")
        if operations.province_for(caller, province) != province:
            raise permissions.Forbidden("Not permitted", {"province": [province]})
        data = load(contract.HolidaysSchema, {"holidays": holidays})
        wrong = [h for h in data["holidays"] if h["date"].year != int(year)]
        if wrong:
            raise ValidationFailed("Invalid input", {"holidays": ["invalid_date"]})
        with self.db.transaction() as s:
            catalogue.replace_holidays(s, province, year, data["holidays"])
            target = f"{province}/{year}"
            store.audit(s, caller, "holidays.replace", target, province=province)
            return catalogue.dump_holidays(catalogue.holidays_of(s, province, year))

    # --- dossiers ------------------------------------------------------------
    @rpc
    def create_dossier(self, caller, data):
        with self.tx() as s:
            return self.once(
                s,
                "create_dossier",
                lambda: operations.create(
                    s, caller_from(caller), data, Directory(self.accounts)
                ),
            )

    @rpc
    def update_dossier(self, caller, dossier_id, data):
        with self.tx() as s:
            return operations.update(s, caller_from(caller), dossier_id, data)

    @rpc
    def submit_dossier(self, caller, dossier_id, files=None, expected_version=None):
        caller = caller_from(caller)
        checks = FileIndex(self.files), Directory(self.accounts)
        try:
            with self.tx() as s:
                return self.once(
                    s,
                    "submit_dossier",
                    lambda: operations.submit(
                        s, caller, dossier_id, checks, files, expected_version
                    ),
                )
        except DossierInvalid as exc:
            # The refusal is announced in its own transaction (notify mails it).
            with self.db.transaction() as s:
                refusals.record(s, caller, dossier_id, exc.details)
            raise

    @rpc
    def act(self, caller, dossier_id, action, **options):
        caller = caller_from(caller)
        if action == "submit":
            return self.submit_dossier(
                caller, dossier_id, expected_version=options.get("expected_version")
            )
        data = dict(options, action=action)
        directory, files = Directory(self.accounts), FileIndex(self.files)
        with self.tx() as s:
            return self.once(
                s,
                "act",
                lambda: operations.act(s, caller, dossier_id, data, directory, files),
            )

    @rpc
    def reschedule(self, caller, dossier_id, data):
        """Give a dossier that will be late a new date, with the reason (apology)."""
        with self.tx() as s:
            return self.once(
                s,
                "reschedule",
                lambda: reschedules.reschedule(
                    s, caller_from(caller), dossier_id, data
                ),
            )

    @rpc
    def register_paper_dossier(self, caller, data):
        with self.tx() as s:
            return self.once(
                s,
                "register_paper_dossier",
                lambda: operations.register_paper(
                    s, caller_from(caller), data, Directory(self.accounts)
                ),
            )

    @rpc(sensitive_arguments=("data",))
    def claim_dossier(self, caller, data):
        """Make a paper dossier the caller's: receipt number + national ID or code."""
        limit = self.config.get(settings.CLAIM_FAILS.key, settings.CLAIM_FAILS.default)
        with self.tx() as s:
            error, found = claims.claim(
                s, caller_from(caller), data, Directory(self.accounts), int(limit)
            )
        if error is not None:
            raise error
        return found

    @rpc
    def list_audit(self, caller, page=1, page_size=50):
        """Return this database's audit entries in the caller's scope (moves)."""
        with self.db.reader() as s:
            return audit.list_entries(
                s, AuditEntry, caller_from(caller), page, page_size
            )

    @rpc
    def get_dossier(self, caller, dossier_id):
        # one row read (the procedure version and the calendar: kept or immutable)
        with self.db.statements() as s:
            return operations.get(s, caller_from(caller), dossier_id)

    @rpc
    def list_dossiers(self, caller, filters=None):
        with self.db.transaction() as s:
            return operations.list_(s, caller_from(caller), filters)

    @rpc
    def lookup(self, caller, receipt_number):
        with self.db.transaction() as s:
            return operations.lookup(s, caller_from(caller), receipt_number)

    @rpc
    def check_upload(self, caller, dossier_id, slot):
        with self.db.reader() as s:
            return operations.check_upload(s, caller_from(caller), dossier_id, slot)

    # --- work inside the agency ---------------------------------------------
    @rpc
    def history(self, caller, dossier_id):
        with self.db.reader() as s:
            return work.history(s, caller_from(caller), dossier_id)

    @rpc
    def add_comment(self, caller, dossier_id, data):
        index = FileIndex(self.files)
        with self.tx() as s:
            return self.once(
                s,
                "add_comment",
                lambda: work.add_comment(
                    s, caller_from(caller), dossier_id, data, index
                ),
            )

    @rpc
    def list_comments(self, caller, dossier_id, task_id=None):
        with self.db.reader() as s:
            return work.list_comments(s, caller_from(caller), dossier_id, task_id)

    @rpc
    def create_task(self, caller, dossier_id, data):
        with self.tx() as s:
            return self.once(
                s,
                "create_task",
                lambda: work.create_task(
                    s, caller_from(caller), dossier_id, data, Directory(self.accounts)
                ),
            )

    @rpc
    def list_tasks(self, caller, dossier_id):
        with self.db.reader() as s:
            return work.list_tasks(s, caller_from(caller), dossier_id)

    @rpc
    def update_task(self, caller, dossier_id, task_id, data):
        directory = Directory(self.accounts)
        with self.tx() as s:
            return self.once(
                s,
                "update_task",
                lambda: work.update_task(
                    s, caller_from(caller), dossier_id, task_id, data, directory
                ),
            )

    @rpc
    def list_for_index(self, caller, after=None, limit=500):
        with self.db.transaction() as s:
            return work.list_for_index(s, caller_from(caller), after, limit)

    @rpc
    def my_stats(self, caller, query=None):
        with self.db.reader() as s:
            return my_work.my_stats(s, caller_from(caller), query)

    @rpc
    def stats(self, caller, group_by="status", **query):
        with self.db.transaction() as s:
            return work.stats(s, caller_from(caller), dict(query, group_by=group_by))

    @event_handler(
        "files", "file_uploaded", handler_type=SERVICE_POOL, requeue_on_error=True
    )
    def on_file_uploaded(self, payload):
        """A file added to a dossier is a line of its history (its own audience)."""
        try:
            event = read_event("files", "file_uploaded", payload)
        except InvalidEvent:
            log.exception("malformed file_uploaded event dropped")
            return
        with self.db.transaction() as s:
            work.record_file_added(s, event)

    @event_handler(
        "accounts", "agency_succeeded", handler_type=SERVICE_POOL, requeue_on_error=True
    )
    def on_agency_succeeded(self, payload):
        """Move the replaced agencies' open dossiers and procedure lists."""
        try:
            event = read_event("accounts", "agency_succeeded", payload)
        except InvalidEvent:
            log.exception("malformed agency_succeeded event dropped")
            return
        succession.carry_out(self.db, event)

    @rpc
    def succession_report(self, caller, succession_id):
        """What a succession moved here: dossiers (receipt numbers) and procedures."""
        with self.db.reader() as s:
            return succession.report(s, caller_from(caller), succession_id)

    # --- time ------------------------------------------------------------------
    @configured_timer(settings.DEADLINE_SWEEP)
    def deadline_sweep(self):
        """Announce the dossiers and tasks whose deadline state moved with time."""
        try:
            deadlines.sweep(self.db)
            with self.db.transaction() as s:
                idempotency.purge(s, IdempotentResult)
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.warning("deadline sweep failed; retrying next tick", exc_info=True)

    @rpc
    def sweep_deadlines(self, caller):
        """Run one deadline sweep now (national operators; the timer does the same)."""
        operations.require_national(caller_from(caller), "dossier.sweep")
        return deadlines.sweep(self.db)

    # --- fees paid online (payments/) ---------------------------------------------
    def _provider(self):
        """The configured payment adapter (its merchant credentials from the env)."""
        try:
            return provider.configured(lambda s: self.config.get(s.key, s.default))
        except provider.ProviderError as exc:
            raise ProviderUnavailable(
                "No payment provider is configured", {"provider": [str(exc)]}
            ) from None

    def _return_url(self):
        base = self.config.get(settings.PUBLIC_URL.key) or settings.PUBLIC_URL.default
        return routes.url(base, "payment_return")

    @rpc
    def start_payment(self, caller, dossier_id, client_ip=None):
        """A payment of the dossier's fee and the provider URL (the applicant)."""
        caller, adapter = caller_from(caller), self._provider()
        with self.tx() as s:
            return ledger.start(
                s, caller, dossier_id, adapter, self._return_url(), client_ip
            )

    @rpc
    def payment_callback(self, caller, params=None):
        """The provider's server-to-server callback: checked, applied once, kept."""
        adapter = self._provider()
        try:
            with self.tx() as s:
                outcome, applied = ledger.apply_callback(s, adapter, params or {})
                ledger.record_callback(s, params, outcome, applied)
        except Exception:  # noqa: BLE001 - the provider is answered and retries
            log.exception("payment callback failed")
            with self.db.transaction() as s:
                ledger.record_callback(s, params, "other", False)
            outcome = "other"
        return adapter.answer(outcome)

    @rpc
    def payment_return(self, caller, params=None):
        """What the browser's return from the provider shows (changes nothing)."""
        adapter = self._provider()
        with self.db.reader() as s:
            return ledger.read_return(s, caller_from(caller), adapter, params or {})

    @rpc
    def list_payments(self, caller, dossier_id):
        with self.db.reader() as s:
            return ledger.list_for(s, caller_from(caller), dossier_id)

    @rpc
    def refund_payment(self, caller, dossier_id, data):
        caller = caller_from(caller)
        permissions.require(caller, "payment.refund")
        data = load(contract.RefundSchema, data)
        adapter = self._provider()
        with self.tx() as s:
            return ledger.refund(s, caller, dossier_id, data["reason"], adapter)

    @rpc
    def reconcile_payments(self, caller, date):
        caller = caller_from(caller)
        permissions.require(caller, "payment.reconcile")
        day = load(contract.DaySchema, {"date": date})["date"]
        adapter = self._provider()
        with self.db.reader() as s:
            return ledger.reconcile(s, caller, day, adapter)

    # --- for notify ----------------------------------------------------------------
    @rpc
    def list_applicants(self, caller, procedure=None, date_from=None, date_to=None):
        """[{email, full_name}] of a procedure's applicants in a period (scoped)."""
        query = {"procedure": procedure, "date_from": date_from, "date_to": date_to}
        with self.db.reader() as s:
            return recipients.list_applicants(s, caller_from(caller), query)

    @rpc
    def list_due_work(self, caller, within_days=2):
        """Officers' due-soon/overdue work and leaders' overdue summary (system)."""
        operations.require_national(caller_from(caller), "dossier.due_work")
        with self.db.transaction() as s:
            officers, departments = recipients.due_work(s, int(within_days))
        return recipients.shape(officers, departments, Directory(self.accounts))
