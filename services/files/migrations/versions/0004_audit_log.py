"""The files service's own hash-chained, append-only audit log.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from services.shared import audit

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    audit.create_table(op)


def downgrade():
    audit.unprotect(op)
    op.drop_table("audit_log")
