"""A service whose database or broker is unreachable waits and retries.

It must neither exit nor spin: the runner (migrations) and nameko (broker) back off.
"""

import signal
import subprocess
import sys
import time

import pytest

from .. import stack as stack_module


def start_runner(env, log_path):
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "services.shared.runner", "accounts"],
        cwd=stack_module.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_retries(path, count, timeout=40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.read_text(errors="replace").count("etrying in") >= count:
            return True
        time.sleep(0.3)
    return False


@pytest.mark.parametrize(
    ("override", "what"),
    [
        (
            {"PORTAL_PG_DSN_BASE": "postgresql://portal:portal@127.0.0.1:1"},
            "migrations",
        ),
        ({"PORTAL_AMQP_URI": "amqp://portal:portal@127.0.0.1:1/"}, "broker"),
    ],
)
def test_unreachable_dependency_is_retried_with_backoff(
    stack, tmp_path, override, what
):
    env = dict(stack.env, **override)
    log = tmp_path / "runner.log"
    proc = start_runner(env, log)
    try:
        assert wait_for_retries(log, 3), log.read_text()
        assert proc.poll() is None, "the runner must keep waiting, not exit"
        assert what in log.read_text()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
