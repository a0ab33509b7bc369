"""Repair JSON values stored with NUL or lone surrogates (dossiers, procedures).

Before text was checked where it enters, a JSON escape such as "\\ud800" was kept
verbatim in these JSON columns, and every response carrying the dossier failed
when it was encoded as UTF-8. Lone surrogates become U+FFFD and NULs are dropped;
nothing else changes. Self-contained on purpose: later code may change, this must
keep repairing what was stored then.

Revision ID: 0006
Revises: 0005
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = {
    "dossiers": ("form", "applicant"),
    "procedure_versions": ("legal_basis", "steps", "form", "documents", "templates"),
}
# Any \u0000 or surrogate escape in the stored JSON text; paired surrogates (emoji)
# match too and come back unchanged.
SUSPECT = r"\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})"
LONE = re.compile(r"[\ud800-\udfff]")


def repaired(value):
    """Return `value` with lone surrogates replaced and NUL characters dropped."""
    if isinstance(value, str):
        text = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return LONE.sub("\ufffd", text).replace("\x00", "")
    if isinstance(value, list):
        return [repaired(v) for v in value]
    if isinstance(value, dict):
        return {repaired(k): repaired(v) for k, v in value.items()}
    return value


def repair_column(bind, table, column):
    """Rewrite the rows of one JSON column whose text holds a suspect escape."""
    rows = bind.execute(
        sa.text(f"SELECT id, {column}::text FROM {table} WHERE {column}::text ~ :p"),
        {"p": SUSPECT},
    ).all()
    for row_id, stored in rows:
        fixed = json.dumps(repaired(json.loads(stored)), ensure_ascii=False)
        bind.execute(
            sa.text(f"UPDATE {table} SET {column} = CAST(:v AS json) WHERE id = :i"),
            {"v": fixed, "i": row_id},
        )


def upgrade():
    bind = op.get_bind()
    for table, columns in COLUMNS.items():
        for column in columns:
            repair_column(bind, table, column)


def downgrade():
    """Nothing to undo: the broken values cannot (and should not) come back."""
