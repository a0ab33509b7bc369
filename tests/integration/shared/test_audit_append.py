"""Appends that commit at the same moment still make one chain.

The head of the chain is read under the chain's lock (one round trip for both,
`audit/chain.py` `_head_statement`); a read with a snapshot taken before the lock
was granted would chain several transactions onto the same predecessor, which
`verify` reports as broken. Real PostgreSQL: the dossiers database of the run.
"""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.dossiers.models import AuditEntry
from services.shared import audit
from services.shared.config import database_url
from services.shared.database import make_engine

WRITERS = 8


@pytest.fixture
def dossiers_db(stack):
    engine = make_engine(database_url("dossiers", stack.env), pool_size=WRITERS)
    yield engine
    engine.dispose()


def test_appends_committing_together_chain_one_after_another(dossiers_db):
    sessions = sessionmaker(dossiers_db)
    ready, errors = threading.Barrier(WRITERS), []
    actor = {"user_id": "chain-probe"}  # no province or agency: in nobody's lists

    def write(n):
        try:
            with sessions() as session, session.begin():
                # one entry or two per transaction, as a move with a private note
                for k in range(1 + n % 2):
                    audit.append(session, AuditEntry, actor, "probe.append", f"{n}/{k}")
                ready.wait(timeout=30)  # every writer commits at once
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with dossiers_db.connect() as conn:
        verdict = audit.verify(conn)
        ours = conn.scalar(
            select(func.count())
            .select_from(AuditEntry.__table__)
            .where(AuditEntry.__table__.c.actor == "chain-probe")
        )
        forks = conn.scalar(
            select(func.count()).select_from(
                select(AuditEntry.prev_hash)
                .group_by(AuditEntry.prev_hash)
                .having(func.count() > 1)
                .subquery()
            )
        )
    assert ours == WRITERS + WRITERS // 2
    assert forks == 0
    assert verdict.broken is None and verdict.count >= ours
