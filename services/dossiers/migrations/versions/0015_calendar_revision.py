"""A province's calendar counts its changes (`revision`): reads keep a built calendar
per process and rebuild it only when the revision they read with the dossier moved.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "holiday_calendars",
        sa.Column("revision", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade():
    op.drop_column("holiday_calendars", "revision")
