"""Who received a dossier at the desk (the desk's own statistics).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("dossiers", sa.Column("received_by", sa.String(64), nullable=True))
    op.create_index("ix_dossiers_received_by", "dossiers", ["received_by"])
    # earlier receptions: the actor of the dossier's first "receive" history entry
    op.execute(
        """
        UPDATE dossiers d SET received_by = h.actor ->> 'id'
        FROM (SELECT DISTINCT ON (dossier_id) dossier_id, actor FROM history
              WHERE action = 'receive' ORDER BY dossier_id, id) h
        WHERE h.dossier_id = d.id AND d.received_at IS NOT NULL
        """
    )


def downgrade():
    op.drop_index("ix_dossiers_received_by", table_name="dossiers")
    op.drop_column("dossiers", "received_by")
