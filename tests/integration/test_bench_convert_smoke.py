"""`bench/files/bench_convert.py` on a few documents: the warm, cold and upload
measures all run to their summary (the upload through its dossiers stand-in, which
has no contract: a contract-checked call to it failed with KeyError and the bench
stopped before its upload). Timings belong to bench/README.md."""

from .bench_smoke import run_bench

SUMMARY = ("warm 1 worker :", "warm 2 workers:", "cold soffice  :", "upload 100 MB :")


def test_the_conversion_benchmark_prints_its_summary():
    stdout = run_bench("files/bench_convert.py", "--docs", 3, timeout=300)
    for line in SUMMARY:
        assert line in stdout, stdout[-3000:]
