"""Run a benchmark script as CI's smoke test does: its own process, the repository on
its path, and a clear failure with the end of its output when it exits non-zero."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script, *args, timeout):
    """The stdout of `bench/<script> args…`, which must exit 0 within `timeout` s."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *map(str, args)],
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore"),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout
