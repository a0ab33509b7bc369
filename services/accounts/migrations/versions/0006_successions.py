"""Agency successions: replaced or merged agencies, their date and what moved.

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
    op.create_table(
        "successions",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("public_id", sa.Uuid, nullable=False, unique=True),
        sa.Column(
            "successor",
            sa.String(40),
            sa.ForeignKey("agencies.code"),
            nullable=False,
            index=True,
        ),
        sa.Column("predecessors", sa.JSON, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(64)),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
        sa.Column("staff_moved", sa.JSON, nullable=False),
        sa.Column("departments_added", sa.JSON, nullable=False),
        sa.Column("clients_moved", sa.JSON, nullable=False),
    )


def downgrade():
    op.drop_table("successions")
