"""History entries keep what an edit changed: [{field, old, new}].

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("history", sa.Column("changes", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("history", "changes")
