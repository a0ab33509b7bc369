"""Counted attempts are pruned once no limit counts them any more.

Runs the pruning in-process against the run's real accounts database, inside a
transaction that is rolled back (the timer of the running service does the same
every hour).
"""

import datetime as dt

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services.accounts import settings, store
from services.accounts.models import Attempt
from services.shared import config
from services.shared.config import database_url


def test_old_attempts_go_and_known_pairs_stay_for_their_ttl(stack):
    engine = create_engine(database_url("accounts", stack.env))
    now = store.now()
    rows = {
        "login:pair:old": now - dt.timedelta(hours=2),
        "login:pair:recent": now - dt.timedelta(minutes=1),
        "login:known:week": now - dt.timedelta(days=7),
        "login:known:ancient": now - dt.timedelta(days=40),
    }
    with Session(engine) as session:
        session.begin()
        session.add_all(Attempt(bucket=b, at=at) for b, at in rows.items())
        session.flush()
        store.prune_attempts(session, config.load(settings.SETTINGS))
        left = set(
            session.scalars(select(Attempt.bucket).where(Attempt.bucket.in_(rows)))
        )
        session.rollback()
    engine.dispose()
    assert left == {"login:pair:recent", "login:known:week"}
