"""A LibreOffice listener owned by one conversion worker: started with the worker,
killed and restarted when a conversion overruns its time limit or the listener
dies, and recycled after N conversions so its memory stays flat.

Why per worker rather than signalling the shared `uno` component: a stuck conversion
then blocks only its own worker; killing it cannot abort another worker's conversion
in flight; it needs no pid file on a shared disk nor the right to signal another
user's process; and capacity scales by starting converter processes (one listener
each, one per core). The shared listener stays the default for development.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

log = logging.getLogger(__name__)


def free_port(host):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _group_and_name(pid):
    """Return (process group, command name) of a pid from /proc (None if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[2]), name


class ManagedListener:
    """One unoserver (+ soffice) in its own process group, on free local ports."""

    def __init__(self, command, host="127.0.0.1", recycle_after=1000, start_timeout=90):
        self.command, self.host = command, host
        self.recycle_after, self.start_timeout = recycle_after, start_timeout
        self.profile = tempfile.mkdtemp(prefix="portal-uno-profile-")
        self.process, self.port, self.conversions, self.restarts = None, None, 0, 0

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def office_pid(self):
        """Return the pid of the listener's soffice.bin (None when not running)."""
        if self.process is None:
            return None
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _group_and_name(entry) == (
                self.process.pid,
                "soffice.bin",
            ):
                return int(entry)
        return None

    def start(self):
        self.port = free_port(self.host)
        argv = [
            *self.command.split(),
            "--interface", self.host,
            "--port", str(self.port),
            "--uno-interface", self.host,
            "--uno-port", str(free_port(self.host)),
            "--user-installation", os.path.join(self.profile, "user"),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.conversions = 0
        self._wait_ready()
        log.info("uno listener started (pid %s, port %s)", self.pid, self.port)

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while not port_open(self.host, self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise OSError(f"uno listener did not start (port {self.port})")
            time.sleep(0.2)

    def stop(self):
        """Kill the listener's whole process group (unoserver and soffice)."""
        if self.process is None:
            return
        office = self.office_pid()
        for kill in (lambda: os.killpg(self.process.pid, signal.SIGKILL),
                     lambda: office and os.kill(office, signal.SIGKILL)):  # fmt: skip
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            log.warning("uno listener %s did not exit", self.pid)
        self.process = None

    def restart(self, why):
        log.warning("restarting uno listener %s: %s", self.pid, why)
        self.stop()
        self.restarts += 1
        self.start()

    def converted(self):
        """Count a conversion; recycle the listener after `recycle_after` of them."""
        self.conversions += 1
        if self.recycle_after and self.conversions >= self.recycle_after:
            self.restart(f"recycled after {self.conversions} conversions")

    def close(self):
        self.stop()
        shutil.rmtree(self.profile, ignore_errors=True)
