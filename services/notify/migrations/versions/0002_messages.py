"""Delivery log, attachments, template overrides, bulk mails, reminder runs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("template_key", sa.String(60), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("recipient_name", sa.String(200), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("dossier_id", sa.String(64), nullable=True),
        sa.Column("province", sa.String(8), nullable=True),
        sa.Column("agency", sa.String(40), nullable=True),
        sa.Column("department", sa.String(40), nullable=True),
        sa.Column("bulk_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.UniqueConstraint("public_id", name="uq_messages_public_id"),
        sa.UniqueConstraint("event_id", "template_key", name="uq_messages_event_id"),
    )
    op.create_index("ix_messages_dossier_id", "messages", ["dossier_id"])
    op.create_index("ix_messages_bulk_id", "messages", ["bulk_id"])
    op.create_index(
        "ix_messages_due",
        "messages",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('queued', 'sending', 'temp_failed')"),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_table(
        "template_overrides",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("province", sa.String(8), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_template_overrides"),
        sa.UniqueConstraint(
            "province", "key", "lang", name="uq_template_overrides_province"
        ),
    )
    op.create_table(
        "bulk_mails",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(36), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("bad_rows", sa.JSON(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("province", sa.String(8), nullable=True),
        sa.Column("agency", sa.String(40), nullable=True),
        sa.Column("department", sa.String(40), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("cancelled_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bulk_mails"),
        sa.UniqueConstraint("public_id", name="uq_bulk_mails_public_id"),
    )
    op.create_table(
        "reminder_runs",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_reminder_runs"),
    )


def downgrade():
    for table in (
        "reminder_runs",
        "bulk_mails",
        "template_overrides",
        "attachments",
        "messages",
    ):
        op.drop_table(table)
