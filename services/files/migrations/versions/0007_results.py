"""Results of dossiers: the draft, the signed PDF and its verification code.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "results",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("dossier_id", sa.String(64), nullable=False, unique=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("draft_file_id", sa.String(36), nullable=False),
        sa.Column("signed_file_id", sa.String(36)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("signer_id", sa.String(64)),
        sa.Column("signer_name", sa.String(255)),
        sa.Column("signed_at", stamp),
        sa.Column("province", sa.String(8)),
        sa.Column("agency", sa.String(64)),
        sa.Column("agency_name", sa.String(255)),
        sa.Column("receipt_number", sa.String(64)),
        sa.Column("procedure_name", sa.Text),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("updated_at", stamp, nullable=False),
    )


def downgrade():
    op.drop_table("results")
