"""The search-engine adapter: the only module that talks to OpenSearch.

Everything above it speaks intents (index a dossier, run a query, switch the alias);
an Elasticsearch cluster could be plugged in by rewriting this module alone.
Connection failures become `SearchUnavailable` (503) so callers never see a client
library's exception.
"""

import functools
import logging
import re
import time

from opensearchpy import OpenSearch, helpers
from opensearchpy import exceptions as os_exc

from . import mapping
from .exceptions import SearchUnavailable

log = logging.getLogger(__name__)

UNAVAILABLE_STATUSES = {"N/A", 502, 503, 504, 429}
# creating an index waits for the cluster state to be published, which a busy
# cluster takes longer than a search's timeout over (seen: > 5 s on a loaded node)
CREATE_TIMEOUT = 30


def _unavailable(exc):
    if isinstance(exc, os_exc.ConnectionError):
        return True
    return isinstance(exc, os_exc.TransportError) and (
        exc.status_code in UNAVAILABLE_STATUSES
    )


def _status(item):
    """The status of one bulk answer item ({op_type: {status, ...}})."""
    return next(iter(item.values()), {}).get("status")


def guarded(fn):
    """Turn an unreachable engine into SearchUnavailable."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except os_exc.TransportError as exc:
            if _unavailable(exc):
                log.warning("engine unavailable: %s", str(exc.info)[:500])
                raise SearchUnavailable(
                    "Search is temporarily unavailable",
                    {"engine": [type(exc).__name__]},
                ) from exc
            raise

    return wrapper


# Set a dossier's part on a document copying it unless it holds a newer version (a
# document without one: written before versions, or of a draft never indexed).
FOLLOW = (
    "def held = ctx._source.dossier_version;"
    " if (held != null && held >= params.v) { ctx.op = 'noop'; }"
    " else { for (e in params.f.entrySet()) { ctx._source[e.getKey()] = e.getValue(); }"
    " ctx._source.dossier_version = params.v; }"
)


def _follow_script(part, version):
    params = {"f": part, "v": int(version)}
    return {"lang": "painless", "source": FOLLOW, "params": params}


def _versioned(target, doc, version):
    """The `_bulk` lines writing `doc` to the alias `target` with an external
    version (never auto-creating an index under a missing alias)."""
    action = {
        "_index": target,
        "_id": doc["id"],
        "version": version,
        "version_type": "external",
        "require_alias": True,
    }
    return [{"index": action}, doc]


class Engine:
    """The dossiers index of one deployment (`{prefix}dossiers` alias)."""

    def __init__(self, url, prefix="", timeout=5.0, rebuild_poll=2.0):
        # `url` may list several nodes ("http://a:9200,http://b:9200"): a request that
        # cannot reach one node is tried once on each other node before it fails.
        hosts = [host.strip() for host in url.split(",") if host.strip()]
        self.client = OpenSearch(
            hosts,
            timeout=timeout,
            max_retries=len(hosts) - 1,
            retry_on_timeout=False,
            maxsize=25,
        )
        self.alias = f"{prefix}dossiers"
        self.building_alias = f"{prefix}dossiers-rebuilding"
        self.prefix = prefix
        self._ready = False
        # the task, file and procedure indexes, each behind its own alias
        # (`{prefix}tasks`...)
        kinds = ("tasks", "files", "procedures")
        self.aliases = {kind: f"{prefix}{kind}" for kind in kinds}
        self._kinds_ready = set()
        self._filled = set()  # kinds whose index is known filled from its source
        # kind -> (an index of it is being rebuilt, monotonic time it was asked)
        self.rebuild_poll = float(rebuild_poll)
        self._building = {}

    def close(self):
        self.client.close()

    # index lifecycle ------------------------------------------------------------
    def index_name(self, number):
        return f"{self.alias}-v{number}"

    @guarded
    def ensure(self):
        """Create `dossiers-v1` behind the alias unless the alias already exists."""
        if self._ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            body = mapping.index_body()
            body["aliases"] = {self.alias: {}}
            try:
                self.client.indices.create(
                    index=self.index_name(1), body=body, request_timeout=CREATE_TIMEOUT
                )
            except os_exc.RequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
            # another instance may have just created it: wait for its primary shard
            self.client.cluster.health(
                index=self.index_name(1),
                params={
                    "wait_for_status": "yellow",
                    "wait_for_no_initializing_shards": "true",
                    "wait_for_events": "languid",
                    "timeout": "10s",
                },
                request_timeout=12,
            )
        else:
            self._add_new_fields()
        self._ready = True

    @guarded
    def ensure_kind(self, kind):
        """Create the `tasks`, `files` or `procedures` index behind its alias
        unless it exists."""
        if kind in self._kinds_ready:
            return self.aliases[kind]
        alias = self.aliases[kind]
        target = f"{alias}-v1"
        if not self.client.indices.exists_alias(name=alias):
            body = mapping.index_body(kind=kind)
            body["aliases"] = {alias: {}}
            try:
                self.client.indices.create(
                    index=target, body=body, request_timeout=CREATE_TIMEOUT
                )
            except os_exc.RequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        else:  # after a rebuild the alias points at a later version
            target = self.current_index(kind) or target
            if kind in mapping.DOSSIER_COPIES:
                # the fields copied since v1 (the receiving agency...) added
                props = mapping.INDEXES[kind]
                added = {name: props[name] for name in mapping.DOSSIER_COPIES[kind]}
                body = {"properties": added}
                self.client.indices.put_mapping(index=alias, body=body)
        # another instance (or worker) may have just created it: wait for its shard
        self._wait_for(target)
        self._kinds_ready.add(kind)
        return alias

    def _wait_for(self, index):
        self.client.cluster.health(
            index=index,
            params={
                "wait_for_status": "yellow",
                "wait_for_no_initializing_shards": "true",
                "wait_for_events": "languid",
                "timeout": "10s",
            },
            request_timeout=12,
        )

    @guarded
    def is_filled(self, kind):
        """Whether the kind's live index was filled from its source (a rebuild, or
        the catch-up at start): `_meta.filled` in its mapping, known once seen."""
        if kind not in self._filled:
            found = self.client.indices.get_mapping(index=self.aliases[kind])
            metas = [m["mappings"].get("_meta") or {} for m in found.values()]
            if metas and all(meta.get("filled") for meta in metas):
                self._filled.add(kind)
        return kind in self._filled

    def known_filled(self, kind):
        """Whether this instance saw the kind's index filled (no request)."""
        return kind in self._filled

    @guarded
    def mark_filled(self, kind, index=None):
        """Record in the index's mapping (`index`, else the kind's live one) that it
        holds everything its source had when it was filled."""
        target = index or self.aliases[kind]
        self.client.indices.put_mapping(index=target, body={"_meta": {"filled": True}})
        if index is None:
            self._filled.add(kind)

    @guarded
    def follow_dossier(self, alias, dossier_id, part, version, tries=5):
        """Set a dossier's `part` (of its `version`) on its documents in `alias`,
        on each only if it holds an older version (`FOLLOW`). A document changed
        between the update's search and its write (another event's update, at
        once) is a conflict, skipped: the alias is refreshed (so the search reads
        the change) and the update run again, at most `tries` times."""
        body = {
            "query": {"term": {"dossier_id": dossier_id}},
            "script": _follow_script(part, version),
        }
        for attempt in range(tries):
            answer = self.client.update_by_query(
                index=alias,
                body=body,
                params={"conflicts": "proceed", "refresh": "false"},
            )
            if not answer.get("version_conflicts"):
                return
            if attempt < tries - 1:
                self.client.indices.refresh(index=alias)
        log.error("dossier %s: its part not set on %s (conflicts)", dossier_id, alias)

    @guarded
    def follow_dossier_on(self, alias, doc_id, part, version):
        """`follow_dossier` on one document, by id (read and written at once: no
        refresh needed, a concurrent write retried by the engine)."""
        try:
            self.client.update(
                index=alias,
                id=doc_id,
                body={"script": _follow_script(part, version)},
                params={"retry_on_conflict": 5},
            )
        except os_exc.NotFoundError:
            pass  # deleted since

    def _add_new_fields(self):
        props = {name: mapping.PROPERTIES[name] for name in mapping.ADDED_FIELDS}
        self.client.indices.put_mapping(index=self.alias, body={"properties": props})

    @guarded
    def alias_of(self, kind="dossiers"):
        return self.alias if kind == "dossiers" else self.aliases[kind]

    def building_alias_of(self, kind="dossiers"):
        """The alias an index being rebuilt is written through as well."""
        return f"{self.alias_of(kind)}-rebuilding"

    @guarded
    def building(self, kind="dossiers"):
        """Whether an index of `kind` is being rebuilt, as the engine answered at
        most `rebuild_poll` seconds ago: events ask it, the engine is asked once a
        period. A rebuild waits that long before reading its source
        (`wait_for_writers`), so an event whose write skipped the new index was
        committed before the rebuild read it."""
        seen = self._building.get(kind)
        now = time.monotonic()  # taken before asking: the answer is at least as new
        if seen is None or now - seen[1] >= self.rebuild_poll:
            alias = self.building_alias_of(kind)
            seen = self._building[kind] = (
                bool(self.client.indices.exists_alias(name=alias)),
                now,
            )
        return seen[0]

    def wait_for_writers(self):
        """Let every instance see a rebuild that just began (`building`)."""
        time.sleep(self.rebuild_poll)

    @guarded
    def current_index(self, kind="dossiers"):
        """Return the concrete index the alias points at (None when missing)."""
        try:
            found = self.client.indices.get_alias(name=self.alias_of(kind))
        except os_exc.NotFoundError:
            return None
        return sorted(found, key=lambda n: int(re.search(r"(\d+)$", n).group(1)))[-1]

    @guarded
    def create_index(self, name, building=False, kind="dossiers"):
        body = mapping.index_body(kind=kind)
        if building:
            body["aliases"] = {self.building_alias_of(kind): {}}
        # bulk loads go faster without refreshes; restored in finish_index
        body["settings"]["refresh_interval"] = "-1"
        self.client.indices.create(
            index=name, body=body, request_timeout=CREATE_TIMEOUT
        )
        if building:
            self._building[kind] = (True, time.monotonic())

    @guarded
    def finish_index(self, name):
        interval = f"{mapping.REFRESH_INTERVAL:g}s"
        self.client.indices.put_settings(
            index=name, body={"index": {"refresh_interval": interval}}
        )
        self.client.indices.refresh(index=name)

    @guarded
    def switch_alias(self, old, new, kind="dossiers"):
        """Point the alias at `new` in one atomic `_aliases` call."""
        alias, building = self.alias_of(kind), self.building_alias_of(kind)
        actions = [{"add": {"index": new, "alias": alias}}]
        actions.append({"remove": {"index": new, "alias": building}})
        if old:
            actions.insert(0, {"remove": {"index": old, "alias": alias}})
        self.client.indices.update_aliases(body={"actions": actions})
        if kind == "dossiers":
            self._ready = True
        else:
            self._kinds_ready.add(kind)

    @guarded
    def delete_index(self, name):
        self.client.indices.delete(index=name, ignore_unavailable=True)

    @guarded
    def refresh(self, name=None):
        self.client.indices.refresh(index=name or self.alias)

    @guarded
    def refresh_all(self):
        """Refresh the indexes this instance has written to (the procedures may be
        the only one of a new deployment)."""
        names = [self.aliases[k] for k in sorted(self._kinds_ready)]
        names += [self.alias] if self._ready else []
        if names:
            self.client.indices.refresh(index=",".join(names))

    # writes ---------------------------------------------------------------------
    @guarded
    def index_document(self, doc, version, target=None):
        """Write one document with an external version; False when it was stale."""
        try:
            self.client.index(
                index=target or self.alias,
                id=doc["id"],
                body=doc,
                version=version,
                version_type="external",
                require_alias=True,  # never auto-create an index under the alias
            )
        except os_exc.ConflictError:
            return False
        return True

    @guarded
    def write_dossier(self, doc, version, tasks=()):
        """A dossier event's writes in one `_bulk`: the dossier (external version),
        its copy to an index being rebuilt (when `building`), its (task, version)
        pairs. False when the dossier's own write was stale (409). The rebuild's
        copy may find its alias gone (the rebuild just ended: 404, nothing to do);
        a task's error is logged, as the tasks' bulk writes do."""
        targets = [self.alias] + ([self.building_alias] if self.building() else [])
        lines = [line for t in targets for line in _versioned(t, doc, version)]
        tasks_alias = self.aliases["tasks"]
        for task, task_version in tasks:
            lines += _versioned(tasks_alias, task, task_version)
        items = [item["index"] for item in self.client.bulk(body=lines)["items"]]
        fresh = items[0]["status"] != 409
        for number, item in enumerate(items):
            status = item["status"]
            if status < 300 or status == 409:
                continue
            if number >= len(targets):
                log.error("task %s not indexed: %s", item["_id"], item.get("error"))
            elif not (number and status == 404):
                error = item.get("error") or {}
                kind = os_exc.HTTP_EXCEPTIONS.get(status, os_exc.TransportError)
                raise kind(status, error.get("type", "error"), error)
        return fresh

    @guarded
    def put(self, doc, target, refresh=None):
        """Write one unversioned document (a file: its metadata never changes);
        `refresh="wait_for"` returns once searches find it."""
        params = {"refresh": refresh} if refresh else {}
        self.client.index(
            index=target, id=doc["id"], body=doc, require_alias=True, params=params
        )

    @guarded
    def put_while_building(self, doc, kind):
        """Also write an unversioned document to its kind's index being rebuilt."""
        if not self.building(kind):
            return
        try:
            self.put(doc, self.building_alias_of(kind))
        except os_exc.NotFoundError:
            pass  # no rebuild going on

    @guarded
    def bulk_put(self, docs, target, chunk_size=1000):
        """Bulk-write unversioned documents (files) into `target`; (ok, failed)."""
        actions = ({"_index": target, "_id": d["id"], "_source": d} for d in docs)
        ok, errors = helpers.bulk(
            self.client, actions, raise_on_error=False, chunk_size=chunk_size
        )
        if errors:
            log.error("bulk put: %d documents failed: %s", len(errors), errors[:3])
        return ok, len(errors)

    @guarded
    def delete_ids(self, ids, kind):
        """Delete documents by id from a kind's index and its rebuild, if any."""
        targets = [self.alias_of(kind), self.building_alias_of(kind)]
        self.client.delete_by_query(
            index=",".join(targets),
            body={"query": {"ids": {"values": list(ids)}}},
            params={"conflicts": "proceed", "ignore_unavailable": "true"},
        )

    @guarded
    def mget_sources(self, ids, index=None):
        """{id: _source} of the documents found among `ids`."""
        if not ids:
            return {}
        found = self.client.mget(index=index or self.alias, body={"ids": list(ids)})
        return {d["_id"]: d["_source"] for d in found["docs"] if d.get("found")}

    @guarded
    def index_while_building(self, doc, version, kind="dossiers"):
        """Also write to an index being rebuilt, if any (so no change is missed)."""
        if not self.building(kind):
            return None
        try:
            target = self.building_alias_of(kind)
            return self.index_document(doc, version, target=target)
        except os_exc.NotFoundError:
            return None

    @guarded
    def bulk_index(self, docs, target=None, chunk_size=1000):
        """Bulk-write (doc, version) pairs; stale versions are skipped, not errors."""
        actions = (
            {
                "_index": target or self.alias,
                "_id": doc["id"],
                "_version": version,
                "_version_type": "external",
                "_source": doc,
            }
            for doc, version in docs
        )
        ok, errors = helpers.bulk(
            self.client,
            actions,
            raise_on_error=False,
            ignore_status=(409,),
            chunk_size=chunk_size,
        )
        # a 409 is a stale write (a newer version is indexed), not a failure: the
        # helper still lists it when it does not raise
        errors = [e for e in errors if _status(e) != 409]
        if errors:
            log.error("bulk indexing: %d documents failed: %s", len(errors), errors[:3])
        return ok, len(errors)

    # reads ----------------------------------------------------------------------
    @guarded
    def search(self, body, index=None):
        return self.client.search(index=index or self.alias, body=body)

    @guarded
    def msearch(self, bodies, index=None):
        """Several searches in one round trip: their answers in order (an item the
        engine refused raises as that search alone would have)."""
        index = index or self.alias
        lines = [line for body in bodies for line in ({"index": index}, body)]
        answers = self.client.msearch(body=lines)["responses"]
        for answer in answers:
            if "error" in answer:
                status, error = answer.get("status", 500), answer["error"]
                kind = os_exc.HTTP_EXCEPTIONS.get(status, os_exc.TransportError)
                raise kind(status, error.get("type", "error"), error)
        return answers

    @guarded
    def count(self, index=None, body=None):
        return self.client.count(index=index or self.alias, body=body)["count"]

    @guarded
    def get(self, doc_id, index=None):
        try:
            return self.client.get(index=index or self.alias, id=doc_id)
        except os_exc.NotFoundError:
            return None

    def health(self):
        """Return "ok" when the cluster answers green/yellow, else the error text."""
        try:
            state = self.client.cluster.health(request_timeout=3)["status"]
        except os_exc.TransportError as exc:
            return f"error: {type(exc).__name__}"
        return "ok" if state in ("green", "yellow") else f"error: cluster {state}"
