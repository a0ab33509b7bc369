"""Stored deadline and step states (for the periodic sweep), per-step time limits.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("procedure_versions", sa.Column("step_limits", sa.JSON()))
    op.add_column("dossiers", sa.Column("deadline_state", sa.String(length=24)))
    op.add_column("dossiers", sa.Column("days_late", sa.Integer()))
    op.add_column("dossiers", sa.Column("step", sa.String(length=24)))
    op.add_column("dossiers", sa.Column("step_started_at", sa.DateTime(timezone=True)))
    op.add_column("dossiers", sa.Column("step_due_date", sa.Date()))
    op.add_column("dossiers", sa.Column("step_state", sa.String(length=24)))
    op.add_column("tasks", sa.Column("due_state", sa.String(length=24)))
    op.create_index(
        "ix_dossiers_open_sweep",
        "dossiers",
        ["id"],
        postgresql_where=sa.text(
            "status NOT IN ('draft', 'completed', 'rejected', 'cancelled')"
        ),
    )


def downgrade():
    op.drop_index("ix_dossiers_open_sweep", table_name="dossiers")
    op.drop_column("tasks", "due_state")
    for name in (
        "step_state",
        "step_due_date",
        "step_started_at",
        "step",
        "days_late",
        "deadline_state",
    ):
        op.drop_column("dossiers", name)
    op.drop_column("procedure_versions", "step_limits")
