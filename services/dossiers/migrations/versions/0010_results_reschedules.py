"""A dossier keeps its signed result's file id and its reschedules.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("dossiers", sa.Column("result_file_id", sa.String(36)))
    op.add_column("dossiers", sa.Column("rescheduled_date", sa.Date()))
    op.add_column(
        "dossiers",
        sa.Column("reschedules", sa.JSON(), nullable=False, server_default="[]"),
    )


def downgrade():
    for name in ("reschedules", "rescheduled_date", "result_file_id"):
        op.drop_column("dossiers", name)
