"""Generated documents (idempotency key) and per-procedure templates.

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
    op.add_column("files", sa.Column("document", sa.String(32)))
    op.add_column("files", sa.Column("generated_key", sa.String(160)))
    op.add_column("files", sa.Column("procedure_code", sa.String(64)))
    op.add_column("files", sa.Column("title", sa.String(255)))
    op.create_unique_constraint("uq_files_generated_key", "files", ["generated_key"])
    op.create_index("ix_files_procedure_code", "files", ["procedure_code"])


def downgrade():
    op.drop_index("ix_files_procedure_code", "files")
    op.drop_constraint("uq_files_generated_key", "files")
    for column in ("title", "procedure_code", "generated_key", "document"):
        op.drop_column("files", column)
