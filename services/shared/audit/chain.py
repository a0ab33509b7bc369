"""The chain itself: the entry columns, their hash, appending and verifying."""

import datetime as dt
import functools
import hashlib
import json
import zlib
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..clock import utcnow
from ..config import database_url

GENESIS = "0" * 64
TABLE = "audit_log"
UNHASHED = ("id", "hash")


class AuditMixin:
    """Columns of every service's `audit_log` (accounts fills ip and actor_email)."""

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(254))
    ip: Mapped[str | None] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(2), index=True)
    agency: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical(fields):
    """Return the entry's columns (without id and hash) as one stable JSON text."""
    kept = {k: v for k, v in fields.items() if k not in UNHASHED}
    return json.dumps(
        kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )


def entry_hash(prev_hash, fields):
    """Return sha256(prev_hash + canonical JSON) as 64 hex digits."""
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


PENDING = "audit_pending"


def append(session, model, actor=None, action="", target=None, **columns):
    """Queue one entry for `model`'s chain; it is written when the session commits.

    `actor` is a caller dict (user_id, email, province, agency) or None; `columns`
    may set ip, province, agency and details. Chaining waits for the commit so that
    the lock serialising a database's appends is the last one a transaction takes
    and is held only for the insert: no deadlock with row locks, no long waits.
    """
    actor = actor or {}
    fields = {
        "at": utcnow(),
        "actor": actor.get("user_id"),
        "actor_email": actor.get("email"),
        "action": action,
        "target": None if target is None else str(target)[:254],
        "ip": columns.pop("ip", None),
        "province": columns.pop("province", actor.get("province")),
        "agency": columns.pop("agency", actor.get("agency")),
        "details": columns.pop("details", None) or {},
    }
    if columns:
        raise TypeError(f"unknown audit columns: {sorted(columns)}")
    session.info.setdefault(PENDING, []).append((model, fields))
    return fields


# listeners of every session (one per process): registering them on each session
# that audits cost more than the entry's hash
@event.listens_for(Session, "before_commit")
def _chain_pending(session):
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()  # every row lock of the transaction is taken before ours
    heads, rows = {}, {}
    for model, fields in pending:
        if model not in heads:
            heads[model] = _locked_head(session, model)
        fields["prev_hash"] = heads[model]
        heads[model] = entry_hash(fields["prev_hash"], fields)
        rows.setdefault(model, []).append(dict(fields, hash=heads[model]))
    for model, entries in rows.items():
        # Core: nothing reads the entries back as objects, and the ORM's insert
        # path cost more than the hashing
        session.execute(insert(model.__table__), entries)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session):
    session.info.pop(PENDING, None)


def _locked_head(session, model):
    """Take the chain's lock (until commit) and return the newest entry's hash."""
    key = zlib.crc32(f"audit:{model.__tablename__}".encode())
    prev = session.execute(_head_statement(model.__tablename__), {"k": key}).scalar()
    return prev or GENESIS


@functools.cache
def _head_statement(table):
    """The lock and the head read in one round trip: two statements in one query
    string (psycopg2 sends it as one simple query). Each statement takes its own
    snapshot (READ COMMITTED), so the read sees every entry committed before the
    lock was granted; one statement that did both would read with a snapshot taken
    before it waited for the lock, and chain onto a stale head."""
    return text(
        "SELECT pg_advisory_xact_lock(:k);"
        f" SELECT hash FROM {table} ORDER BY id DESC LIMIT 1"
    )


class Verdict(NamedTuple):
    """What a check found: good entries, the first broken one, the head, the anchor."""

    count: int
    broken: int | None
    head: str
    anchored: bool


def verify_rows(rows, anchor=None):
    """Check rows in id order; `anchor` is a head hash noted earlier, to find again.

    A chain cut after the anchor would still be consistent; finding the anchor
    among the good entries shows that nothing before it was lost.
    """
    prev, count, seen = GENESIS, 0, anchor is None
    for row in rows:
        fields = dict(row)
        if fields["prev_hash"] != prev or fields["hash"] != entry_hash(prev, fields):
            return Verdict(count, fields["id"], prev, seen)
        prev, count = fields["hash"], count + 1
        seen = seen or prev == anchor
    return Verdict(count, None, prev, seen)


def verify(connection, table_name=TABLE, anchor=None):
    """Check the chain of `table_name` over `connection` (see verify_rows)."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    result = connection.execution_options(yield_per=1000).execute(
        select(table).order_by(table.c.id)
    )
    return verify_rows((row._mapping for row in result), anchor)


def verify_service(service_name, anchor=None, environ=None):
    """Verify the chain of one service's database; return its Verdict."""
    engine = create_engine(database_url(service_name, environ))
    try:
        with engine.connect() as conn:
            return verify(conn, anchor=anchor)
    finally:
        engine.dispose()
