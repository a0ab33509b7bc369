"""A dossier's receiving agency besides its resolving one; who may receive elsewhere.

Every existing dossier was received by the agency that resolves it.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade():
    op.add_column("dossiers", sa.Column("receiving_agency", sa.String(64)))
    op.add_column("dossiers", sa.Column("receiving_province", sa.String(8)))
    op.add_column("dossiers", sa.Column("transferred_at", STAMP))
    op.add_column("dossiers", sa.Column("returned_at", STAMP))
    op.execute(
        "UPDATE dossiers SET receiving_agency = agency, receiving_province = province"
    )
    op.alter_column("dossiers", "receiving_agency", nullable=False)
    op.alter_column("dossiers", "receiving_province", nullable=False)
    op.create_index("ix_dossiers_receiving_agency", "dossiers", ["receiving_agency"])
    op.create_index(
        "ix_dossiers_receiving_province", "dossiers", ["receiving_province"]
    )
    op.add_column(
        "procedure_versions",
        sa.Column(
            "received_elsewhere", sa.Boolean, nullable=False, server_default=sa.true()
        ),
    )


def downgrade():
    op.drop_column("procedure_versions", "received_elsewhere")
    op.drop_index("ix_dossiers_receiving_province", "dossiers")
    op.drop_index("ix_dossiers_receiving_agency", "dossiers")
    for name in ("returned_at", "transferred_at", "receiving_province"):
        op.drop_column("dossiers", name)
    op.drop_column("dossiers", "receiving_agency")
