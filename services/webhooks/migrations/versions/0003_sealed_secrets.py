"""Store the signing secrets encrypted (Fernet tokens, services/webhooks/vault.py).

Existing plain secrets (`whsec_…`) are sealed with the first key of
PORTAL_WEBHOOK_SECRET_KEYS; the migration refuses to run without it when there is
one to seal. Downgrade opens them again.

Revision ID: 0003
Revises: 0002
"""

import os

import sqlalchemy as sa
from alembic import op

from services.webhooks.settings import SECRET_KEYS
from services.webhooks.vault import Vault

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PLAIN = "whsec_"
COLUMNS = ("secret", "previous_secret")


def _rewrite(change, wanted):
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, secret, previous_secret FROM subscriptions")
    ).all()
    todo = [r for r in rows if any(wanted(v) for v in (r.secret, r.previous_secret))]
    if not todo:
        return
    vault = Vault(os.environ.get(SECRET_KEYS.key))
    for row in todo:
        values = {
            column: change(vault, value) if wanted(value) else value
            for column, value in zip(
                COLUMNS, (row.secret, row.previous_secret), strict=True
            )
        }
        conn.execute(
            sa.text(
                "UPDATE subscriptions SET secret = :secret, "
                "previous_secret = :previous_secret WHERE id = :id"
            ),
            values | {"id": row.id},
        )


def upgrade():
    for column in COLUMNS:
        op.alter_column("subscriptions", column, type_=sa.Text)
    _rewrite(
        lambda vault, value: vault.seal(value),
        lambda value: bool(value) and value.startswith(PLAIN),
    )


def downgrade():
    _rewrite(
        lambda vault, value: vault.open(value),
        lambda value: bool(value) and not value.startswith(PLAIN),
    )
    for column in COLUMNS:
        op.alter_column("subscriptions", column, type_=sa.String(80))
