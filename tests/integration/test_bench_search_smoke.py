"""`bench/search/bench_search.py` on a small index of its own: every measure runs to
its figure, the lag one through a real search-service process (its events built
with the contract's schema: a stale payload was dropped as malformed and the bench
waited for ever). Timings belong to bench/README.md."""

from .bench_smoke import run_bench

MEASURES = (
    "bulk index 2,000 dossiers",
    "keyword + 3 filters (desk scope): p50",
    "dashboard, province scope:        p50",
    "lag event publish -> searchable:   p50",
)


def test_the_search_benchmark_prints_every_measure():
    stdout = run_bench("search/bench_search.py", "--count", 2000, "--runs", 5,
                       timeout=240)  # fmt: skip
    for measure in MEASURES:
        assert measure in stdout, stdout
