"""Migration 0004 repairs stored JSON on a real PostgreSQL (temporary tables)."""

import importlib.util
import os
import types
from pathlib import Path

import pytest
import sqlalchemy as sa

PATH = (
    Path(__file__).resolve().parents[3]
    / "services/dossiers/migrations/versions/0006_repair_unstorable_text.py"
)
ROWS = [
    "CREATE TEMP TABLE dossiers (id int primary key, form json, applicant json)",
    "CREATE TEMP TABLE procedure_versions (id int primary key, legal_basis json,"
    " steps json, form json, documents json, templates json)",
    """INSERT INTO dossiers VALUES
       (1, '{"a": "x\\ud800y", "b": "\\ud83d\\ude00"}', '{"full_name": "n\\u0000m"}'),
       (2, '{"a": "ok"}', '{}')""",
    "INSERT INTO procedure_versions VALUES"
    """ (1, '["\\udc00"]', '[]', '{}', '[]', '[]')""",
]


@pytest.fixture
def connection():
    base = os.environ.get("PORTAL_PG_DSN_BASE")
    if not base:
        pytest.skip("PORTAL_PG_DSN_BASE is not set")
    engine = sa.create_engine(base.rstrip("/") + "/postgres")
    with engine.connect() as conn:
        yield conn
        conn.rollback()
    engine.dispose()


def test_stored_lone_surrogates_and_nul_are_repaired(connection):
    spec = importlib.util.spec_from_file_location("repair_0004", PATH)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for statement in ROWS:
        connection.execute(sa.text(statement))
    migration.op = types.SimpleNamespace(get_bind=lambda: connection)
    migration.upgrade()
    dossiers = connection.execute(
        sa.text("SELECT form::text, applicant::text FROM dossiers ORDER BY id")
    ).all()
    assert [tuple(r) for r in dossiers] == [
        ('{"a": "x\ufffdy", "b": "😀"}', '{"full_name": "nm"}'),
        ('{"a": "ok"}', "{}"),
    ]
    steps = connection.execute(
        sa.text("SELECT legal_basis::text FROM procedure_versions")
    )
    assert steps.scalar() == '["\ufffd"]'
