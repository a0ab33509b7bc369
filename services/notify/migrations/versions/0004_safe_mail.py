"""Overrides checked by the current rules; bulk lists approved by a second person.

`template_overrides.rules` is the version of the template rules an override was
checked against when saved. Every override stored before (0: possibly saved by an
agency admin, possibly with `{{ link }}` in an outside image) is kept for the
record but never used again: notify renders the file template until a province
admin saves the override anew. `bulk_mails` gains the approval of an uploaded list.

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
    op.add_column(
        "template_overrides",
        sa.Column("rules", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "bulk_mails",
        sa.Column(
            "needs_approval", sa.Boolean(), nullable=False, server_default="false"
        ),
    )
    op.add_column("bulk_mails", sa.Column("approved_by", sa.String(64)))
    op.add_column("bulk_mails", sa.Column("approved_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("bulk_mails", "approved_at")
    op.drop_column("bulk_mails", "approved_by")
    op.drop_column("bulk_mails", "needs_approval")
    op.drop_column("template_overrides", "rules")
