"""Paper dossiers the applicant can claim: the access code and the claim attempts.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("dossiers", sa.Column("access_code", sa.String(length=16)))
    op.create_table(
        "claim_attempts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("receipt_number", sa.String(length=96)),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_attempts")),
    )
    op.create_index("ix_claim_attempts_user_at", "claim_attempts", ["user_id", "at"])


def downgrade():
    op.drop_index("ix_claim_attempts_user_at", table_name="claim_attempts")
    op.drop_table("claim_attempts")
    op.drop_column("dossiers", "access_code")
