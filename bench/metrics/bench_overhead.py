"""What the gateway's request metric costs: one observation, and one scrape.

In prometheus-client's multiprocess mode every observation writes to a memory-mapped
file of the worker and `/metrics` reads every worker's files, so both are measured
in that mode (a child process with PROMETHEUS_MULTIPROC_DIR set before the import)
and in the single-process mode for comparison.

    PYTHONPATH=. $PORTAL_VENV/bin/python bench/metrics/bench_overhead.py
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time


def measure(observations, routes, workers):
    from prometheus_client import generate_latest

    from gateway import metrics

    labels = [(f"/api/v1/area{i}/{{item_id}}", "GET", "200") for i in range(routes)]
    children = [metrics.HTTP_SECONDS.labels(*lab) for lab in labels]
    started = time.perf_counter()
    for n in range(observations):
        children[n % routes].observe(0.012)
    per_observation = (time.perf_counter() - started) / observations
    # Label lookup included, as the middleware does it for every request.
    started = time.perf_counter()
    for n in range(observations):
        metrics.HTTP_SECONDS.labels(*labels[n % routes]).observe(0.012)
    per_request = (time.perf_counter() - started) / observations
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The other workers' files: copies of this one under other pids.
        directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        mine = [f for f in os.listdir(directory)]
        for w in range(1, workers):
            for name in mine:
                with open(os.path.join(directory, name), "rb") as src:
                    data = src.read()
                pid_name = name.rsplit("_", 1)[0] + f"_{900000 + w}.db"
                with open(os.path.join(directory, pid_name), "wb") as dst:
                    dst.write(data)
    started = time.perf_counter()
    size = len(generate_latest(metrics.registry()))
    scrape = time.perf_counter() - started
    return per_observation, per_request, scrape, size


def child(args):
    figures = measure(args.observations, args.routes, args.workers)
    print(" ".join(repr(f) for f in figures))


def run_mode(args, multiprocess):
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as directory:
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = directory
        else:
            env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        out = subprocess.run(
            [sys.executable, __file__, "--child", *argv_of(args)],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    return [float(x) for x in out]


def argv_of(args):
    return [
        f"--observations={args.observations}",
        f"--routes={args.routes}",
        f"--workers={args.workers}",
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--routes", type=int, default=150)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        return child(args)
    print(
        f"{args.observations} observations over {args.routes} route series; "
        f"scrape of {args.workers} workers' files in multiprocess mode"
    )
    print("| mode | observe | labels + observe | scrape | scrape size |")
    print("|---|---|---|---|---|")
    for name, multiprocess in (("single process", False), ("multiprocess", True)):
        obs, req, scrape, size = run_mode(args, multiprocess)
        print(
            f"| {name} | {obs * 1e6:.1f} µs | {req * 1e6:.1f} µs | "
            f"{scrape * 1e3:.0f} ms | {size // 1024} KiB |"
        )


if __name__ == "__main__":
    main()
