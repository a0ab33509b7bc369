"""The nameko provider of the search engine and the intent-named facade it hands out."""

import logging

import eventlet
from nameko.extensions import DependencyProvider

from services.shared.errors import detail

from . import dashboards, mapping, procedures, queries, settings
from .engine import Engine
from .exceptions import InvalidFilter

log = logging.getLogger(__name__)


class DossierIndex:
    """What the service does with the dossiers index, named by intent."""

    def __init__(self, engine, written=None):
        self.engine = engine
        self.written = written or (lambda: None)

    def index_dossier(self, payload, names=None):
        """Upsert the event's snapshot unless a newer version is indexed already.

        Its tasks are written too (versioned by the dossier), and its files' copy of
        the dossier's fields follows. Returns "indexed" or "stale". A stale write is
        a normal outcome of at-least-once, unordered delivery, not an error.
        Two engine requests in all: one `_bulk` (the dossier, a rebuild's copy,
        the tasks) and the files' update.
        """
        self.engine.ensure()
        self.engine.ensure_kind("tasks")
        snapshot = payload["dossier"]
        doc = mapping.document_from(snapshot, names)
        version = mapping.version_of(payload)
        doc["version"] = version
        # even when stale: a redelivery after a failure between these writes must
        # still write the tasks (versioned: an older one is skipped) and the files'
        # part (of the newest state: this document when it was written)
        tasks = [
            (dict(task, version=version), version)
            for task in mapping.task_documents(snapshot, names)
        ]
        fresh = self.engine.write_dossier(doc, version, tasks)
        self._follow_files(snapshot, doc if fresh else None)
        if fresh:
            self.written()
        return "indexed" if fresh else "stale"

    def _follow_files(self, snapshot, current=None):
        """Set the dossier's fields on its files, from `current` (the document
        just written) or, after a stale write, the one indexed; versioned, so an
        older event's update, whenever it lands, leaves a newer one's part."""
        files = self.engine.ensure_kind("files")
        if current is None:
            current = (self.engine.get(snapshot["id"]) or {}).get("_source") or snapshot
        part = mapping.dossier_part(current)
        version = mapping.dossier_version(current)
        self.engine.follow_dossier(files, snapshot["id"], part, version)

    def index_file(self, meta):
        """Index one dossier file (files `get_file`) with its dossier's fields.

        A dossier event's update of its files finds only files searches find: one
        that ran while this file was not searchable yet missed it. So the file is
        written to be searchable (`wait_for`: this instance's refresher refreshes
        at once), then its dossier is read again: a newer state than the one
        copied is set on it (any later update finds the file itself)."""
        self.engine.ensure()
        alias = self.engine.ensure_kind("files")
        found = (self.engine.get(meta["dossier_id"]) or {}).get("_source")
        doc = mapping.file_document(meta, found)
        self.written()
        self.engine.put(doc, alias, refresh="wait_for")
        self.engine.put_while_building(doc, "files")
        now = (self.engine.get(meta["dossier_id"]) or {}).get("_source")
        version = mapping.dossier_version(now)
        if version > doc["dossier_version"]:
            part = mapping.dossier_part(now)
            self.engine.follow_dossier_on(alias, doc["id"], part, version)
        return "indexed"

    def bulk_files(self, metas, target):
        """Index many files (a rebuild) into `target`, each with its dossier's part
        as the dossiers index has it; return (ok, failed)."""
        dossiers = self.engine.mget_sources({m["dossier_id"] for m in metas})
        docs = [mapping.file_document(m, dossiers.get(m["dossier_id"])) for m in metas]
        return self.engine.bulk_put(docs, target)

    def delete_files(self, file_ids):
        """Drop deleted files from the files index (and from one being rebuilt)."""
        self.engine.ensure_kind("files")
        self.engine.delete_ids(file_ids, "files")
        self.written()

    def bulk_index(self, snapshots, target=None, names=None):
        """Index many snapshots at once (catch-up, rebuild); return (ok, failed)."""
        self.engine.ensure()
        pairs, tasks = [], []
        for snapshot in snapshots:
            doc = mapping.document_from(snapshot, names)
            doc["version"] = int(snapshot.get("version") or 1)
            pairs.append((doc, doc["version"]))
            tasks += [
                (dict(task, version=doc["version"]), doc["version"])
                for task in mapping.task_documents(snapshot, names)
            ]
        if tasks:
            self.engine.bulk_index(tasks, target=self.engine.ensure_kind("tasks"))
        return self.engine.bulk_index(pairs, target=target)

    def query(self, caller, filters, paging):
        """Return one page of the caller's visible dossiers matching the filters."""
        self.engine.ensure()
        body = queries.search_body(caller, filters, paging)
        if body["from"] + body["size"] > queries.MAX_WINDOW:
            return self._deep_page(body)
        answers = self.engine.msearch(queries.counted_apart(body))
        return queries.page_counted(answers)

    def _deep_page(self, body):
        total = self.engine.count(body={"query": body["query"]})
        if body["from"] >= total:
            return {"items": [], "total": total}
        raise InvalidFilter("Invalid filter", {"page": [detail("page_too_deep")]})

    def work_list(self, caller, filters, paging):
        """One page of the work list's tab and every tab's count, in one request."""
        self.engine.ensure()
        body = queries.work_list_body(caller, filters, paging)
        if body["from"] + body["size"] > queries.MAX_WINDOW:
            found = self._deep_page(queries.search_body(caller, filters, paging))
            return dict(found, tabs=self.count_tabs(caller, filters))
        return queries.read_work_list(self.engine.search(body))

    def count_tabs(self, caller, filters):
        """Return the work list's tabs with their counts."""
        self.engine.ensure()
        return queries.read_tabs(self.engine.search(queries.tabs_body(caller, filters)))

    def query_tasks(self, caller, filters, paging):
        """Return one page of the tasks the caller may see."""
        alias = self.engine.ensure_kind("tasks")
        body = queries.task_body(caller, filters, paging)
        return self._page(body, alias)

    def query_files(self, caller, filters, paging):
        """Return one page of the dossier files the caller may open."""
        alias = self.engine.ensure_kind("files")
        body = queries.file_body(caller, filters, paging)
        body["_source"] = {"excludes": list(mapping.FILE_UNLISTED)}
        return self._page(body, alias)

    def _page(self, body, alias):
        if body["from"] + body["size"] > queries.MAX_WINDOW:
            total = self.engine.count(index=alias, body={"query": body["query"]})
            if body["from"] >= total:
                return {"items": [], "total": total}
            raise InvalidFilter("Invalid filter", {"page": [detail("page_too_deep")]})
        return queries.page_of(self.engine.search(body, index=alias))

    # the national catalogue -----------------------------------------------------
    def index_procedure(self, payload, names=None):
        """Write a `procedure_changed` event's procedure unless a later change is
        indexed already (versioned by its `revision`); a withdrawn one is kept,
        marked, so a late older event cannot offer it again."""
        alias = self.engine.ensure_kind("procedures")
        withdrawn = payload["change"] == "withdrawn"
        doc = mapping.procedure_document(payload["procedure"], names, withdrawn)
        revision = int(payload["revision"])
        fresh = self.engine.index_document(doc, revision, target=alias)
        self.engine.index_while_building(doc, revision, kind="procedures")
        if fresh:
            self.written()
        return "indexed" if fresh else "stale"

    def bulk_procedures(self, entries, target, names=None):
        """Index many procedures (a rebuild) into `target`; return (ok, failed)."""
        pairs = [
            (mapping.procedure_document(e, names), int(e["revision"])) for e in entries
        ]
        return self.engine.bulk_index(pairs, target=target)

    def search_procedures(self, text, province, page, page_size):
        """One page of the offered procedures matching `text`, `province`'s first."""
        alias = self.engine.ensure_kind("procedures")
        body = procedures.search_body(text, province, page, page_size)
        return procedures.page_of(self.engine.search(body, index=alias))

    def aggregate(self, caller, filters, groups, interval, rows=None):
        """Return the dashboard groups over the caller's statistics scope; `rows`
        (page, page_size, sort) pages the long groups (`dashboards.PAGED`)."""
        self.engine.ensure()
        query = queries.bool_query(caller, filters, queries.stats_scope_clause)
        body = dashboards.dashboard_body(query, groups, interval, rows)
        return dashboards.read_dashboard(self.engine.search(body), groups, rows)

    def health(self):
        return self.engine.health()


def refresh_period(period, written, quiet, busy=mapping.REFRESH_INTERVAL):
    """The refresher's next wait: doubled (up to `busy`) after a period with
    writes, back to `quiet` after one without."""
    return min(period * 2, max(busy, quiet)) if written else quiet


class SearchIndex(DependencyProvider):
    """One engine client per service instance; a `DossierIndex` per worker.

    Indexing lag: a written document becomes searchable at the index's next refresh
    (every 1 s), so events waited 0–1 s. After an event handler writes, this
    instance asks for a refresh within `PORTAL_SEARCH_REFRESH_EVERY` seconds
    (debounced: at most one refresh per period however many events arrive), which
    keeps the lag near the period without a refresh per document.

    While writes keep coming the period doubles after each refresh, up to the
    index's own `refresh_interval` (`BUSY_PERIOD`), and falls back to the short one
    after a quiet period: ten refreshes a second of every index cost the engine
    more than the writes themselves (bench/README.md, the demo seed), and under
    such a stream a lag under a second buys nobody anything. One action on a quiet
    portal is still searchable within the short period.
    """

    BUSY_PERIOD = mapping.REFRESH_INTERVAL

    def setup(self):
        cfg = self.container.config
        self.url = cfg.get(settings.OPENSEARCH_URL.key, settings.OPENSEARCH_URL.default)
        self.prefix = cfg.get(settings.INDEX_PREFIX.key, "")
        self.timeout = float(cfg.get(settings.OPENSEARCH_TIMEOUT.key, 5))
        every = cfg.get(settings.REFRESH_EVERY.key, settings.REFRESH_EVERY.default)
        self.refresh_every = float(every)
        poll = cfg.get(settings.REBUILD_POLL.key, settings.REBUILD_POLL.default)
        self.rebuild_poll = float(poll)
        self.engine, self.dirty, self.running = None, False, False

    def start(self):
        self.engine = Engine(self.url, self.prefix, self.timeout, self.rebuild_poll)
        if self.refresh_every > 0:
            self.running = True
            self.container.spawn_managed_thread(self._refresher)

    def _written(self):
        self.dirty = True

    def _refresher(self):
        period = self.refresh_every
        while self.running:
            eventlet.sleep(period)
            period = refresh_period(
                period, self.dirty, self.refresh_every, self.BUSY_PERIOD
            )
            if not self.dirty:
                continue
            self.dirty = False
            try:
                self.engine.refresh_all()
            except Exception:  # noqa: BLE001 - the index's own refresh still runs
                log.warning("refresh after indexing failed", exc_info=True)

    def stop(self):
        self.running = False
        if self.engine is not None:
            self.engine.close()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        written = self._written if self.refresh_every > 0 else None
        return DossierIndex(self.engine, written)
