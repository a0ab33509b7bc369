"""Index due messages transactional-first (bulk mail never delays an activation).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_messages_due", table_name="messages")
    op.execute(
        "CREATE INDEX ix_messages_due ON messages "
        "((bulk_id IS NOT NULL), next_attempt_at) "
        "WHERE status IN ('queued', 'sending', 'temp_failed')"
    )


def downgrade():
    op.drop_index("ix_messages_due", table_name="messages")
    op.create_index(
        "ix_messages_due",
        "messages",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('queued', 'sending', 'temp_failed')"),
    )
