"""Who holds a message being sent, and when it was first tried.

`claimed_by` is the sender instance that claimed a message: it renews its claims'
leases while alive and sends a row only while the row is still its own, so a dead
instance's claims free up after one short lease and two live instances never send
the same row. `first_attempt_at` is the message's `Date`, the same on every try.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("messages", sa.Column("claimed_by", sa.String(32)))
    op.add_column("messages", sa.Column("first_attempt_at", sa.DateTime(timezone=True)))
    op.execute(
        "CREATE INDEX ix_messages_claimed ON messages (claimed_by) "
        "WHERE status = 'sending'"
    )


def downgrade():
    op.drop_index("ix_messages_claimed", table_name="messages")
    op.drop_column("messages", "first_attempt_at")
    op.drop_column("messages", "claimed_by")
