"""Start the whole system for one test run, isolated from every other run.

Each run gets its own RabbitMQ vhost, databases (name prefix), index prefix and bucket
prefix on the real, already running infrastructure (deploy/local/infra start), then
runs every service and the gateway as real processes, exactly as `deploy/local/up`
does, and removes what it created when it ends.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
SERVICES = (
    "accounts",
    "dossiers",
    "files",
    "files.converter:ConverterService",
    "notify",
    "search",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The processes and isolated resources of one test run."""

    def __init__(self, base_env=None):
        self.base_env = dict(base_env or os.environ)
        self.run_id = uuid.uuid4().hex[:8]
        self.created = time.time()
        self.vhost = f"test-{self.run_id}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = ROOT / "var" / "log" / f"test-{self.run_id}"
        self.processes = {}
        self.env = self._environment()

    def _environment(self):
        env = dict(self.base_env)
        base = urlsplit(
            env.get("PORTAL_AMQP_URI", "amqp://portal:portal@127.0.0.1:5673/")
        )
        env["PORTAL_AMQP_URI"] = urlunsplit(base._replace(path="/" + self.vhost))
        env["PORTAL_DB_PREFIX"] = f"t{self.run_id}_"
        env["PORTAL_INDEX_PREFIX"] = f"t{self.run_id}-"
        env["PORTAL_BUCKET_PREFIX"] = f"t{self.run_id}-"
        env["PORTAL_PORT"] = str(self.port)
        env["PORTAL_PUBLIC_URL"] = self.url
        # An answer outside its contract fails the call instead of only logging.
        env["PORTAL_CONTRACT_STRICT"] = "1"
        # Province 01 lets its procedures link to this outside host (tests of it).
        env.setdefault("PORTAL_LINK_HOSTS", "01=dichvucong.gov.vn")
        env.setdefault("PORTAL_MAIL_DIR", str(ROOT / "var" / "mail"))
        env.setdefault("PORTAL_ADMIN_EMAIL", "operator@portal.test")
        env.setdefault("PORTAL_ADMIN_PASSWORD", "Operator-Test-2026!")
        # Every run scans uploads with the real ClamAV daemon of deploy/local/infra
        # (env.sh sets the same command; this default holds without it).
        clamd_conf = env.get(
            "PORTAL_CLAMD_CONF", str(ROOT / "var" / "data" / "clamav" / "clamd.conf")
        )
        env.setdefault(
            "PORTAL_SCAN_COMMAND",
            f"clamdscan --no-summary --config-file={clamd_conf} -",
        )
        env["PYTHONPATH"] = str(ROOT)
        return env

    # RabbitMQ vhost -------------------------------------------------------------
    def _mgmt(self):
        return self.base_env.get(
            "PORTAL_RABBIT_MGMT_URL", "http://portal:portal@127.0.0.1:15673"
        )

    def _vhost_url(self, suffix=""):
        return f"{self._mgmt()}/api/vhosts/{quote(self.vhost, safe='')}{suffix}"

    def create_vhost(self):
        requests.put(self._vhost_url(), timeout=10).raise_for_status()
        user = urlsplit(self._mgmt()).username or "portal"
        requests.put(
            f"{self._mgmt()}/api/permissions/{quote(self.vhost, safe='')}/{user}",
            json={"configure": ".*", "write": ".*", "read": ".*"},
            timeout=10,
        ).raise_for_status()

    def delete_vhost(self):
        requests.delete(self._vhost_url(), timeout=10)

    # processes ------------------------------------------------------------------
    def start_process(self, name, argv):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open
        self.processes[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_service(self, target):
        name = target.replace(":", "-")
        self.start_process(
            name, [sys.executable, "-m", "services.shared.runner", target]
        )

    def start_gateway(self):
        self.start_process(
            "gateway",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "gateway.app:get_app()",
            ],
        )

    def stop_process(self, name, sig=signal.SIGTERM, wait=15):
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def wait_ready(self, timeout=120):
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                last = requests.get(f"{self.url}/readyz", timeout=5)
                if last.status_code == 200:
                    return last.json()
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.5)
        raise RuntimeError(f"stack not ready: {getattr(last, 'text', last)}")

    def _check_alive(self):
        for name, proc in self.processes.items():
            if proc.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")
                raise RuntimeError(f"{name} exited:\n{tail[-3000:]}")

    def start(self, services=SERVICES):
        self.create_vhost()
        for target in services:
            self.start_service(target)
        self.start_gateway()
        return self.wait_ready()

    def stop(self):
        # Signal every process first, then wait: each nameko service takes 2-3 s to
        # stop, so one by one the teardown took the sum, in parallel the slowest.
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name in list(self.processes):
            self.stop_process(name)
        self.delete_vhost()
        self.drop_databases()
        self.delete_indices()

    # cleanup of isolated resources ----------------------------------------------
    def drop_databases(self):
        dsn = self.base_env.get(
            "PORTAL_PG_DSN_BASE", "postgresql://portal:portal@127.0.0.1:5433"
        )
        engine = create_engine(f"{dsn}/postgres", isolation_level="AUTOCOMMIT")
        prefix = self.env["PORTAL_DB_PREFIX"]
        with engine.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": prefix + "%"},
            ).scalars()
            for name in list(names):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    def delete_indices(self):
        base = self.base_env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
        try:
            requests.delete(
                f"{base}/{self.env['PORTAL_INDEX_PREFIX']}*",
                params={"expand_wildcards": "all"},
                timeout=10,
            )
        except requests.RequestException:
            pass
