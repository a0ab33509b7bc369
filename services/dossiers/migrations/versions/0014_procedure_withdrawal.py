"""A procedure may be withdrawn; every change of it is counted (`revision`), the
order of the catalogue events the national search index follows.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("procedures", sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
    op.add_column(
        "procedures",
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    )
    # each published version was one change
    op.execute("UPDATE procedures SET revision = current_version")


def downgrade():
    op.drop_column("procedures", "revision")
    op.drop_column("procedures", "withdrawn_at")
