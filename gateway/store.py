"""The gateway's own small database: idempotency keys and rate-limit counters.

Several gateway instances serve the same API, so what they must agree on (a key's
first answer, a caller's budget) lives in PostgreSQL, never in one process's memory.
The database is migrated at start like a service's (`gateway/migrations`), under the
same `PORTAL_DB_PREFIX`. Every clock reading is the database's `now()`, so instances
with drifting clocks still agree on windows and expiry.
"""

import logging
import math
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.shared import migrate
from services.shared.config import database_url
from services.shared.database import NAMING

log = logging.getLogger(__name__)

metadata = sa.MetaData(naming_convention=NAMING)
Timestamp = sa.DateTime(timezone=True)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("scope", sa.String(120), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    # "running" while the first request is served, "done" once its answer is kept.
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("status", sa.Integer(), nullable=True),
    sa.Column("headers", sa.JSON(), nullable=True),
    sa.Column("body", sa.LargeBinary(), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False, index=True),
    # A running claim older than this was left by a crashed instance: taken over.
    sa.Column("locked_until", Timestamp, nullable=False),
)

rate_counters = sa.Table(
    "rate_counters",
    metadata,
    sa.Column("identity", sa.String(160), primary_key=True),
    sa.Column("window_start", Timestamp, primary_key=True, index=True),
    sa.Column("hits", sa.Integer(), nullable=False),
    # positions the last reservation took (gateway/leases.py)
    sa.Column("granted", sa.Integer(), nullable=False, server_default="1"),
)

NOW = sa.func.now()


# The rate limit's upsert: reserve up to :want positions of the window's count, never
# more than a tenth (:share) of what is left (at least one: the request itself), and
# return the last position and how many were taken. As text: SQLAlchemy never caches
# the compiled form of its PostgreSQL `insert` (`inherit_cache = False`), so built
# with it the statement was compiled again on each request (bench/README.md, core).
RESERVE = sa.text(
    """
    INSERT INTO rate_counters AS c (identity, window_start, hits, granted)
    VALUES (:identity,
            to_timestamp(floor(extract(epoch FROM now()) / :window) * :window),
            least(:want, greatest(1, :limit / :share)),
            least(:want, greatest(1, :limit / :share)))
    ON CONFLICT (identity, window_start) DO UPDATE
        SET hits = c.hits + least(:want, greatest(1, (:limit - c.hits) / :share)),
            granted = least(:want, greatest(1, (:limit - c.hits) / :share))
    RETURNING hits, granted,
              extract(epoch FROM window_start) + :window - extract(epoch FROM now())
                  AS seconds_left
    """
)


def seconds(n):
    return sa.text(f"interval '{int(n)} seconds'")


@dataclass(frozen=True)
class Claim:
    """What `claim` found: "new" (go on), "done", "running" or "mismatch"."""

    outcome: str
    status: int = None
    headers: dict = None
    body: bytes = None


class GatewayStore:
    """Transactions on the gateway database (one pooled engine per process)."""

    def __init__(self, url, pool_size=8):
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, pool_size=pool_size, max_overflow=8
        )
        # Counting is one autocommitted statement that does not wait for the WAL
        # flush: a count lost in a crash costs nothing, the flush on every request
        # would be most of its time. No pre-ping either (a second round trip): a
        # dropped connection fails one count, which is let through, and is replaced.
        self.counter_engine = sa.create_engine(
            url,
            pool_size=pool_size,
            max_overflow=8,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": "-c synchronous_commit=off"},
        )
        self._next_cleanup = 0.0
        # Counters older than this are gone; the rate limiter raises it to cover
        # two of its windows.
        self.counter_age = 3600

    # --- idempotency ---------------------------------------------------------------
    def claim(self, scope, key, fingerprint, ttl, lease):
        """Take (scope, key) for a new request, or say what holds it already."""
        row_key = (idempotency_keys.c.scope == scope) & (idempotency_keys.c.key == key)
        fresh = {
            "fingerprint": fingerprint,
            "state": "running",
            "status": None,
            "headers": None,
            "body": None,
            "created_at": NOW,
            "expires_at": NOW + seconds(ttl),
            "locked_until": NOW + seconds(lease),
        }
        with self.engine.begin() as conn:
            inserted = conn.execute(
                insert(idempotency_keys)
                .values(scope=scope, key=key, **fresh)
                .on_conflict_do_nothing()
                .returning(idempotency_keys.c.key)
            ).first()
            if inserted:
                return Claim("new")
            row = conn.execute(
                sa.select(
                    idempotency_keys,
                    (idempotency_keys.c.expires_at < NOW).label("expired"),
                    (idempotency_keys.c.locked_until < NOW).label("stale"),
                )
                .where(row_key)
                .with_for_update()
            ).first()
            if row is None:  # removed by a cleanup since the insert: try later
                return Claim("running")
            taken_over = row.expired or (row.state == "running" and row.stale)
            if taken_over and (row.expired or row.fingerprint == fingerprint):
                # An expired key is a new key; a claim whose instance died is free.
                conn.execute(idempotency_keys.update().where(row_key).values(**fresh))
                return Claim("new")
            if row.fingerprint != fingerprint:
                return Claim("mismatch")
            if row.state == "done":
                return Claim("done", row.status, row.headers, row.body)
            return Claim("running")

    def finish(self, scope, key, status, headers, body):
        """Keep the first answer of (scope, key) for its replays."""
        with self.engine.begin() as conn:
            conn.execute(
                idempotency_keys.update()
                .where(
                    (idempotency_keys.c.scope == scope)
                    & (idempotency_keys.c.key == key)
                )
                .values(state="done", status=status, headers=headers, body=body)
            )

    def release(self, scope, key):
        """Forget a running claim (its answer is not kept: the next try runs again)."""
        with self.engine.begin() as conn:
            conn.execute(
                idempotency_keys.delete().where(
                    (idempotency_keys.c.scope == scope)
                    & (idempotency_keys.c.key == key)
                    & (idempotency_keys.c.state == "running")
                )
            )

    # --- rate limits ------------------------------------------------------------------
    def reserve(self, identity, window, limit, want=1, share=10):
        """Take up to `want` positions of `identity`'s count in the current fixed
        window (fewer near `limit`, at least one).

        Returns (last position taken, how many, seconds until the window ends). One
        upsert: its row lock makes concurrent instances take distinct positions.
        """
        params = {"identity": identity, "window": window, "limit": limit}
        params.update(want=max(1, int(want)), share=share)
        with self.counter_engine.connect() as conn:
            row = conn.execute(RESERVE, params).one()
        return row.hits, row.granted, float(row.seconds_left)

    def hit(self, identity, window):
        """Count one request: (hits so far in the window, seconds until it ends)."""
        hits, _, left = self.reserve(identity, window, 1)
        return hits, max(1, math.ceil(left))

    # --- housekeeping -----------------------------------------------------------------
    def cleanup(self, counter_age=None, batch=5000):
        """Delete expired keys and old counters, a bounded batch of each."""
        counter_age = counter_age or self.counter_age
        with self.engine.begin() as conn:
            for table, old in (
                (idempotency_keys, idempotency_keys.c.expires_at < NOW),
                (
                    rate_counters,
                    rate_counters.c.window_start < NOW - seconds(counter_age),
                ),
            ):
                doomed = sa.select(sa.literal_column("ctid")).select_from(table)
                doomed = doomed.where(old).limit(batch).scalar_subquery()
                conn.execute(
                    table.delete().where(sa.literal_column("ctid").in_(doomed))
                )

    def maybe_cleanup(self, every=60.0):
        """Run `cleanup` at most once per `every` seconds in this process."""
        now = time.monotonic()
        if now < self._next_cleanup:
            return
        self._next_cleanup = now + every
        try:
            self.cleanup()
        except Exception:  # noqa: BLE001 - housekeeping; the next minute tries again
            log.warning("gateway store cleanup failed", exc_info=True)

    def close(self):
        self.engine.dispose()
        self.counter_engine.dispose()

    def ping(self):
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return f"error: {type(exc).__name__}"


def open_store(attempts=10):
    """Migrate the gateway database (creating it if needed) and return its store."""
    url = database_url("gateway")
    delay = 0.5
    for attempt in range(attempts):
        try:
            migrate.upgrade("gateway", url)
            break
        except Exception as exc:  # noqa: BLE001 - another instance may be creating it
            if attempt == attempts - 1:
                raise
            log.warning("gateway migrations failed (%s); retrying", exc)
            time.sleep(delay)
            delay = min(delay * 2, 5)
    return GatewayStore(url)
