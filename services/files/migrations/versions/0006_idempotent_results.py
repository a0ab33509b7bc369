"""Upload steps kept under the caller's Idempotency-Key.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from services.shared import idempotency

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    idempotency.create_table(op)


def downgrade():
    op.drop_table("idempotent_results")
