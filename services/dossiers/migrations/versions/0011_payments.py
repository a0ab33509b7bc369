"""Fees paid online: the procedure's fee rule, the dossier's payment state, the
payments at the provider and every callback received.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade():
    op.add_column("procedure_versions", sa.Column("fee_rule", sa.JSON(), nullable=True))
    op.add_column(
        "dossiers",
        sa.Column(
            "payment_state", sa.String(16), nullable=False, server_default="not_due"
        ),
    )
    op.add_column("dossiers", sa.Column("fee_amount", sa.BigInteger(), nullable=True))
    op.add_column(
        "dossiers",
        sa.Column(
            "submit_when_paid", sa.Boolean(), nullable=False, server_default="false"
        ),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("ref", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "dossier_id", sa.BigInteger(), sa.ForeignKey("dossiers.id"), nullable=False
        ),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("provider_txn", sa.String(64)),
        sa.Column("response_code", sa.String(8)),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("paid_at", Timestamp),
        sa.Column("refunded_at", Timestamp),
        sa.Column("refunded_by", sa.String(64)),
        sa.Column("receipt_file_id", sa.String(64)),
    )
    op.create_index("ix_payments_dossier_id", "payments", ["dossier_id"])
    op.create_index("ix_payments_state", "payments", ["state"])
    op.create_index("ix_payments_paid_at", "payments", ["paid_at"])
    op.create_table(
        "payment_callbacks",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("ref", sa.String(64)),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
    )
    op.create_index("ix_payment_callbacks_ref", "payment_callbacks", ["ref"])


def downgrade():
    op.drop_table("payment_callbacks")
    op.drop_table("payments")
    for column in ("submit_when_paid", "fee_amount", "payment_state"):
        op.drop_column("dossiers", column)
    op.drop_column("procedure_versions", "fee_rule")
