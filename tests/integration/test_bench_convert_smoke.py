"""`bench/files/bench_convert.py` on a few documents: the warm, cold and upload
measures all run to their summary (the upload through its dossiers stand-in, which
has no contract: a contract-checked call to it failed with KeyError and the bench
stopped before its upload). Timings belong to bench/README.md."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = ("warm 1 worker :", "warm 2 workers:", "cold soffice  :", "upload 100 MB :")


def test_the_conversion_benchmark_prints_its_summary():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench/files/bench_convert.py"), "--docs", "3"],
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for line in SUMMARY:
        assert line in run.stdout, run.stdout[-3000:]
