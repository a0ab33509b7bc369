"""The search service's entrypoints: index events in, lists and dashboards out."""

import logging
import time

import eventlet
from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, event_handler

from services.contracts.search import (
    DashboardSchema,
    FileFiltersSchema,
    FilePagingSchema,
    FiltersSchema,
    PagingSchema,
    ProcedureSearchSchema,
    TaskFiltersSchema,
    TaskPagingSchema,
)
from services.shared.caller import SYSTEM, caller_from
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.entrypoint import contract_rpc
from services.shared.errors import Forbidden, ServiceError
from services.shared.metrics import Metrics
from services.shared.outbox import InvalidEvent, OutboxRelay, read_event
from services.shared.peers import Peer
from services.shared.permissions import can, require, scope_of
from services.shared.schemas import load
from services.shared.timer import configured_timer

from . import mapping, rebuild, settings
from .dependencies import SearchIndex
from .exceptions import InvalidFilter, SearchUnavailable
from .models import Outbox

rpc = contract_rpc("search")

log = logging.getLogger(__name__)

# Handlers compete across instances (SERVICE_POOL); a failed worker puts the message
# back on the queue (requeue_on_error) instead of nameko's default ack-and-drop.
DOSSIER_EVENT = dict(handler_type=SERVICE_POOL, requeue_on_error=True)


def _validated(*pairs):
    """Load each (schema, data); raise one INVALID_FILTER with every field's errors."""
    loaded, details = [], {}
    for schema, data in pairs:
        try:
            loaded.append(load(schema, data or {}))
        except Exception as exc:  # noqa: BLE001 - ValidationFailed, re-raised below
            details.update(getattr(exc, "details", {"_schema": [str(exc)]}))
    if details:
        raise InvalidFilter("Invalid filter", details)
    return loaded


# user id -> (name, when looked up): staff names change rarely; a renamed officer's
# lists follow within NAME_TTL seconds' worth of events
NAMES, NAME_TTL = {}, 600.0
# agency code -> (name, when looked up), for the national catalogue index
AGENCY_NAMES = {}


def cached_names(cache, keys, look_up, skip_down=False):
    """{key: name} of `keys`, each looked up (`look_up(key)`, a peer's RPC) at most
    once per NAME_TTL seconds through `cache` (key -> (name, when)). A key the
    peer does not know (its 4xx) has no name; the peer down (5xx) raises, or with
    `skip_down` leaves the key out, uncached (looked up again next time)."""
    now, found = time.monotonic(), {}
    for key in keys:
        cached = cache.get(key)
        if cached and now - cached[1] < NAME_TTL:
            found[key] = cached[0]
            continue
        try:
            name = look_up(key)
        except ServiceError as exc:
            if exc.status < 500:
                name = None
            elif skip_down:
                continue
            else:
                raise
        cache[key] = (name, now)
        found[key] = name
    return found


def _paging(sort, page, page_size):
    paging = {"sort": sort, "page": page, "page_size": page_size}
    return {k: v for k, v in paging.items() if v is not None}


class SearchService:
    """The OpenSearch index of dossiers: lists, filters, dashboards, reports."""

    name = "search"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    metrics = Metrics()
    config = Config()
    index = SearchIndex()
    dossiers = Peer("dossiers")
    accounts = Peer("accounts")
    files = Peer("files")

    # events -----------------------------------------------------------------------
    def _upsert(self, event_type, payload):
        try:
            event_id = payload.get("event_id") if isinstance(payload, dict) else None
            payload = read_event("dossiers", event_type, payload)
            names = self._names(mapping.people_of(payload["dossier"]))
            outcome = self.index.index_dossier(payload, names)
        except SearchUnavailable:
            # wait before the message goes back, so a down engine is not hammered
            eventlet.sleep(self.config.get(settings.RETRY_DELAY.key, 2))
            raise
        except InvalidEvent:
            log.exception("dropping malformed dossier event %s", event_id)
            return
        log.info("dossier %s: %s", payload["dossier_id"], outcome)

    def _names(self, user_ids):
        """The names of these users (accounts `get_user` as the system), cached.

        A user accounts does not know keeps no name; when accounts does not answer
        the documents go without names (the next event of the dossier brings them)
        rather than holding back the lists.
        """

        def name_of(user_id):
            return self.accounts.get_user(SYSTEM, user_id).get("full_name")

        found = cached_names(NAMES, user_ids, name_of, skip_down=True)
        if len(found) < len(set(user_ids)):
            log.warning("accounts unavailable: indexing without names")
        return found

    @event_handler("files", "file_uploaded", **DOSSIER_EVENT)
    def on_file_uploaded(self, payload):
        """Index a dossier file by name (templates and slips without a dossier not)."""
        try:
            payload = read_event("files", "file_uploaded", payload)
        except InvalidEvent:
            log.exception("dropping malformed file event")
            return
        if not payload.get("dossier_id"):
            return
        try:
            meta = self.files.get_file(SYSTEM, payload["file_id"])
        except ServiceError as exc:
            if exc.status >= 500:
                raise  # files unavailable: the message is retried
            # refused by the scan or removed since (404), or not a file id (422)
            log.info("file %s not indexed: %s", payload["file_id"], exc.code)
            return
        try:
            self.index.index_file(meta)
        except SearchUnavailable:
            eventlet.sleep(self.config.get(settings.RETRY_DELAY.key, 2))
            raise

    @event_handler("files", "files_deleted", **DOSSIER_EVENT)
    def on_files_deleted(self, payload):
        """Drop deleted files from the files index (a deleted draft's)."""
        try:
            payload = read_event("files", "files_deleted", payload)
        except InvalidEvent:
            log.exception("dropping malformed file event")
            return
        try:
            self.index.delete_files(payload["file_ids"])
        except SearchUnavailable:
            eventlet.sleep(self.config.get(settings.RETRY_DELAY.key, 2))
            raise

    @event_handler("dossiers", "procedure_changed", **DOSSIER_EVENT)
    def on_procedure_changed(self, payload):
        """Keep the national catalogue index: created, published, withdrawn."""
        try:
            payload = read_event("dossiers", "procedure_changed", payload)
        except InvalidEvent:
            log.exception("dropping malformed procedure event")
            return
        try:
            names = self._agency_names(payload["procedure"]["agencies"])
            outcome = self.index.index_procedure(payload, names)
        except ServiceError as exc:
            if exc.status < 500:
                raise
            # engine or accounts down: wait, then the message goes back to the queue
            eventlet.sleep(self.config.get(settings.RETRY_DELAY.key, 2))
            raise
        log.info("procedure %s %s: %s", payload["code"], payload["change"], outcome)

    def _agency_names(self, codes):
        """{code: name} of agencies (accounts `get_agency`, cached NAME_TTL); an
        unknown code has none; accounts down raises its 503 (an event is retried)."""

        def name_of(code):
            return self.accounts.get_agency(SYSTEM, code).get("name")

        return cached_names(AGENCY_NAMES, codes, name_of)

    @event_handler("dossiers", "dossier_submitted", **DOSSIER_EVENT)
    def on_dossier_submitted(self, payload):
        self._upsert("dossier_submitted", payload)

    @event_handler("dossiers", "dossier_status_changed", **DOSSIER_EVENT)
    def on_dossier_status_changed(self, payload):
        self._upsert("dossier_status_changed", payload)

    @event_handler("dossiers", "dossier_updated", **DOSSIER_EVENT)
    def on_dossier_updated(self, payload):
        self._upsert("dossier_updated", payload)

    @event_handler("dossiers", "comment_added", **DOSSIER_EVENT)
    def on_comment_added(self, payload):
        self._upsert("comment_added", payload)

    @event_handler("dossiers", "task_assigned", **DOSSIER_EVENT)
    def on_task_assigned(self, payload):
        self._upsert("task_assigned", payload)

    @configured_timer(settings.FILL_EVERY, eager=True)
    def fill_catalogue(self):
        """Fill a new (or never filled) national catalogue index from dossiers
        `list_procedures_for_index` once, in the background from start; while
        dossiers, accounts or the engine do not answer, the next tick tries again.
        Afterwards each tick is a flag's check (see `rebuild.fill_procedures`)."""
        if self.index.engine.known_filled("procedures"):
            return
        try:
            report = rebuild.fill_procedures(
                self.index, rebuild.procedures_source(self.dossiers),
                self._agency_names,
            )  # fmt: skip
        except ServiceError as exc:
            log.warning("catalogue index not filled yet (%s), tried again", exc.code)
            return
        if report:
            log.info("catalogue index filled: %s", report)

    # queries ----------------------------------------------------------------------
    @rpc
    def query(self, caller, filters=None, sort=None, page=None, page_size=None):
        """Return one page of the caller's visible dossiers: {items, total}."""
        caller = caller_from(caller)
        require(caller, "dossier.read")
        paging = {"sort": sort, "page": page, "page_size": page_size}
        paging = {k: v for k, v in paging.items() if v is not None}
        filters, paging = _validated(
            (FiltersSchema(), filters), (PagingSchema(), paging)
        )
        return self.index.query(caller, filters, paging)

    @rpc
    def work_list(self, caller, filters=None, sort=None, page=None, page_size=None):
        """The work list page: one page of the tab (`filters["tab"]`, or all) and the
        count of every tab under the other filters: {items, total, tabs}."""
        caller = caller_from(caller)
        require(caller, "dossier.read")
        filters, paging = _validated(
            (FiltersSchema(), filters), (PagingSchema(), _paging(sort, page, page_size))
        )
        return self.index.work_list(caller, filters, paging)

    @rpc
    def count_tabs(self, caller, filters=None):
        """Return the work list's tabs with the number of dossiers each lists."""
        caller = caller_from(caller)
        require(caller, "dossier.read")
        (filters,) = _validated((FiltersSchema(), filters))
        return self.index.count_tabs(caller, filters)

    @rpc
    def query_tasks(self, caller, filters=None, sort=None, page=None, page_size=None):
        """Return one page of the tasks the caller may see: {items, total}."""
        caller = caller_from(caller)
        require(caller, "task.read")
        filters, paging = _validated(
            (TaskFiltersSchema(), filters),
            (TaskPagingSchema(), _paging(sort, page, page_size)),
        )
        return self.index.query_tasks(caller, filters, paging)

    @rpc
    def query_files(self, caller, filters=None, sort=None, page=None, page_size=None):
        """Return one page of the dossier files the caller may open: {items, total}."""
        caller = caller_from(caller)
        require(caller, "file.read")
        filters, paging = _validated(
            (FileFiltersSchema(), filters),
            (FilePagingSchema(), _paging(sort, page, page_size)),
        )
        return self.index.query_files(caller, filters, paging)

    @rpc
    def dashboard(
        self, caller, filters=None, groups=None, interval=None,
        page=None, page_size=None, sort=None,
    ):  # fmt: skip
        """Return counts and deadline figures over the caller's statistics scope:
        what he sees with `stats.read`, his own work with `stats.own` only. The
        per-agency results come one page at a time (`page`, `page_size`, `sort`)."""
        caller = caller_from(caller)
        if not can(caller, "stats.read"):
            require(caller, "stats.own")
        options = {"groups": groups, "interval": interval, "page": page,
                   "page_size": page_size, "sort": sort}  # fmt: skip
        options = {k: v for k, v in options.items() if v is not None}
        filters, options = _validated(
            (FiltersSchema(), filters), (DashboardSchema(), options)
        )
        rows = {k: options[k] for k in ("page", "page_size", "sort")}
        return self.index.aggregate(
            caller, filters, options["groups"], options["interval"], rows
        )

    @rpc
    def search_procedures(self, caller, text=None, province=None, page=None,
                          page_size=None):  # fmt: skip
        """The national catalogue: offered procedures matching `text` (name or
        code, diacritics optional), `province`'s first, then the rest of the
        country: {items, total}. Public (the catalogue is)."""
        caller_from(caller)
        asked = {"text": text, "province": province, "page": page,
                 "page_size": page_size}  # fmt: skip
        (asked,) = _validated(
            (ProcedureSearchSchema(), {k: v for k, v in asked.items() if v is not None})
        )
        return self.index.search_procedures(**asked)

    # operations -------------------------------------------------------------------
    def _require_operator(self, caller):
        caller = caller_from(caller)
        require(caller, "province.manage")
        if scope_of(caller) != "national":
            raise Forbidden("Not permitted", {"action": ["search.rebuild"]})

    @rpc
    def rebuild_index(self, caller, batch=500):
        """Rebuild the index from the dossiers service and switch the alias."""
        self._require_operator(caller)
        return rebuild.rebuild_all(
            self.index,
            rebuild.rpc_source(self.dossiers),
            rebuild.files_source(self.files),
            rebuild.procedures_source(self.dossiers),
            self._agency_names,
            batch=batch,
        )

    @rpc
    def check_index(self, caller):
        """Compare the number of indexed dossiers with the dossiers service's."""
        self._require_operator(caller)
        return rebuild.check(self.index, rebuild.rpc_source(self.dossiers))

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        return {
            "search": "ok",
            "postgres": self.db.ping(),
            "opensearch": self.index.health(),
        }
