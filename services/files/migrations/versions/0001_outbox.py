"""Create the outbox and the processed-events log.

Revision ID: 0001
Revises:
"""

from alembic import op

from services.shared.migrate import create_outbox_tables, drop_outbox_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_outbox_tables(op)


def downgrade():
    drop_outbox_tables(op)
