"""Events carry their dossier's receiving agency and province (both roles see it).

Every event stored before was about a dossier received where it is resolved.

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
    op.add_column("events", sa.Column("receiving_province", sa.String(64)))
    op.add_column("events", sa.Column("receiving_agency", sa.String(64)))
    op.execute(
        "UPDATE events SET receiving_province = province, receiving_agency = agency"
    )


def downgrade():
    op.drop_column("events", "receiving_agency")
    op.drop_column("events", "receiving_province")
