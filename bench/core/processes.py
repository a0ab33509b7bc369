"""The processes of a stack and the CPU time each spends (bench_core, bench_seed)."""

import time

import psutil


class Cpu:
    """CPU time (user + system) each process spent during a row's measured time."""

    def __init__(self, procs):
        self.procs, self.used = procs, {}

    def _times(self):
        out = {}
        for name, proc in self.procs.items():
            try:
                t = proc.cpu_times()
                out[name] = t.user + t.system
            except psutil.Error:
                out[name] = float("nan")
        return out

    def begin(self):
        self._start = self._times()

    def end(self):
        now = self._times()
        self.used = {name: now[name] - self._start[name] for name in now}

    def per_request(self, count):
        """{process group: CPU ms per row entry}; gateway workers summed."""
        groups = {}
        for name, seconds in self.used.items():
            group = "gateway" if name.startswith("gateway") else name
            groups[group] = groups.get(group, 0.0) + seconds
        return {g: 1000 * s / count for g, s in groups.items()} if count else {}


def settle(procs, idle=0.15, window=1.0, limit=60.0):
    """Wait until the stack's processes together use less than `idle` of a core
    over `window` seconds (at most `limit`): the events an earlier row queued
    (mails, slips, index writes) are handled before the next row is measured, so
    neither its latency nor its CPU per request carries the earlier row's backlog.
    Returns the seconds waited."""
    cpu, began = Cpu(procs), time.monotonic()
    while time.monotonic() - began < limit:
        cpu.begin()
        time.sleep(window)
        cpu.end()
        if sum(s for s in cpu.used.values() if s == s) < idle * window:
            break
    return time.monotonic() - began


def stack_processes(prefix):
    """(name, process) of every service and gateway process of the stack whose
    database prefix is `prefix` (supervisors left out: they only wait)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if proc.environ().get("PORTAL_DB_PREFIX") != prefix:
                continue
        except psutil.Error:
            continue
        argv = proc.info["cmdline"] or []
        if "services.shared.runner" in argv:
            found.append((argv[argv.index("services.shared.runner") + 1], proc))
        elif any("gunicorn" in part for part in argv[:3]):
            parent = proc.parent().cmdline()
            role = "gateway worker" if "gunicorn" in parent[1:3] else "gateway master"
            found.append((f"{role} {proc.pid}", proc))
    return sorted(found, key=lambda item: item[0])


INFRA = {"postgres": "postgres", "beam.smp": "rabbitmq", "java": "opensearch",
         "minio": "minio", "clamd": "clamav"}  # fmt: skip


def infra_processes():
    """(name, process) of the shared components (PostgreSQL's backends summed
    under "postgres"): a story's cost includes theirs. A backend that exits during
    the row takes its CPU with it; the services' pools keep theirs open."""
    found = []
    for proc in psutil.process_iter(["name"]):
        name = INFRA.get(proc.info["name"] or "")
        if name:
            found.append((f"{name} {proc.pid}", proc))
    return found


class Machine:
    """CPU time the whole machine spent (all cores, /proc/stat) during a row."""

    def begin(self):
        self._start = psutil.cpu_times()

    def end(self):
        now, then = psutil.cpu_times(), self._start

        def spent(*fields):
            return sum(getattr(now, f, 0) - getattr(then, f, 0) for f in fields)

        # steal: the hypervisor ran another guest on our cores (this VM's speed
        # moving between runs), not work of ours; guest time is counted in user
        self.stolen = spent("steal")
        self.busy = spent("user", "nice", "system", "irq", "softirq")
