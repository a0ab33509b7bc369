"""`bench/run national --smoke`: the national benchmark's every row runs and prints
figures on a small index of its own (timings belong to bench/README.md)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = 15


def test_the_national_benchmark_smoke_prints_every_row():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench/national/bench_national.py"), "--smoke"],
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore"),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "bulk index 1,000 dossiers in 34 provinces" in run.stdout
    figures = re.findall(
        r"\|\s+\d+\.\d+ \|\s+\d+\.\d+ \| < (50|200) (ok|over)", run.stdout
    )
    assert len(figures) == ROWS, run.stdout
