"""Chain the audit log: prev_hash and hash on every entry, existing rows hashed in
id order, and triggers that refuse UPDATE, DELETE and TRUNCATE.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from services.shared import audit

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit_log", sa.Column("hash", sa.String(64)))
    # JSON `details` could be NULL in theory; the canonical form needs a value.
    op.execute("UPDATE audit_log SET details = '{}' WHERE details IS NULL")
    audit.chain_existing(op)
    op.alter_column("audit_log", "prev_hash", nullable=False)
    op.alter_column("audit_log", "hash", nullable=False)
    # Appends stamp `at` themselves: the stamp is part of what is hashed.
    op.alter_column("audit_log", "at", server_default=None)
    audit.protect(op)


def downgrade():
    audit.unprotect(op)
    op.alter_column("audit_log", "at", server_default=sa.func.now())
    op.drop_column("audit_log", "hash")
    op.drop_column("audit_log", "prev_hash")
