"""`bench/search/bench_search.py` on a small index of its own: every measure runs to
its figure, the lag one through a real search-service process (its events built
with the contract's schema: a stale payload was dropped as malformed and the bench
waited for ever). Timings belong to bench/README.md."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEASURES = (
    "bulk index 2,000 dossiers",
    "keyword + 3 filters (desk scope): p50",
    "dashboard, province scope:        p50",
    "lag event publish -> searchable:   p50",
)


def test_the_search_benchmark_prints_every_measure():
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/search/bench_search.py"),
            "--count",
            "2000",
            "--runs",
            "5",
        ],  # fmt: skip
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore"),
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for measure in MEASURES:
        assert measure in run.stdout, run.stdout
