"""Users' date of birth: part of the profile that prefills procedures' forms.

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
    op.add_column("users", sa.Column("date_of_birth", sa.Date()))


def downgrade():
    op.drop_column("users", "date_of_birth")
