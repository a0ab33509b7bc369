"""Run one command and start it again whenever it exits, with back-off, as Kubernetes
restarts a crashed container.

    python -m deploy.local.supervise --state FILE [--base S] [--cap S]
        [--with-parent] -- argv...
    python -m deploy.local.supervise --show FILE      # one line for `status`

The delay after an exit doubles from `--base` (1 s) up to `--cap` (30 s) while the
command keeps failing, and starts again from `--base` once it has run `--healthy`
seconds (60). Like a container runtime, the supervisor is the "subreaper" of what the
command starts: when the command dies, whatever it left behind (a gunicorn worker
still holding the port, a converter's LibreOffice) is killed before the next start.
SIGTERM or SIGINT stops the command (SIGTERM, then SIGKILL after
`--grace` seconds) and then the supervisor: a stop is never taken for a crash.
`--with-parent` stops it the same way when the process that started it dies (its
parent changes): a test run killed with SIGKILL leaves no stack behind. The
state file (JSON, replaced atomically) says the command's pid, how many times it was
restarted and how it last exited; `deploy/local/apps status` and the tests
(`tests/stack.py`, which starts every process through this module) read it.

Why not supervisord: it would be one more daemon with its own configuration and
socket per checkout and per test run; this loop is small, tested
(tests/unit/test_supervise.py) and shares its state format with the tests.
"""

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Orphans of the command are re-parented to us instead of init (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children_of(pid):
    """Pids whose parent is `pid`, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(entry))
    return found


def reap_leftovers():
    """Kill and reap what the command left behind (now our children)."""
    for _ in range(20):  # their own children come to us as they die
        left = children_of(os.getpid())
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        time.sleep(0.05)


@dataclass
class Backoff:
    """The delay before the next start, from how long the last run lasted."""

    base: float = 1.0
    cap: float = 30.0
    healthy: float = 60.0
    failures: int = 0

    def after_exit(self, ran_for):
        """Return the delay before restarting a run that lasted `ran_for` seconds."""
        self.failures = 1 if ran_for >= self.healthy else self.failures + 1
        return min(self.base * 2 ** (self.failures - 1), self.cap)


@dataclass
class State:
    command: list
    pid: int | None = None
    restarts: int = 0
    started_at: float | None = None
    last_exit: int | None = None
    last_exit_at: float | None = None
    exits: list = field(default_factory=list)

    def save(self, path):
        tmp = Path(f"{path}.tmp")
        tmp.write_text(json.dumps(asdict(self)))
        tmp.replace(path)


def read_state(path):
    """The state a supervisor wrote (None when there is none yet)."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def describe(path):
    state = read_state(path)
    if state is None:
        return "no supervisor state"
    line = f"pid {state['pid']}, restarts {state['restarts']}"
    if state["last_exit"] is not None:
        when = time.strftime("%H:%M:%S", time.localtime(state["last_exit_at"]))
        line += f", last exit {state['last_exit']} at {when}"
    return line


class Supervisor:
    def __init__(self, argv, state_path, backoff, grace=10.0, with_parent=False):
        self.argv, self.state_path, self.backoff = argv, state_path, backoff
        self.grace = grace
        # the parent to outlive no longer than a poll (None: outlive it)
        self.parent = os.getppid() if with_parent else None
        self.state = State(command=argv)
        self.child = None
        self.stopping, self.stop_at = False, None

    def stop(self, *_):
        self.stopping, self.stop_at = True, time.monotonic()
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        become_subreaper()
        while not self.stopping:
            started = time.monotonic()
            self.child = subprocess.Popen(self.argv)
            self.state.pid, self.state.started_at = self.child.pid, time.time()
            self.state.save(self.state_path)
            code = self._wait()
            reap_leftovers()
            if self.stopping:
                break
            self._record_exit(code)
            delay = self.backoff.after_exit(time.monotonic() - started)
            print(
                f"supervise: {self.argv[-1]} exited with {code}; "
                f"restart {self.state.restarts} in {delay:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            self._pause(delay)
        return 0

    def _orphaned(self):
        """Stop when the parent we were started to serve has died (re-parented)."""
        if (
            self.parent is not None
            and not self.stopping
            and os.getppid() != self.parent
        ):
            print(
                "supervise: the parent is gone; stopping", file=sys.stderr, flush=True
            )
            self.stop()

    def _wait(self):
        """Wait for the child; once stopping, give it `grace` seconds, then kill it."""
        while True:
            try:
                return self.child.wait(0.2)
            except subprocess.TimeoutExpired:
                self._orphaned()
                if self.stopping and time.monotonic() - self.stop_at > self.grace:
                    self.child.kill()

    def _record_exit(self, code):
        self.state.restarts += 1
        self.state.last_exit, self.state.last_exit_at = code, time.time()
        self.state.exits = (self.state.exits + [[code, time.time()]])[-20:]
        self.state.pid = None
        self.state.save(self.state_path)

    def _pause(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, seconds))
            self._orphaned()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="supervise")
    parser.add_argument("--state")
    parser.add_argument("--show")
    parser.add_argument("--base", type=float, default=1.0)
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--healthy", type=float, default=60.0)
    parser.add_argument("--grace", type=float, default=10.0)
    parser.add_argument("--with-parent", action="store_true")
    parser.add_argument("command", nargs="*")
    args = parser.parse_args(argv)
    if args.show:
        print(describe(args.show))
        return 0
    if not args.state or not args.command:
        parser.error("--state and a command are required")
    backoff = Backoff(args.base, args.cap, args.healthy)
    os.makedirs(os.path.dirname(os.path.abspath(args.state)), exist_ok=True)
    return Supervisor(
        args.command, args.state, backoff, args.grace, args.with_parent
    ).run()


if __name__ == "__main__":
    sys.exit(main())
