"""Sessions: `changed_at`, when the caller a signed token carries stopped being true
(a profile change), and an index for the live changed or revoked sessions.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("sessions", sa.Column("changed_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_sessions_changed_live",
        "sessions",
        ["expires_at"],
        postgresql_where=sa.text("revoked_at IS NOT NULL OR changed_at IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_sessions_changed_live", "sessions")
    op.drop_column("sessions", "changed_at")
