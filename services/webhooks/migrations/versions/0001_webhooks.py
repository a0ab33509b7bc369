"""Create the event log, the subscriptions and their deliveries.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("txid", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("occurred_at", TZ, nullable=False),
        sa.Column("stored_at", TZ, nullable=False),
        sa.Column("subject", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("province", sa.String(64)),
        sa.Column("agency", sa.String(64)),
        sa.Column("department", sa.String(64)),
        sa.Column("procedure", sa.String(64)),
        sa.Column("owner", sa.String(64)),
        sa.Column("assignees", sa.JSON, nullable=False),
        sa.Column("submitted_at", sa.String(40)),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("data_version", sa.String(10), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("events_feed", "events", ["txid", "seq"])
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(64), nullable=False, index=True),
        sa.Column("client", sa.JSON, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("provinces", sa.JSON, nullable=False),
        sa.Column("agencies", sa.JSON, nullable=False),
        sa.Column("procedures", sa.JSON, nullable=False),
        sa.Column("secret", sa.String(80), nullable=False),
        sa.Column("previous_secret", sa.String(80)),
        sa.Column("previous_until", TZ),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.String(200)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("lease_until", TZ),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.String(36),
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_seq", sa.BigInteger, sa.ForeignKey("events.seq"), nullable=False
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.String(300)),
        sa.Column("last_attempt_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ),
        sa.UniqueConstraint("subscription_id", "event_seq"),
    )
    op.create_index(
        "deliveries_due", "deliveries", ["subscription_id", "status", "next_attempt_at"]
    )


def downgrade():
    op.drop_table("deliveries")
    op.drop_table("subscriptions")
    op.drop_table("events")
