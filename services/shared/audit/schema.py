"""What migrations use: the table, hashing an older table's rows, the triggers."""

import sqlalchemy as sa
from sqlalchemy import MetaData, Table, select

from .chain import GENESIS, TABLE, entry_hash

PROTECT_SQL = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""


def create_table(op, table_name=TABLE):
    """Create an empty, protected audit table (a service's migration)."""
    op.create_table(
        table_name,
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64)),
        sa.Column("actor_email", sa.String(254)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(254)),
        sa.Column("ip", sa.String(64)),
        sa.Column("province", sa.String(2)),
        sa.Column("agency", sa.String(40)),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table_name}"),
    )
    op.create_index(f"ix_{table_name}_at", table_name, ["at"])
    op.create_index(f"ix_{table_name}_province", table_name, ["province"])
    protect(op, table_name)


def chain_existing(op, table_name=TABLE):
    """Hash the rows an older, unchained table already holds, in id order."""
    conn = op.get_bind()
    table = Table(table_name, MetaData(), autoload_with=conn)
    prev = GENESIS
    for row in conn.execute(select(table).order_by(table.c.id)).mappings().all():
        fields = dict(row) | {"prev_hash": prev}
        digest = entry_hash(prev, fields)
        conn.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(prev_hash=prev, hash=digest)
        )
        prev = digest


def protect(op, table_name=TABLE):
    """Install the triggers that refuse UPDATE, DELETE and TRUNCATE (a migration)."""
    op.execute(PROTECT_SQL.format(table=table_name))


def unprotect(op, table_name=TABLE):
    """Remove what `protect` installed (a migration's downgrade)."""
    op.execute(f"DROP TRIGGER IF EXISTS {table_name}_append_only ON {table_name}")
    op.execute(f"DROP TRIGGER IF EXISTS {table_name}_no_truncate ON {table_name}")
    op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
