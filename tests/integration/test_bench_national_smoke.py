"""`bench/run national --smoke`: the national benchmark's every row runs and prints
figures on a small index of its own (timings belong to bench/README.md)."""

import re

from .bench_smoke import run_bench

ROWS = 15


def test_the_national_benchmark_smoke_prints_every_row():
    stdout = run_bench("national/bench_national.py", "--smoke", timeout=180)
    assert "bulk index 1,000 dossiers in 34 provinces" in stdout
    figures = re.findall(r"\|\s+\d+\.\d+ \|\s+\d+\.\d+ \| < (50|200) (ok|over)", stdout)
    assert len(figures) == ROWS, stdout
