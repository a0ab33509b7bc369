"""How many positions a rate counter's last reservation took (batched counting).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "rate_counters",
        sa.Column("granted", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade():
    op.drop_column("rate_counters", "granted")
