"""The demo seed as a workload: wall and CPU ms per story, and where its RPCs go.

    PYTHONPATH=. $PORTAL_VENV/bin/python bench/core/bench_seed.py --dossiers 200

Starts its own isolated stack (tests/stack.py, which sets PORTAL_CLOCK_FROM_CONTEXT=1
as deploy/local/up does) and runs the seeder (`deploy.local.seed`) in this process
with PORTAL_DEMO_DOSSIERS stories. Prints, for the history part (seed_history: the
stories), its wall time per story, the CPU time per story of every process of the
stack (psutil), and every RPC the seeder made by service and method: count and
mean answer time. `--attach URL` uses a running stack (its env in this one's).
It starts the demo webhook receiver (deploy/local/webhook_receiver.py) on a free
port, as deploy/local/up does, so the demo subscription's deliveries succeed instead
of being retried against a refused port. `--profile DIR` runs py-spy (raw stacks,
one file per process) during the first `--profile-seconds` of the stories;
summarise with profile_summary.py DIR.
"""

import argparse
import collections
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests
from prometheus_client.parser import text_string_to_metric_families

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from processes import Cpu, Machine, infra_processes, stack_processes  # noqa: E402

from deploy.local import seed, seed_history  # noqa: E402
from gateway.rpc import RpcPool  # noqa: E402
from tests.stack import Stack  # noqa: E402


class Calls:
    """Count and time every RPC made through the gateway's pool."""

    def __init__(self):
        self.seconds = collections.defaultdict(float)
        self.count = collections.Counter()
        self.lock = threading.Lock()
        self.original = RpcPool.call

    def install(self):
        calls, original = self, self.original

        def call(pool, service, method, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(pool, service, method, *args, **kwargs)
            finally:
                with calls.lock:
                    calls.seconds[(service, method)] += time.perf_counter() - t0
                    calls.count[(service, method)] += 1

        RpcPool.call = call

    def clear(self):
        with self.lock:
            self.seconds.clear()
            self.count.clear()


def spied(out_dir, procs, seconds):
    """py-spy on every service and gateway worker for `seconds`; the Popen objects."""
    out_dir.mkdir(parents=True, exist_ok=True)
    spy = str(Path(sys.executable).with_name("py-spy"))
    return [
        subprocess.Popen(
            [spy, "record", "--format", "raw", "--nonblocking"]
            + ["--duration", str(seconds), "--pid", str(proc.pid)]
            + ["--output", str(out_dir / f"seed.{name.replace(' ', '-')}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, proc in procs.items()
        if "master" not in name
    ]


def receiver():
    """The demo webhook receiver on a free port; (process, port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "deploy.local.webhook_receiver", "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    return proc, port


def served(stack):
    """(service, method) → RPCs answered, from every service's own /metrics (the
    seeder's calls and the services' calls to each other, the whole seed)."""
    counts = collections.Counter()
    for name in stack.metrics_ports:
        text = requests.get(stack.metrics_url(name), timeout=5).text
        for family in text_string_to_metric_families(text):
            if family.name != "portal_rpc_duration_seconds":
                continue
            for sample in family.samples:
                if sample.name.endswith("_count"):
                    labels = sample.labels
                    counts[(labels["service"], labels["method"])] += sample.value
    return counts


def history_measured(calls, cpus, report, profile=None):
    """seed_history.seed, with the RPC counts and the CPU of its part alone."""
    original = seed_history.seed

    def measured(rpc, ctx, *args, **kwargs):
        calls.clear()
        if profile:
            report["spies"] = spied(*profile)
        for cpu in cpus:
            cpu.begin()
        t0 = time.monotonic()
        stories = original(rpc, ctx, *args, **kwargs)
        report["seconds"] = time.monotonic() - t0
        for cpu in cpus:
            cpu.end()
        report["stories"] = len(stories)
        report["errors"] = len(ctx.get("history_errors", []))
        return stories

    seed_history.seed = measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--attach", metavar="URL")
    parser.add_argument("--profile", type=Path, metavar="DIR")
    parser.add_argument("--profile-seconds", type=int, default=40)
    args = parser.parse_args()
    stack = None
    if not args.attach:
        stack = Stack()
        stack.start()
        os.environ.update(stack.env)
    os.environ["PORTAL_DEMO_DOSSIERS"] = str(args.dossiers)
    hooks, port = receiver()
    os.environ["PORTAL_WEBHOOK_DEMO_PORT"] = str(port)
    try:
        procs = dict(stack_processes(os.environ["PORTAL_DB_PREFIX"]))
        procs["seeder"] = psutil.Process()
        calls, cpu, report = Calls(), Cpu(procs), {}
        infra, machine = Cpu(dict(infra_processes())), Machine()
        calls.install()
        profile = args.profile and (args.profile, procs, args.profile_seconds)
        history_measured(calls, (cpu, infra, machine), report, profile)
        seed.main()
        for spy in report.get("spies", []):
            spy.wait()
        answered = stack and served(stack)
    finally:
        hooks.terminate()
        if stack:
            stack.stop()
    stories = report.get("stories") or 1
    load = os.getloadavg()[0]
    print(
        f"\n== demo seed, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
        f" load average {load:.1f}: {report.get('stories')} stories in"
        f" {report.get('seconds', 0):.1f} s ({report.get('errors')} stopped early)"
    )
    print(f"wall ms per story: {1000 * report.get('seconds', 0) / stories:.1f}")
    per = cpu.per_request(stories)
    print(f"CPU ms per story: total {sum(per.values()):.1f} | " + "  ".join(
        f"{name} {ms:.1f}" for name, ms in sorted(per.items(), key=lambda i: -i[1])
    ))  # fmt: skip
    shared = collections.Counter()
    for name, ms in infra.per_request(stories).items():
        if ms == ms:  # a PostgreSQL backend that exited during the run: unknown
            shared[name.split()[0]] += ms
    print(
        f"CPU ms per story of the shared components: total {sum(shared.values()):.1f}"
        " | " + "  ".join(f"{name} {ms:.1f}" for name, ms in shared.most_common())
    )
    busy, stolen = 1000 * machine.busy / stories, 1000 * machine.stolen / stories
    print(f"CPU ms per story of the whole machine ({psutil.cpu_count()} cores):"
          f" {busy:.1f} (and {stolen:.1f} stolen by the hypervisor)")  # fmt: skip
    print(f"\n{'RPC':<40}{'calls':>8}{'per story':>11}{'mean ms':>10}{'total s':>9}")
    for key, n in calls.count.most_common():
        total = calls.seconds[key]
        name = ".".join(key)
        print(f"{name:<40}{n:>8}{n / stories:>11.2f}{1000 * total / n:>10.1f}"
              f"{total:>9.1f}")  # fmt: skip
    if answered:
        print(
            f"\nRPCs answered by the services (the whole seed, peers' calls included;"
            f" per story of the history)\n{'RPC':<40}{'calls':>8}{'per story':>11}"
        )
        for (service, method), n in answered.most_common(25):
            print(f"{service + '.' + method:<40}{n:>8.0f}{n / stories:>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
