"""The services' engine meets a database that dropped its connections (a restart
does that to every one), on the real PostgreSQL, without a ping per transaction.

`pg_terminate_backend` ends a pooled connection the way a restart does.
"""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from services.shared.config import PG_DSN_BASE
from services.shared.database import Db, make_engine, ping_when_idle
from services.shared.errors import Unavailable

URL = PG_DSN_BASE.read().replace("postgresql://", "postgresql+psycopg2://")
DB = f"{URL}/postgres"


def backend(db):
    with db.reader() as s:
        return s.execute(text("SELECT pg_backend_pid()")).scalar()


def terminate(pid):
    killer = create_engine(DB, poolclass=NullPool)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    killer.dispose()


def db_of(engine):
    return Db(sessionmaker(engine), engine)


@pytest.fixture
def busy():
    """The services' engine (a connection used a moment ago is not pinged)."""
    engine = make_engine(DB, pool_size=1)
    yield db_of(engine)
    engine.dispose()


@pytest.fixture
def idle():
    """The same listeners, with every pooled connection counted as idle."""
    engine = create_engine(DB, pool_size=1)
    ping_when_idle(engine, idle=0.0)
    yield db_of(engine)
    engine.dispose()


def test_an_idle_dead_connection_is_replaced_before_use(idle):
    pid = backend(idle)
    terminate(pid)
    assert backend(idle) != pid  # pinged at checkout, found dead, replaced


def test_a_busy_dead_connection_fails_once_as_503_then_the_pool_is_new(busy):
    pid = backend(busy)
    terminate(pid)
    with pytest.raises(Unavailable) as lost:
        backend(busy)
    assert lost.value.details == {"database": ["unreachable"]}
    assert backend(busy) != pid  # SQLAlchemy dropped it: the next one works


def test_a_statement_error_is_not_a_lost_connection(busy):
    with pytest.raises(DBAPIError) as err, busy.reader() as s:
        s.execute(text("SELECT 1/0"))
    assert not isinstance(err.value, Unavailable)
    assert backend(busy)  # the connection lives on
