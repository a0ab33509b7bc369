"""Known and unknown e-mails cost the same work, so time cannot tell them apart.

A timed assertion would be flaky; instead the handlers run in-process against the
run's real accounts database, with argon2 counted: registering a taken address hashes
the password exactly like a new one, and a login with an unknown address verifies a
hash exactly like a wrong password does. Everything is rolled back afterwards.
"""

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.accounts import identity, security, sessions, settings
from services.shared import config
from services.shared.config import database_url

from .conftest import PASSWORD, citizen_body, register, unique_email


class CountingHasher:
    """argon2's hasher, counting the hashes and verifications it performs."""

    def __init__(self, real):
        self.real, self.hashes, self.verifies = real, 0, 0

    def hash(self, secret):
        self.hashes += 1
        return self.real.hash(secret)

    def verify(self, stored, secret):
        self.verifies += 1
        return self.real.verify(stored, secret)


@pytest.fixture
def db(stack):
    engine = create_engine(database_url("accounts", stack.env))
    yield engine
    engine.dispose()


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher(security._HASHER)
    monkeypatch.setattr(security, "_HASHER", counting)
    return counting


def work(db, hasher, handler, *args):
    """Run one handler in a transaction that is rolled back; return argon2 counts."""
    before = (hasher.hashes, hasher.verifies)
    with Session(db) as session:
        session.begin()
        result = handler(session, config.load(settings.SETTINGS), *args)
        session.rollback()
    return (hasher.hashes - before[0], hasher.verifies - before[1]), result


def test_registering_a_taken_email_hashes_the_password_like_a_new_one(api, db, hasher):
    taken = citizen_body()
    assert register(api, taken).status_code == 201
    spent_taken, answer_taken = work(
        db, hasher, identity.register, citizen_body(email=taken["email"]), "10.9.9.9"
    )
    spent_new, answer_new = work(db, hasher, identity.register, citizen_body(), None)
    assert spent_taken == spent_new == (1, 0)
    assert answer_taken.keys() == answer_new.keys()
    assert answer_taken["status"] == answer_new["status"]


def test_login_with_an_unknown_email_verifies_a_hash_like_a_wrong_password(
    api, db, hasher
):
    known = citizen_body()
    assert register(api, known).status_code == 201
    spent_known, (error_known, _) = work(
        db, hasher, sessions.login, known["email"], PASSWORD + "x", "10.9.9.8"
    )
    spent_unknown, (error_unknown, _) = work(
        db, hasher, sessions.login, unique_email("ghost"), PASSWORD, "10.9.9.8"
    )
    assert error_known.code == error_unknown.code == "INVALID_CREDENTIALS"
    assert spent_known == spent_unknown == (0, 1)
