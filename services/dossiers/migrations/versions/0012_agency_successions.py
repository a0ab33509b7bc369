"""Agency successions carried out here and what each moved (dossiers, procedures).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "agency_successions",
        sa.Column("succession_id", sa.String(36), primary_key=True),
        sa.Column("successor", sa.String(64), nullable=False),
        sa.Column("successor_province", sa.String(8), nullable=False),
        sa.Column("predecessors", sa.JSON, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("received_at", STAMP, nullable=False),
        sa.Column("finished_at", STAMP),
    )
    op.create_table(
        "succession_moves",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("succession_id", sa.String(36), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(100), nullable=False),
        sa.Column("label", sa.String(96)),
        sa.Column("status", sa.String(32)),
        sa.Column("from_agency", sa.String(300), nullable=False),
        sa.Column("at", STAMP, nullable=False),
        sa.UniqueConstraint("succession_id", "kind", "ref"),
    )


def downgrade():
    op.drop_table("succession_moves")
    op.drop_table("agency_successions")
