"""Create the files table.

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
        "files",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dossier_id", sa.String(64)),
        sa.Column("task_id", sa.String(64)),
        sa.Column("comment_id", sa.String(64)),
        sa.Column("slot", sa.String(80)),
        sa.Column("uploaded_by", sa.String(64)),
        sa.Column("owner", sa.String(64)),
        sa.Column("province", sa.String(8)),
        sa.Column("agency", sa.String(64)),
        sa.Column("department", sa.String(64)),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("declared_type", sa.String(255)),
        sa.Column("content_type", sa.String(255)),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("object_key", sa.String(255), nullable=False),
        sa.Column("conversion", sa.String(16), nullable=False),
        sa.Column("conversion_reason", sa.Text()),
        sa.Column("pdf_key", sa.String(255)),
        sa.Column("pdf_size", sa.BigInteger()),
        sa.Column("pdf_sha256", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
        sa.UniqueConstraint("public_id", name="uq_files_public_id"),
    )
    op.create_index("ix_files_dossier_slot", "files", ["dossier_id", "slot"])


def downgrade():
    op.drop_table("files")
