"""The files service's own hash-chained, append-only audit log.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from services.shared import audit

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    audit.create_table(op)


def downgrade():
    audit.unprotect(op)
    op.drop_table("audit_log")
