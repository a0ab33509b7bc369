"""Results of acting operations kept under the caller's Idempotency-Key.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from services.shared import idempotency

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    idempotency.create_table(op)


def downgrade():
    op.drop_table("idempotent_results")
