"""Reminders users set on dossiers and tasks; the in-app notification list.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "reminders",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(36), nullable=False, unique=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("recipient", sa.String(320)),
        sa.Column("recipient_name", sa.String(200)),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("staff", sa.Boolean(), nullable=False),
        sa.Column("dossier_id", sa.String(64), nullable=False, index=True),
        sa.Column("dossier", sa.JSON(), nullable=False),
        sa.Column("task_id", sa.BigInteger()),
        sa.Column("task_title", sa.Text()),
        sa.Column("note", sa.Text()),
        sa.Column("remind_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("fired_at", TS),
    )
    # the timer's claim: pending rows by time
    op.create_index(
        "ix_reminders_due",
        "reminders",
        ["remind_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(36), nullable=False, unique=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text()),
        sa.Column("dossier_id", sa.String(64)),
        sa.Column("link", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS),
        sa.UniqueConstraint("user_id", "source", name="uq_notifications_user_id"),
    )


def downgrade():
    op.drop_table("notifications")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_table("reminders")
