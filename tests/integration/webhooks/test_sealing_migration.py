"""Migration 0003 on a real PostgreSQL: plain secrets of an existing database are
sealed with the first key (and opened again by a downgrade); without a key it
refuses rather than leave them plain. Its own scratch database, dropped after."""

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from services.shared.config import PG_DSN_BASE
from services.shared.migrate import alembic_config, ensure_database
from services.webhooks.vault import Vault, new_key

PLAIN = "whsec_cGxhaW4tc2VjcmV0LW9mLWFuLW9sZC1yb3c="
OLD = "whsec_cHJldmlvdXMtc2VjcmV0LW9mLXRoZS1yb3c="


@pytest.fixture
def database():
    name = f"t{uuid.uuid4().hex[:8]}_webhooks_migration"
    base = PG_DSN_BASE.read().replace("postgresql://", "postgresql+psycopg2://")
    url = f"{base}/{name}"
    ensure_database(url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _row(engine):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT secret, previous_secret FROM subscriptions")
        ).one()


def test_existing_plain_secrets_are_sealed_and_opened_again(database, monkeypatch):
    url, engine = database
    cfg = alembic_config("webhooks", url)
    command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscriptions (id, client_id, client, url, event_types,"
                " provinces, agencies, procedures, secret, previous_secret, active,"
                " created_at) VALUES ('s1', 'c1', '{}', 'https://x.example/', '[]',"
                " '[]', '[]', '[]', :secret, :old, true, now())"
            ),
            {"secret": PLAIN, "old": OLD},
        )
    monkeypatch.delenv("PORTAL_WEBHOOK_SECRET_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="PORTAL_WEBHOOK_SECRET_KEYS"):
        command.upgrade(cfg, "head")
    assert _row(engine) == (PLAIN, OLD)  # nothing half done

    key = new_key()
    monkeypatch.setenv("PORTAL_WEBHOOK_SECRET_KEYS", key)
    command.upgrade(cfg, "head")
    sealed = _row(engine)
    assert PLAIN not in sealed and OLD not in sealed
    assert [Vault(key).open(token) for token in sealed] == [PLAIN, OLD]

    command.downgrade(cfg, "0001")
    assert _row(engine) == (PLAIN, OLD)
