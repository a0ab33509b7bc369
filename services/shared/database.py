"""The SQLAlchemy 2 database provider each service uses for its own database."""

from contextlib import contextmanager

from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from .config import database_url
from .errors import Unavailable

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def declarative_base():
    """Return a fresh DeclarativeBase with the project's naming convention."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING)

    return Base


def connection_lost(exc):
    """Whether a database error is the connection's, not the statement's.

    PostgreSQL gives every statement error an SQLSTATE (a lock timeout is 55P03, a
    serialization failure 40001: callers handle those); a refused, reset or dropped
    connection has none, or SQLAlchemy has marked the connection invalid.
    """
    if not isinstance(exc, DBAPIError):
        return False
    return exc.connection_invalidated or getattr(exc.orig, "pgcode", None) is None


@contextmanager
def unavailable_when_lost():
    """Turn a lost database connection into 503 SERVICE_UNAVAILABLE.

    Without it a request during a database restart answered 500 INTERNAL_ERROR; the
    pool's pre-ping replaces the dead connections once the server is back.
    """
    try:
        yield
    except DBAPIError as exc:
        if not connection_lost(exc):
            raise
        raise Unavailable("Service unavailable", {"database": ["unreachable"]}) from exc


class Db:
    """What an entrypoint gets: transactions and a liveness check."""

    def __init__(self, session_factory, engine):
        self._session_factory = session_factory
        self.engine = engine
        # the same pool, each statement its own transaction (no BEGIN, no COMMIT)
        self._autocommit = sessionmaker(
            engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
        )

    @contextmanager
    def transaction(self):
        """Yield a session whose work commits on success and rolls back on error."""
        with unavailable_when_lost(), self._session_factory() as session:
            with session.begin():
                yield session

    @contextmanager
    def reader(self):
        """Yield a session for reads only."""
        with unavailable_when_lost(), self._session_factory() as session:
            yield session

    @contextmanager
    def statements(self):
        """Yield a session for reads whose every statement stands alone: for a read
        that needs no snapshot across its statements (one row and what never
        changes), two round trips fewer than a transaction."""
        with unavailable_when_lost(), self._autocommit() as session:
            yield session

    def ping(self):
        """Return "ok" or the error text."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return f"error: {type(exc).__name__}"


def make_engine(url, pool_size=10, pre_ping=True):
    """Create an engine that survives database restarts (pre-ping; a user that
    retries any failed transaction whole may do without: `pre_ping=False`)."""
    return create_engine(
        url, pool_pre_ping=pre_ping, pool_size=pool_size, max_overflow=5, future=True
    )


class Database(DependencyProvider):
    """Give each worker a `Db` bound to the service's own database."""

    def __init__(self, service_name=None):
        self.service_name = service_name

    def setup(self):
        name = self.service_name or self.container.service_name
        self.url = self.container.config.get("DB_URL") or database_url(name)
        self.engine = make_engine(
            self.url, self.container.config.get("max_workers", 10)
        )
        self.db = Db(sessionmaker(self.engine, expire_on_commit=False), self.engine)

    def stop(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.db
