"""Procedure catalogue, holiday calendars, dossiers, receipts, history, tasks, comments.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "holiday_calendars",
        sa.Column("province", sa.String(length=8), nullable=False),
        sa.Column("seeded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("province", name=op.f("pk_holiday_calendars")),
    )
    op.create_table(
        "holidays",
        sa.Column("province", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("province", "day", name=op.f("pk_holidays")),
    )
    op.create_table(
        "procedures",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("province", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedures")),
        sa.UniqueConstraint("province", "code", name=op.f("uq_procedures_province")),
    )
    op.create_index(
        op.f("ix_procedures_province"), "procedures", ["province"], unique=False
    )
    op.create_table(
        "receipt_counters",
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency", "day", name=op.f("pk_receipt_counters")),
    )
    op.create_table(
        "procedure_versions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("procedure_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("processing_days", sa.Integer(), nullable=False),
        sa.Column("after_15h_next_working_day", sa.Boolean(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=True),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("templates", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_procedure_versions_procedure_id_procedures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_versions")),
        sa.UniqueConstraint(
            "procedure_id", "version", name=op.f("uq_procedure_versions_procedure_id")
        ),
    )
    op.create_index(
        op.f("ix_procedure_versions_procedure_id"),
        "procedure_versions",
        ["procedure_id"],
        unique=False,
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("public_id", sa.UUID(), nullable=False),
        sa.Column("province", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("procedure_version_id", sa.BigInteger(), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("applicant", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("paper", sa.Boolean(), nullable=False),
        sa.Column("receipt_number", sa.String(length=96), nullable=True),
        sa.Column("appointment_date", sa.Date(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("assignees", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_dossiers_procedure_version_id_procedure_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("public_id", name=op.f("uq_dossiers_public_id")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_dossiers_receipt_number")),
    )
    op.create_index(op.f("ix_dossiers_agency"), "dossiers", ["agency"], unique=False)
    op.create_index(
        op.f("ix_dossiers_owner_id"), "dossiers", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_dossiers_province"), "dossiers", ["province"], unique=False
    )
    op.create_index(op.f("ix_dossiers_status"), "dossiers", ["status"], unique=False)
    op.create_table(
        "history",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("dossier_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_history_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    op.create_index(
        op.f("ix_history_dossier_id"), "history", ["dossier_id"], unique=False
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("dossier_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_tasks_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index(op.f("ix_tasks_assignee"), "tasks", ["assignee"], unique=False)
    op.create_index(op.f("ix_tasks_dossier_id"), "tasks", ["dossier_id"], unique=False)
    op.create_table(
        "comments",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("dossier_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=True),
        sa.Column("author", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("file_ids", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_comments_dossier_id_dossiers"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_comments_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(
        op.f("ix_comments_dossier_id"), "comments", ["dossier_id"], unique=False
    )


def downgrade():

    op.drop_index(op.f("ix_comments_dossier_id"), table_name="comments")
    op.drop_table("comments")
    op.drop_index(op.f("ix_tasks_dossier_id"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_assignee"), table_name="tasks")
    op.drop_table("tasks")
    op.drop_index(op.f("ix_history_dossier_id"), table_name="history")
    op.drop_table("history")
    op.drop_index(op.f("ix_dossiers_status"), table_name="dossiers")
    op.drop_index(op.f("ix_dossiers_province"), table_name="dossiers")
    op.drop_index(op.f("ix_dossiers_owner_id"), table_name="dossiers")
    op.drop_index(op.f("ix_dossiers_agency"), table_name="dossiers")
    op.drop_table("dossiers")
    op.drop_index(
        op.f("ix_procedure_versions_procedure_id"), table_name="procedure_versions"
    )
    op.drop_table("procedure_versions")
    op.drop_table("receipt_counters")
    op.drop_index(op.f("ix_procedures_province"), table_name="procedures")
    op.drop_table("procedures")
    op.drop_table("holidays")
    op.drop_table("holiday_calendars")
