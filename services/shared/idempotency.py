"""Acting operations that run once per Idempotency-Key, even when their reply is lost.

The gateway puts the caller's key (already bound to the caller, a sha256 hex) in the
RPC context data as `idempotency_key`. An operation wrapped in `once` keeps its
result under (key, operation) in the transaction of its change: when the gateway gave
up waiting (503) but the change committed, the client's retry with the same key gets
that committed result back instead of acting a second time. A failed operation keeps
nothing (its transaction rolls back), so its retry runs again.

Results are kept for RETENTION (the gateway remembers keys for 24 h; a day more here
covers a retry that raced the gateway's expiry) and purged by `purge`.
"""

import datetime as dt

from kombu.utils import json as kombu_json
from nameko.extensions import DependencyProvider
from sqlalchemy import DateTime, String, Text, delete, select, text, tuple_
from sqlalchemy.orm import Mapped, mapped_column

from .clock import utcnow

RETENTION = dt.timedelta(hours=48)
CONTEXT_KEY = "idempotency_key"


class IdempotentResultMixin:
    """One kept result: which key, which operation, what it answered."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    operation: Mapped[str] = mapped_column(String(80), primary_key=True)
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


def create_table(op, name="idempotent_results"):
    """The table of IdempotentResultMixin (a service's migration calls this)."""
    import sqlalchemy as sa

    op.create_table(
        name,
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(80), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "operation", name=f"pk_{name}"),
    )
    op.create_index(f"ix_{name}_created_at", name, ["created_at"])


class IdempotencyKey(DependencyProvider):
    """The caller's Idempotency-Key of the call being served (None without one)."""

    def get_dependency(self, worker_ctx):
        value = worker_ctx.data.get(CONTEXT_KEY)
        return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def lock(session, key, operation):
    """Serialise runs of (key, operation) until the transaction ends.

    A retry that arrives while the first run still works waits for it, then finds
    its result.
    """
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
        {"k": f"{operation}:{key}"},
    )


def kept(session, model, key, operation):
    """The result kept for (key, operation), or None."""
    if not key:
        return None
    stored = session.execute(
        select(model.result).where(model.key == key, model.operation == operation)
    ).scalar()
    return None if stored is None else kombu_json.loads(stored)


def keep(session, model, key, operation, result):
    """Keep `result` for (key, operation) in the session's transaction."""
    if not key:
        return
    session.add(
        model(
            key=key,
            operation=operation,
            result=kombu_json.dumps(result),
            created_at=utcnow(),
        )
    )
    session.flush()


def once(session, model, key, operation, run):
    """`run()`'s result, or the one kept for (key, operation) by an earlier run."""
    if not key:
        return run()
    lock(session, key, operation)
    earlier = kept(session, model, key, operation)
    if earlier is not None:
        return earlier
    result = run()
    keep(session, model, key, operation, result)
    return result


def purge(session, model, now=None, batch=5000):
    """Delete kept results older than RETENTION (a bounded batch); return how many."""
    cutoff = (now or utcnow()) - RETENTION
    old = (
        select(model.key, model.operation)
        .where(model.created_at < cutoff)
        .limit(batch)
        .subquery()
    )
    doomed = select(old.c.key, old.c.operation)
    result = session.execute(
        delete(model).where(tuple_(model.key, model.operation).in_(doomed))
    )
    return result.rowcount
