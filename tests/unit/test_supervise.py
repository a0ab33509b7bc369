"""The supervisor loop of deploy/local/apps and tests/stack.py, on real processes."""

import os
import signal
import subprocess
import sys
import time

import pytest

from deploy.local.supervise import Backoff, read_state

PY = sys.executable


def test_backoff_doubles_to_the_cap_and_resets_after_a_healthy_run():
    backoff = Backoff(base=1, cap=30, healthy=60)
    delays = [backoff.after_exit(ran_for=2) for _ in range(7)]
    assert delays == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.after_exit(ran_for=61) == 1
    assert backoff.after_exit(ran_for=2) == 2


def until(check, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not met in {timeout} s")


@pytest.fixture
def supervise(tmp_path):
    started = []

    def start(code, *options):
        state = tmp_path / "state.json"
        argv = [PY, "-m", "deploy.local.supervise", "--state", str(state)]
        argv += ["--base", "0.05", "--cap", "0.2", *options, "--", PY, "-c", code]
        proc = subprocess.Popen(argv, start_new_session=True)
        started.append(proc)
        return proc, state

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def test_a_crashing_command_is_restarted_with_its_exits_counted(supervise):
    proc, state = supervise("import sys; sys.exit(3)")
    seen = until(lambda: (s := read_state(state)) and s["restarts"] >= 3 and s)
    assert seen["last_exit"] == 3
    assert all(code == 3 for code, _ in seen["exits"])
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(5) == 0


def test_a_killed_command_comes_back_under_a_new_pid(supervise):
    proc, state = supervise("import time; time.sleep(60)")
    first = until(lambda: (s := read_state(state)) and s["pid"])
    os.kill(first, signal.SIGKILL)
    again = until(lambda: (s := read_state(state)) and s["pid"] not in (None, first))
    final = read_state(state)
    assert again != first
    assert (final["restarts"], final["last_exit"]) == (1, -signal.SIGKILL)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(5) == 0
    assert read_state(state)["restarts"] == 1  # a stop is not a crash


def test_a_command_that_ignores_sigterm_is_killed_after_the_grace(supervise):
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "time.sleep(60)"
    )
    proc, state = supervise(code, "--grace", "0.5")
    child = until(lambda: (s := read_state(state)) and s["pid"])
    time.sleep(0.3)  # let the child install its handler before the stop
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(5) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_what_a_killed_command_left_behind_is_killed_before_the_restart(
    supervise, tmp_path
):
    marker = tmp_path / "grandchild.pid"
    code = (
        "import os, subprocess, time; "
        f"p = subprocess.Popen(['sleep', '60']); open({str(marker)!r}, 'w')"
        ".write(str(p.pid)); time.sleep(60)"
    )
    proc, state = supervise(code)
    first = until(lambda: (s := read_state(state)) and s["pid"])
    grandchild = int(until(lambda: marker.exists() and marker.read_text()))
    marker.unlink()
    os.kill(first, signal.SIGKILL)  # the grandchild is orphaned, as a gunicorn worker
    until(lambda: (s := read_state(state)) and s["pid"] not in (None, first))
    until(lambda: not os.path.exists(f"/proc/{grandchild}"))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(5) == 0


def test_with_parent_the_command_stops_when_the_parent_dies(tmp_path):
    """A test run killed outright leaves nothing running: the supervisor started
    with --with-parent by a process that dies stops its command and itself."""
    state = tmp_path / "state.json"
    argv = [PY, "-m", "deploy.local.supervise", "--state", str(state),
            "--grace", "2", "--with-parent",
            "--", PY, "-c", "import time; time.sleep(60)"]  # fmt: skip
    parent = subprocess.Popen(
        [PY, "-c", "import subprocess, sys, time; "
         f"p = subprocess.Popen({argv!r}); print(p.pid, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, start_new_session=True, text=True,
    )  # fmt: skip
    try:
        supervisor = int(parent.stdout.readline())
        child = until(lambda: (s := read_state(state)) and s["pid"])
        parent.kill()
        parent.wait(5)

        def gone(pid):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            # an exited child of init is reaped at once; of us, it is a zombie
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().split(")")[1].split()[0] == "Z"

        until(lambda: gone(child) and gone(supervisor), timeout=10)
    finally:
        os.killpg(parent.pid, signal.SIGKILL)


def test_without_with_parent_the_command_outlives_the_parent(tmp_path):
    """deploy/local/apps starts supervisors from a shell that exits at once."""
    state = tmp_path / "state.json"
    argv = [PY, "-m", "deploy.local.supervise", "--state", str(state), "--",
            PY, "-c", "import time; time.sleep(60)"]  # fmt: skip
    parent = subprocess.Popen(
        [PY, "-c", f"import subprocess; print(subprocess.Popen({argv!r}).pid)"],
        stdout=subprocess.PIPE, start_new_session=True, text=True,
    )  # fmt: skip
    try:
        supervisor = int(parent.stdout.readline())
        parent.wait(5)
        child = until(lambda: (s := read_state(state)) and s["pid"])
        time.sleep(1)  # several of its polls
        os.kill(child, 0)
        os.kill(supervisor, 0)
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
