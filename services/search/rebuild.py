"""Rebuild the dossiers, files and procedures indexes from their services, then
switch aliases.

`python -m services.search.rebuild` (with `. deploy/local/env.sh`) builds
`dossiers-v{N+1}` from `dossiers.list_for_index` (with the dossiers' tasks), checks
its count against the source, points the alias at it in one atomic call and deletes
the old index; then the same for the files index (`files-v{N+1}` from
`files.list_for_index`: every stored dossier file, with its dossier's part read from
the new dossiers index), so a deleted file is gone after a rebuild; then the
national catalogue (`procedures-v{N+1}` from `dossiers.list_procedures_for_index`,
the procedures offered now, their agencies named by accounts). `--check` only
compares counts. While each runs, event handlers also write to the new index (through
the `…-rebuilding` alias), so no change made during the rebuild is lost: an instance
looks at that alias once every `PORTAL_SEARCH_REBUILD_POLL` seconds, and a rebuild
waits as long after creating it before reading its source, so an event written
before its instance saw the rebuild was committed before the source was read; external
versions keep a dossier's newest state whichever write lands last, and a file's
document never changes.
"""

import argparse
import json
import logging
import re
import sys

from services.shared.caller import SYSTEM

from .exceptions import RebuildFailed

log = logging.getLogger(__name__)


def pages(source, batch):
    """Yield lists of indexable snapshots from `source(after, limit)` until done.

    `after` is the last item's `internal_id` (the paging key of dossiers and files).
    """
    after = None
    while True:
        snapshots = source(after, batch)
        if not snapshots:
            return
        # drafts are private to their author until submitted: never indexed
        yield [s for s in snapshots if s.get("status") != "draft"]
        if len(snapshots) < batch:
            return
        last = snapshots[-1]
        # the procedures' entries have no `id`: never read it when not needed
        after = last["internal_id"] if "internal_id" in last else last["id"]


def next_index(engine):
    """Return (current index or None, name of the next versioned index)."""
    current = engine.current_index()
    number = int(re.search(r"-v(\d+)$", current).group(1)) if current else 0
    return current, engine.index_name(number + 1)


def rebuild(index, source, batch=500):
    """Build a new index from `source`, verify it, switch the alias; return a report."""
    engine = index.engine
    current, new = next_index(engine)
    engine.delete_index(new)  # a leftover of an interrupted rebuild
    engine.create_index(new, building=True)
    engine.wait_for_writers()  # from now on every event writes to `new` as well
    seen = failed = 0
    try:
        for snapshots in pages(source, batch):
            seen += len(snapshots)
            failed += index.bulk_index(snapshots, target=new)[1]
        engine.finish_index(new)
        indexed = engine.count(index=new)
        if failed or indexed < seen:
            raise RebuildFailed(
                "Rebuilt index does not match its source",
                {"count": [f"source {seen}, indexed {indexed}, failed {failed}"]},
            )
    except Exception:
        engine.delete_index(new)
        raise
    engine.switch_alias(current, new)
    if current:
        engine.delete_index(current)
    log.info("rebuilt %s from %d dossiers (was %s)", new, seen, current)
    return {"index": new, "previous": current, "source": seen, "indexed": indexed}


def rebuild_kind(index, kind, source, write, batch=500, filled=False):
    """Build a new `kind` index (files, procedures) from `source`, each page
    written by `write(items, target)` → (ok, failed); verify it, switch its alias.
    `filled`: mark the new index as holding its source (`fill_procedures` then
    leaves it alone)."""
    engine = index.engine
    alias = engine.ensure_kind(kind)
    current = engine.current_index(kind)
    number = int(re.search(r"-v(\d+)$", current).group(1)) if current else 0
    new = f"{alias}-v{number + 1}"
    engine.delete_index(new)  # a leftover of an interrupted rebuild
    engine.create_index(new, building=True, kind=kind)
    engine.wait_for_writers()
    seen = failed = 0
    try:
        for items in pages(source, batch):  # neither has a status: all kept
            seen += len(items)
            failed += write(items, new)[1]
        engine.finish_index(new)
        indexed = engine.count(index=new)
        if failed or indexed < seen:
            raise RebuildFailed(
                f"Rebuilt {kind} index does not match its source",
                {"count": [f"source {seen}, indexed {indexed}, failed {failed}"]},
            )
        if filled:
            engine.mark_filled(kind, new)
    except Exception:
        engine.delete_index(new)
        raise
    engine.switch_alias(current, new, kind=kind)
    if current:
        engine.delete_index(current)
    log.info("rebuilt %s from %d %s (was %s)", new, seen, kind, current)
    return {"index": new, "previous": current, "source": seen, "indexed": indexed}


def rebuild_files(index, source, batch=500):
    """Every stored dossier file, with its dossier's part from the dossiers index."""
    return rebuild_kind(index, "files", source, index.bulk_files, batch)


def rebuild_procedures(index, source, agency_names, batch=500):
    """Every procedure offered now; `agency_names(codes)` → {code: name}."""

    write = procedure_writer(index, agency_names)
    return rebuild_kind(index, "procedures", source, write, batch, filled=True)


def procedure_writer(index, agency_names):
    """`write(entries, target)` → (ok, failed), the agencies named."""

    def write(entries, target):
        codes = {code for entry in entries for code in entry["agencies"]}
        return index.bulk_procedures(entries, target, agency_names(codes))

    return write


def fill_procedures(index, source, agency_names, batch=500):
    """Fill the live national catalogue index from `source` unless it was filled
    already (a rebuild's or an earlier fill's `_meta.filled`); the report, or None.

    Written in place with each procedure's `revision` as external version, like
    the `procedure_changed` handler: an event's newer write wins whichever lands
    last, a withdrawn procedure's newer document is kept, and two instances
    filling at once write the same documents (the second's are swallowed 409s).
    Only a complete fill is marked: anything failing leaves it to the next try.
    """
    engine = index.engine
    alias = engine.ensure_kind("procedures")
    if engine.is_filled("procedures"):
        return None
    write, seen, failed = procedure_writer(index, agency_names), 0, 0
    for entries in pages(source, batch):
        seen += len(entries)
        failed += write(entries, alias)[1]
    if failed:
        raise RebuildFailed(
            "The procedures index was not filled",
            {"count": [f"source {seen}, failed {failed}"]},
        )
    engine.mark_filled("procedures")
    log.info("filled %s from %d procedures", alias, seen)
    return {"index": alias, "source": seen}


def rebuild_all(index, dossiers, files, procedures=None, agency_names=None, batch=500):
    """Every index, dossiers first (the files copy their dossier's part from it);
    the national catalogue too when its source is given."""
    report = rebuild(index, dossiers, batch)
    report["files"] = rebuild_files(index, files, batch)
    if procedures is not None:
        names = agency_names or (lambda codes: {})
        report["procedures"] = rebuild_procedures(index, procedures, names, batch)
    return report


def check(index, source, batch=500):
    """Compare the number of indexed dossiers with the source's."""
    seen = sum(len(snapshots) for snapshots in pages(source, batch))
    index.engine.ensure()
    index.engine.refresh()
    indexed = index.engine.count()
    return {"source": seen, "indexed": indexed, "consistent": seen == indexed}


# Two sources, each naming its peer: contracts.yaml reads who calls what from the code.
def rpc_source(dossiers):
    """A source reading `dossiers.list_for_index` as the system caller."""

    def fetch(after, limit):
        return dossiers.list_for_index(SYSTEM, after=after, limit=limit)

    return fetch


def procedures_source(dossiers):
    """A source reading `dossiers.list_procedures_for_index` as the system."""

    def fetch(after, limit):
        return dossiers.list_procedures_for_index(SYSTEM, after=after, limit=limit)

    return fetch


def files_source(files):
    """A source reading `files.list_for_index` as the system caller."""

    def fetch(after, limit):
        return files.list_for_index(SYSTEM, after=after, limit=limit)

    return fetch


def agency_names(accounts):
    """{code: name} of agency codes (accounts `get_agency`; an unknown one none)."""
    from services.shared.errors import ServiceError

    known = {}  # one look-up per agency for the whole rebuild

    def names(codes):
        for code in set(codes) - set(known):
            try:
                known[code] = accounts.get_agency(SYSTEM, code).get("name")
            except ServiceError as exc:
                if exc.status >= 500:
                    raise  # accounts down: the rebuild fails, the alias stays
                known[code] = None
        return {code: known[code] for code in codes}

    return names


def main(argv=None):
    from nameko.standalone.rpc import ClusterRpcProxy

    from services.shared import config
    from services.shared.peers import PeerClient

    from . import settings
    from .dependencies import DossierIndex
    from .engine import Engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare counts")
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args(argv)
    cfg = config.nameko_config(settings.SETTINGS)
    engine = Engine(
        cfg[settings.OPENSEARCH_URL.key],
        cfg[settings.INDEX_PREFIX.key],
        timeout=60,
        rebuild_poll=cfg[settings.REBUILD_POLL.key],
    )
    amqp = {"AMQP_URI": cfg["AMQP_URI"], "serializer": "json"}
    with ClusterRpcProxy(amqp, timeout=120) as cluster:
        # the same contract dump and error mapping as every other call to dossiers
        dossiers = PeerClient("dossiers", cluster.dossiers, timeout=120)
        source = rpc_source(dossiers)
        if args.check:
            report = check(DossierIndex(engine), source, args.batch)
        else:
            files = files_source(PeerClient("files", cluster.files, timeout=120))
            accounts = PeerClient("accounts", cluster.accounts, timeout=120)
            report = rebuild_all(
                DossierIndex(engine), source, files, procedures_source(dossiers),
                agency_names(accounts), batch=args.batch,
            )  # fmt: skip
    print(json.dumps(report))
    return 0 if report.get("consistent", True) else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sys.exit(main())
