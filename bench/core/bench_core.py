"""The core request path under load: floors, reads, writes, reception, a journey.

    bench/run core                       # 1, 16 and 64 clients, 5 s a figure
    bench/run core --smoke               # every row at 2 clients, 0.5 s each
    bench/run core --scale-out           # create + submit, then with a second
                                         # dossiers service and gateway: the ratio
    PYTHONPATH=. $PORTAL_VENV/bin/python bench/core/bench_core.py --seconds 5

Starts its own isolated stack (tests/stack.py: own vhost, databases, index), seeds an
agency with a procedure, a citizen and 16 desk officers, then drives closed-loop load
(each client sends its next request as soon as the last one answered) over loopback:
HTTP rows from locust (as a library, FastHttpUser), the two RPC floor rows from plain
threads in a child process (bench/core/rpc_load.py; nameko's client cannot run in
locust's gevent-patched process). Each row prints throughput, p50 and p99 and their
ratio to the row's floor at the same number of clients: /healthz for HTTP rows, a raw
kombu request/reply for the RPC row; then the CPU ms per request of every process
(bench/core/processes.py), and the resident memory of every process, idle (before the
load) and its peak under load.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
from locust import FastHttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from processes import Cpu, settle, stack_processes  # noqa: E402
from rows import ROWS  # noqa: E402

from tests.clusters.burst import LightAgency  # noqa: E402
from tests.conftest import Api, Mailbox  # noqa: E402
from tests.e2e.conftest import PASSWORD  # noqa: E402
from tests.e2e.test_api_journey import login, register_citizen  # noqa: E402
from tests.stack import Stack  # noqa: E402

HERE = Path(__file__).resolve().parent
DESKS = 16
MIN_SAMPLES = 3


class Attached:
    """A stack already running (the test run's): its URL and this environment."""

    def __init__(self, url):
        self.url, self.env, self.created = url, dict(os.environ), time.time()


class World:
    """What the rows act on: a procedure, a citizen, a dossier, 16 desks."""

    def __init__(self, stack, desks=DESKS):
        api = Api(stack.url)
        mailbox = Mailbox(stack.env["PORTAL_MAIL_DIR"], since=stack.created - 5)
        self.agency = LightAgency(api, stack)
        self.citizen = login(api, register_citizen(api, mailbox)).session.headers[
            "Authorization"
        ]
        self.desks = [self._desk(api) for _ in range(desks)]
        self.api = api
        self.dossier = self.create_submit(api.as_user(None))

    def _desk(self, api):
        email = f"desk-{uuid.uuid4().hex[:8]}@bench.test"
        body = {
            "email": email,
            "full_name": "Cán bộ một cửa",
            "password": PASSWORD,
            "role": "desk",
            "agency": self.agency.code,
            "province": "01",
        }
        resp = self.agency.operator.post("/api/v1/staff", json=body)
        assert resp.status_code == 201, resp.text
        return login(api, email).session.headers["Authorization"]

    def new_dossier(self):
        return {
            "procedure": self.agency.procedure,
            "agency": self.agency.code,
            "form": {"child_name": f"Nguyễn Văn {uuid.uuid4().hex[:6]}"},
        }

    def create_submit(self, api):
        api.session.headers["Authorization"] = self.citizen
        created = api.post("/api/v1/dossiers", json=self.new_dossier())
        assert created.status_code == 201, created.text
        dossier_id = created.json()["id"]
        submitted = api.post(f"/api/v1/dossiers/{dossier_id}/submit")
        assert submitted.status_code == 200, submitted.text
        return dossier_id

    def waiting(self, count, threads=8):
        """`count` submitted dossiers for the desks to receive."""
        made, lock = [], threading.Lock()

        def work(n):
            api = self.api.as_user(None)
            for _ in range(n):
                dossier_id = self.create_submit(api)
                with lock:
                    made.append(dossier_id)

        share = [count // threads + (i < count % threads) for i in range(threads)]
        workers = [threading.Thread(target=work, args=(n,)) for n in share if n]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return made


# --- timing ------------------------------------------------------------------------
class Samples:
    """Every response time (ms, unrounded) of the current row, by request name."""

    def __init__(self):
        self.ms, self.failures = [], []

    def on_request(self, name, response_time, exception, **_):
        if not name.startswith("row:"):
            if exception is not None:
                self.failures.append(f"{name}: {exception}")
            return
        (self.failures.append(f"{name}: {exception}") if exception else None)
        self.ms.append(response_time)


def figure(ms, seconds):
    if not ms:
        return {"rps": 0.0, "p50": float("nan"), "p99": float("nan"), "n": 0}
    ordered = sorted(ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "rps": len(ms) / seconds,
        "p50": statistics.median(ordered),
        "p99": p99,
        "n": len(ms),
    }


def timed(user, name, steps):
    """Run `steps()` (several requests) and record it as one row entry."""
    t0 = time.perf_counter()
    error = None
    try:
        steps()
    except Exception as exc:  # noqa: BLE001 - counted as the row's failure
        error = exc
    user.environment.events.request.fire(
        request_type="ROW",
        name=name,
        response_time=(time.perf_counter() - t0) * 1000,
        response_length=0,
        exception=error,
        context={},
    )


def checked(resp, status):
    if resp.status_code != status:
        raise RuntimeError(f"{resp.status_code} {resp.text[:200]}")
    return resp


# --- the HTTP users ---------------------------------------------------------------
def user_class(row, world, pool, host=None):  # noqa: C901 - every row's steps
    """A locust user class that performs `row` in a closed loop (on `host`, or the
    stack's gateway)."""
    counter = iter(range(10**9))

    class RowUser(FastHttpUser):
        wait_time = constant(0)

        def on_start(self):
            self.index = next(counter)
            self.citizen = {"Authorization": world.citizen}
            self.desk = {"Authorization": world.desks[self.index % len(world.desks)]}

        def get(self, path, headers=None, status=200, name="step"):
            with self.client.get(
                path, headers=headers, name=name, catch_response=True
            ) as resp:
                resp.success()  # judged by `checked`, not by locust
            return checked(resp, status)

        def post(self, path, body=None, headers=None, status=200, name="step"):
            with self.client.post(
                path, json=body, headers=headers, name=name, catch_response=True
            ) as resp:
                resp.success()
            return checked(resp, status)

        def create_submit(self):
            made = self.post(
                "/api/v1/dossiers", world.new_dossier(), self.citizen, 201
            ).json()["id"]
            self.post(f"/api/v1/dossiers/{made}/submit", headers=self.citizen)
            return made

        def receive(self, dossier_id):
            self.post(
                f"/api/v1/dossiers/{dossier_id}/actions",
                {"action": "receive", "department": world.agency.department},
                self.desk,
            )

        def journey(self):
            self.get(f"/api/v1/procedures/{world.agency.procedure}")
            made = self.create_submit()
            self.get(f"/api/v1/dossiers/{made}", self.citizen)
            self.receive(made)
            self.get(f"/api/v1/dossiers/{made}", self.citizen)

        def reception(self):
            if not pool:  # the row ends when the waiting dossiers run out
                gevent.sleep(0.05)
                return
            dossier_id = pool.pop()
            timed(self, f"row:{row}", lambda: self.receive(dossier_id))

        @task
        def step_row(self):
            steps = {
                "GET /healthz": lambda: self.get("/healthz"),
                "GET procedure": lambda: self.get(
                    f"/api/v1/procedures/{world.agency.procedure}"
                ),
                "GET dossier": lambda: self.get(
                    f"/api/v1/dossiers/{world.dossier}", self.citizen
                ),
                "create": self.create_submit,
                "mixed": self.journey,
            }
            if row.startswith("reception"):
                self.reception()
                return
            (step,) = [run for prefix, run in steps.items() if row.startswith(prefix)]
            timed(self, f"row:{row}", step)

    RowUser.host = host or world.stack_url
    return RowUser


def run_http(row, world, clients, seconds, pool=None, hosts=None, cpu=None):
    """One row at `clients` clients, shared evenly between `hosts` (gateways);
    `cpu` (a Cpu) is read when the measured time begins and ends."""
    samples = Samples()
    classes = []
    for number, host in enumerate(hosts or [None]):
        cls = user_class(row, world, pool, host)
        cls.__name__ = f"RowUser{number}"  # locust wants one name per class
        classes.append(cls)
    env = Environment(user_classes=classes, events=events)
    listener = events.request.add_listener(samples.on_request)
    runner = env.create_local_runner()
    runner.start(clients, spawn_rate=clients * 100)
    gevent.sleep(min(1.0, seconds / 4))  # every client started and warm
    samples.ms.clear()
    began = time.monotonic()
    if cpu:
        cpu.begin()
    # at least a few answers per row, however slow the machine (up to a minute)
    while (pool is None or pool) and (
        time.monotonic() - began < seconds
        or (len(samples.ms) < MIN_SAMPLES and time.monotonic() - began < 60)
    ):
        gevent.sleep(0.05)
    elapsed = time.monotonic() - began
    count = len(samples.ms)
    if cpu:
        cpu.end()
    runner.quit()
    events.request.remove_listener(listener)
    return figure(samples.ms[:count], elapsed), samples.failures


def run_rpc(kind, uri, clients, seconds, cpu=None):
    """One RPC floor row (its child process's warm-up falls in `cpu`'s time)."""
    if cpu:
        cpu.begin()
    env = dict(os.environ, PYTHONPATH=f"{HERE}:{os.environ.get('PYTHONPATH', '')}")
    out = subprocess.run(
        [sys.executable, str(HERE / "rpc_load.py"), kind, uri, str(clients)]
        + [str(seconds)],
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 120,
        check=True,
    )
    if cpu:
        cpu.end()
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return figure(result["ms"], result["seconds"]), []


def responders(uri):
    """The kombu and nameko echo processes, each ready once it says so."""
    procs = []
    for kind in ("kombu", "nameko"):
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "echo.py"), kind, uri],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready", kind
        procs.append(proc)
    return procs


# --- memory ------------------------------------------------------------------------
class Memory:
    """Resident memory of every process of the stack: idle, and the peak under load."""

    def __init__(self, stack, extra):
        self.procs = dict(stack_processes(stack.env["PORTAL_DB_PREFIX"]))
        for name, proc in extra.items():
            self.procs[name] = psutil.Process(proc.pid)
        self.idle = self.sample()
        self.peak = dict(self.idle)
        self._stop = False
        self._thread = gevent.spawn(self._watch)

    def sample(self):
        out = {}
        for name, proc in self.procs.items():
            try:
                out[name] = proc.memory_info().rss / 2**20
            except psutil.Error:
                out[name] = float("nan")
        return out

    def _watch(self):
        while not self._stop:
            for name, rss in self.sample().items():
                self.peak[name] = max(self.peak.get(name, 0), rss)
            gevent.sleep(0.25)

    def stop(self):
        self._stop = True
        self._thread.join()


def profiled(out_dir, row, procs, seconds):
    """Start py-spy on each process for the row's time; the Popen objects."""
    out_dir.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in row).strip("-")
    spies = []
    for name, proc in procs.items():
        if name.startswith("echo") or "master" in name:
            continue
        target = out_dir / f"{slug}.{name.replace(' ', '-')}.txt"
        spies.append(
            subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record"]
                + ["--format", "raw"]
                + ["--nonblocking", "--duration", str(max(1, int(seconds)))]
                + ["--pid", str(proc.pid), "--output", str(target)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    return spies


# --- report ------------------------------------------------------------------------
def print_table(results, levels):
    head = f"{'row':<38}" + "".join(
        f"| {n:>3} clients: req/s   p50 ms   p99 ms  ×floor p50 " for n in levels
    )
    print(head)
    print("-" * len(head))
    for name, floor in ROWS:
        line = f"{name:<38}"
        for n in levels:
            r = results.get((name, n))
            if r is None:
                continue
            base = results.get((floor, n)) if floor else None
            ratio = f"{r['p50'] / base['p50']:8.1f}×" if base and base["p50"] else ""
            line += (
                f"| {r['rps']:>18.1f} {r['p50']:>8.2f} {r['p99']:>8.2f}  {ratio:>9} "
            )
        print(line)


def print_cpu(results, levels):
    """CPU ms per row entry of every process that spent at least 0.05 ms of it."""
    print("\nCPU ms per request (a row's entry; gateway: its workers summed)")
    for name, _ in ROWS:
        for n in levels:
            r = results.get((name, n))
            if r is None or not r.get("cpu_ms"):
                continue
            busy = sorted(r["cpu_ms"].items(), key=lambda item: -item[1])
            shown = "  ".join(f"{g} {ms:.2f}" for g, ms in busy if ms >= 0.05)
            total = sum(ms for _, ms in busy if ms == ms)  # nan-safe
            print(f"{name[:30]:<30} {n:>3} cl: total {total:6.2f} | {shown}")


def wait_for_backlog(name, clients, procs, smoke=False):
    """Let the stack handle what the rows before queued, so that this row's
    latency and CPU are its own (the mixed journey ran on the reception row's
    mails and slips, 1.3 s p50 at one client instead of 0.3 s). Not in --smoke."""
    if smoke:
        return
    waited = settle(procs)
    if waited > 1.5:
        print(f"  ({name}, {clients} clients: {waited:.0f} s for the backlog)")


def measure(args, levels, world, uri, memory):
    """Every row at every level: ({(row, clients): figures}, failures)."""
    results, failures = {}, []
    wanted = [w for w in args.rows.split(",") if w]
    for name, _ in ROWS:
        if wanted and not any(w in name for w in wanted):
            continue
        for n in levels:
            pool = None
            if name.startswith("reception"):
                # enough waiting dossiers for the row's time, made beforehand
                pool = world.waiting(
                    8 if args.smoke else int(40 * args.seconds) + 4 * n
                )
            wait_for_backlog(name, n, memory.procs, args.smoke)
            spies = []
            if args.profile and n == levels[-1] and not name.startswith("raw"):
                spies = profiled(Path(args.profile), name, memory.procs, args.seconds)
            cpu = Cpu(memory.procs)
            if name.startswith("raw kombu"):
                r, f = run_rpc("kombu", uri, n, args.seconds, cpu)
            elif name.startswith("nameko RPC"):
                r, f = run_rpc("nameko", uri, n, args.seconds, cpu)
            else:
                r, f = run_http(name, world, n, args.seconds, pool, cpu=cpu)
            r["cpu_ms"] = cpu.per_request(r["n"])
            results[(name, n)] = r
            failures += f
            for spy in spies:
                try:
                    spy.wait(30)
                except subprocess.TimeoutExpired:
                    spy.kill()  # a stuck sampler costs that profile, not the run
                    spy.wait()
    return results, failures


def rpc_consumers(stack, queue):
    """How many consumers RabbitMQ shows on one queue of the stack's vhost."""
    import requests  # noqa: PLC0415 - the scale-out step only

    url = stack._vhost_url().replace("/api/vhosts/", "/api/queues/") + f"/{queue}"
    found = requests.get(url, timeout=5)
    return found.json().get("consumers", 0) if found.ok else 0


def scale_out(stack, world, clients, seconds):
    """create + submit with one dossiers service and one gateway, then with a second
    of each (nothing else changed): both figures and the throughput ratio."""
    row = next(name for name, _ in ROWS if name.startswith("create"))
    one, failures = run_http(row, world, clients, seconds)
    before = rpc_consumers(stack, "rpc-dossiers")
    argv = [sys.executable, "-m", "services.shared.runner", "dossiers"]
    stack.start_process("dossiers-2", argv)
    deadline = time.monotonic() + 120
    while rpc_consumers(stack, "rpc-dossiers") <= before:
        if time.monotonic() > deadline:
            raise RuntimeError("the second dossiers service never consumed")
        time.sleep(0.5)
    second = stack.start_extra_gateway("gateway-2", {})
    two, more = run_http(row, world, clients, seconds, hosts=[stack.url, second])
    print(f"\n== scale-out, {row}, {clients} clients, {seconds:g} s a figure")
    print(f"{'instances':<40}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for label, r in (("1 dossiers + 1 gateway", one), ("2 dossiers + 2 gateways", two)):
        print(f"{label:<40}{r['rps']:>10.1f}{r['p50']:>10.2f}{r['p99']:>10.2f}")
    ratio = two["rps"] / one["rps"] if one["rps"] else 0
    print(f"{'throughput ratio':<40}{ratio:>10.2f}×")
    return {"one": one, "two": two, "ratio": ratio}, failures + more


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="every row, briefly")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--rows", default="", help="only the rows whose name contains one of these (,)"
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy every process during each row at the most clients (raw stacks)",
    )
    parser.add_argument(
        "--attach", metavar="URL", help="use the running stack at URL (its env here)"
    )
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="only create + submit at the most clients, before and after a second "
        "dossiers service and gateway join (not with --attach)",
    )
    args = parser.parse_args()
    if args.scale_out and args.attach:
        parser.error("--scale-out starts instances on its own stack: not with --attach")
    if args.smoke:
        args.seconds, args.clients = 0.5, "2"
    return args


def main():
    args = arguments()
    levels = [int(n) for n in args.clients.split(",")]
    stack = Attached(args.attach) if args.attach else Stack()
    if not args.attach:
        stack.start()
    echo = []
    try:
        # the smoke run only checks that every row runs: 2 desk sign-ins, not 16
        world = World(stack, 2 if args.smoke else DESKS)
        world.stack_url = stack.url
        uri = stack.env["PORTAL_AMQP_URI"]
        echo = responders(uri)
        if args.scale_out:
            report, failures = scale_out(stack, world, levels[-1], args.seconds)
            if args.json:
                Path(args.json).write_text(json.dumps(report))
            return 1 if failures else 0
        memory = Memory(stack, {"echo kombu": echo[0], "echo nameko": echo[1]})
        results, failures = measure(args, levels, world, uri, memory)
        memory.stop()
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(
            f"\n== core request path, {when}, {args.seconds:g} s a figure,"
            f" load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
        )
        print_table(results, levels)
        print_cpu(results, levels)
        print(f"\n{'process':<40}{'idle RSS MB':>12}{'peak RSS MB':>12}")
        for name in memory.procs:
            print(f"{name:<40}{memory.idle[name]:>12.1f}{memory.peak[name]:>12.1f}")
        if failures:
            print(f"\n{len(failures)} failed requests, first: {failures[:3]}")
        if args.json:
            Path(args.json).write_text(
                json.dumps({f"{k[0]}|{k[1]}": v for k, v in results.items()})
            )
        return 1 if failures else 0
    finally:
        for proc in echo:
            proc.terminate()
        if not args.attach:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
