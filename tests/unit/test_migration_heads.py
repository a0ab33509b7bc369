"""Every database's migrations form one line: two branches that each add a
revision after the same parent merge cleanly in git but leave two heads, and the
service then refuses to start (its runner retries `upgrade head` for ever)."""

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[2]
# services/<name>/migrations and gateway/migrations only: a glob over the whole
# checkout walks var/, whose files come and go while a stack runs
CHAINS = sorted(
    p.parent
    for p in [*ROOT.glob("services/*/migrations/env.py"),
              *ROOT.glob("gateway/migrations/env.py")]
)  # fmt: skip


def test_every_service_and_the_gateway_has_migrations():
    names = {p.parent.name for p in CHAINS}
    assert {"accounts", "dossiers", "files", "notify", "search", "gateway"} <= names


@pytest.mark.parametrize("chain", CHAINS, ids=lambda p: p.parent.name)
def test_one_head_and_file_names_match_revisions(chain):
    cfg = Config()
    cfg.set_main_option("script_location", str(chain))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1, script.get_heads()
    for rev in script.walk_revisions():
        # 0008_received_by.py holds revision "0008": the number in the name is the id
        assert Path(rev.path).name.startswith(f"{rev.revision}_"), rev.path
