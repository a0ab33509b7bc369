"""Alembic migrations per service: each service keeps its own in `migrations/`."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .config import database_url

SERVICES_DIR = Path(__file__).resolve().parent.parent
LOCK_ID = 7_310_011  # advisory lock so that two instances never migrate at once


def migrations_dir(name):
    """Where `name` keeps its migrations: a service's folder, or the gateway's."""
    if name == "gateway":
        return SERVICES_DIR.parent / "gateway" / "migrations"
    return SERVICES_DIR / name / "migrations"


def alembic_config(service_name, url=None):
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir(service_name)))
    cfg.set_main_option("sqlalchemy.url", url or database_url(service_name))
    return cfg


def ensure_database(url):
    """Create the database of `url` if it does not exist yet."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"),
                {"n": target.database},
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def upgrade(service_name, url=None):
    """Create the service's database if needed and migrate it to head."""
    url = url or database_url(service_name)
    ensure_database(url)
    command.upgrade(alembic_config(service_name, url), "head")


def run_env(context, target_metadata):
    """Body of every service's migrations/env.py (online mode only)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": LOCK_ID})
        try:
            context.configure(connection=conn, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
            conn.commit()
    engine.dispose()


def create_outbox_tables(op):
    """Create `outbox` and `processed_events` (every service's first migration).

    Kept here once because the two tables are the same in every service; a service
    that ever needs a different shape changes them in its own later migration.
    """
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
    )


def drop_outbox_tables(op):
    op.drop_table("processed_events")
    op.drop_table("outbox")
