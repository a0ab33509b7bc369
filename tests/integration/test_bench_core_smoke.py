"""The core benchmark's smoke mode runs against the test stack and prints every row.

Timings are not checked (they belong to bench/README.md): only that each row of the
table and each process's memory line is printed with figures, and that no request
of the run failed (the benchmark exits 1 when one did).
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "core"))


def test_smoke_prints_every_row(stack):
    from rows import ROWS  # noqa: PLC0415 - the table's names (bench/core)

    run = subprocess.run(
        [sys.executable, str(ROOT / "bench/core/bench_core.py"), "--smoke"]
        + ["--attach", stack.url],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    number = r"\s+\d+\.\d+"
    for name, _ in ROWS:
        # each level: req/s, p50, p99 (and a ratio for rows with a floor)
        assert re.search(
            re.escape(name) + rf"\s*\|{number}{number}{number}", run.stdout
        ), (
            name,
            run.stdout,
        )
    memory = run.stdout.split("peak RSS MB", 1)[1]
    for process in ("accounts", "dossiers", "gateway worker"):
        assert re.search(rf"{process}.*{number}{number}", memory), run.stdout
