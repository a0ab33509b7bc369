"""Every file carries an audience: public (the applicant sees it) or internal.

Existing staff attachments and control slips become internal (they were shown to the
applicant by mistake); everything else stays public.

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
        "files",
        sa.Column("audience", sa.String(16), nullable=False, server_default="public"),
    )
    op.execute(
        "UPDATE files SET audience = 'internal' WHERE "
        "(kind = 'generated' AND document = 'control') OR "
        "(kind = 'upload' AND slot = 'attachment' "
        " AND uploaded_by IS DISTINCT FROM owner)"
    )


def downgrade():
    op.drop_column("files", "audience")
