"""Start the whole system for one test run, isolated from every other run.

Each run gets its own RabbitMQ vhost, databases (name prefix), index prefix and bucket
prefix on the real, already running infrastructure (deploy/local/infra start), then
runs every service and the gateway as real processes, exactly as `deploy/local/up`
does (each under `deploy.local.supervise`, which starts it again after a crash), and
removes what it created when it ends.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from deploy.local.supervise import read_state
from services.files import pki
from services.shared import routes

ROOT = Path(__file__).resolve().parent.parent
SERVICES = (
    "accounts",
    "dossiers",
    "files",
    "files.converter:ConverterService",
    "notify",
    "search",
    "webhooks",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(conn, name, tries=10):
    """DROP ... WITH (FORCE), again while autovacuum works in it: FORCE may not end
    an autovacuum worker (it has no role ours is a member of: "must be a member of
    the role whose process is being terminated"), which stops in a moment."""
    for attempt in range(tries):
        try:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError:
            conn.rollback()
            if attempt == tries - 1:
                raise
            time.sleep(0.5)


def with_vhost(amqp_uri, vhost):
    """The URI (or ';'-separated failover list of URIs) with each pointing at vhost."""
    return ";".join(
        urlunsplit(urlsplit(uri)._replace(path="/" + quote(vhost, safe="")))
        for uri in amqp_uri.split(";")
    )


OWNER = "owner.json"  # in a run's log directory: the pid of the process it serves


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def remove_leftovers(base_env=None):
    """Drop the vhost, databases and indices of earlier runs whose process died
    without stopping them (killed outright: their processes stop with it, see
    `--with-parent`, but what they made on the shared components stays). Their
    logs are kept. Returns the run ids swept."""
    swept = []
    for owner in sorted((ROOT / "var" / "log").glob(f"test-*/{OWNER}")):
        try:
            pid = int(json.loads(owner.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if alive(pid):
            continue
        owner.unlink(missing_ok=True)  # first sweeper only
        run_id = owner.parent.name.removeprefix("test-")
        try:
            Stack(base_env, run_id=run_id).remove_resources()
        except Exception as exc:  # noqa: BLE001 - never keeps a new run from starting
            print(f"leftovers of run {run_id} not removed: {exc!r}", file=sys.stderr)
            continue
        swept.append(run_id)
    return swept


class Stack:
    """The processes and isolated resources of one test run."""

    def __init__(self, base_env=None, run_id=None):
        self.base_env = dict(base_env or os.environ)
        self.run_id = run_id or uuid.uuid4().hex[:8]
        self.created = time.time()
        self.vhost = f"test-{self.run_id}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = ROOT / "var" / "log" / f"test-{self.run_id}"
        self.processes = {}
        self.metrics_ports = {}
        self.pki_dir = ROOT / "var" / f"pki-test-{self.run_id}"
        self.env = self._environment()

    def _environment(self):
        env = dict(self.base_env)
        env["PORTAL_AMQP_URI"] = with_vhost(
            env.get("PORTAL_AMQP_URI", "amqp://portal:portal@127.0.0.1:5673/"),
            self.vhost,
        )
        env["PORTAL_DB_PREFIX"] = f"t{self.run_id}_"
        env["PORTAL_INDEX_PREFIX"] = f"t{self.run_id}-"
        env["PORTAL_BUCKET_PREFIX"] = f"t{self.run_id}-"
        env["PORTAL_PORT"] = str(self.port)
        env["PORTAL_PUBLIC_URL"] = self.url
        # An answer outside its contract fails the call instead of only logging.
        env["PORTAL_CONTRACT_STRICT"] = "1"
        # the demo seeder (tests/e2e/test_demo_seed.py) back-dates history with it
        env["PORTAL_CLOCK_FROM_CONTEXT"] = "1"
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
        # The suite makes thousands of requests from one address in minutes: budgets
        # so high it is never throttled (tests of the limits start their own gateway).
        for kind in ("USER", "CLIENT", "ANONYMOUS"):
            env.setdefault(f"PORTAL_RATE_LIMIT_{kind}", "10000000")
        # Webhooks may call the tests' local receivers, retry within the test's
        # time and give a hanging receiver up quickly.
        env.setdefault("PORTAL_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
        env.setdefault("PORTAL_WEBHOOK_RETRY_BASE", "0.3")
        env.setdefault("PORTAL_WEBHOOK_TIMEOUT", "1.5")
        env.setdefault("PORTAL_WEBHOOK_POLL", "0.2")
        # a rebuild waits this long for every search instance to see it begin
        env.setdefault("PORTAL_SEARCH_REBUILD_POLL", "0.5")
        env.setdefault("PORTAL_WEBHOOK_SECRET_KEYS", Fernet.generate_key().decode())
        # Accounts signs session tokens with it and the gateways check them locally.
        env.setdefault("PORTAL_SESSION_KEY", secrets.token_urlsafe(32))
        # Its own SoftHSM2 token and local CA (services/files/pki.py), PINs of its own;
        # agencies get their signing key on first use.
        env["PORTAL_PKI_DIR"] = str(self.pki_dir)
        env["SOFTHSM2_CONF"] = str(self.pki_dir / "softhsm2.conf")
        env["PORTAL_HSM_PIN"] = secrets.token_hex(8)
        env["PORTAL_HSM_SO_PIN"] = secrets.token_hex(8)
        env["PORTAL_SIGNING_ENROL"] = "1"
        # the run's own payment provider (deploy/local/payment_simulator.py)
        # a port of the kernel's choosing: a fixed range let two runs starting at once
        # (parallel workers) pick the same first free one
        self.payment_url = f"http://127.0.0.1:{free_port()}"
        env["PORTAL_PAYMENT_MERCHANT"] = f"T{self.run_id.upper()}"
        env["PORTAL_PAYMENT_SECRET"] = secrets.token_hex(24)
        env["PORTAL_PAYMENT_URL"] = f"{self.payment_url}/paymentv2/vpcpay.html"
        env["PORTAL_PAYMENT_API_URL"] = (
            f"{self.payment_url}/merchant_webapi/api/transaction"
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
        # a cluster's vhost makes nameko's durable queues quorum queues (env.sh)
        queue_type = self.base_env.get("PORTAL_RABBIT_QUEUE_TYPE")
        body = {"defaultqueuetype": queue_type} if queue_type else {}
        requests.put(self._vhost_url(), json=body, timeout=10).raise_for_status()
        user = urlsplit(self._mgmt()).username or "portal"
        requests.put(
            f"{self._mgmt()}/api/permissions/{quote(self.vhost, safe='')}/{user}",
            json={"configure": ".*", "write": ".*", "read": ".*"},
            timeout=10,
        ).raise_for_status()

    def delete_vhost(self):
        # best effort: a cluster that lost a node may take long to delete its queues,
        # and the databases must be dropped whatever happens here
        try:
            requests.delete(self._vhost_url(), timeout=30)
        except requests.RequestException:
            pass

    # processes ------------------------------------------------------------------
    def state_path(self, name):
        return self.log_dir / f"{name}.state.json"

    def supervised(self, name):
        """The supervisor's record of `name`: pid, restarts, last exit."""
        return read_state(self.state_path(name)) or {}

    def pid(self, name, timeout=10):
        """The pid of the process itself (not its supervisor), once it runs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pid := self.supervised(name).get("pid"):
                return pid
            time.sleep(0.05)
        raise RuntimeError(f"{name} is not running")

    def start_process(self, name, argv, env=None):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open
        supervisor = [sys.executable, "-m", "deploy.local.supervise"]
        # --with-parent: a run killed outright (SIGKILL, a CI timeout) takes its
        # processes with it instead of leaving them polling the shared components
        supervisor += ["--state", str(self.state_path(name)), "--with-parent", "--"]
        self.processes[name] = subprocess.Popen(
            supervisor + argv,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_service(self, target):
        name = target.replace(":", "-")
        # Each process gets its own /metrics port, known here so tests can scrape it.
        self.metrics_ports[name] = free_port()
        env = dict(self.env, PORTAL_METRICS_PORT=str(self.metrics_ports[name]))
        self.start_process(
            name, [sys.executable, "-m", "services.shared.runner", target], env
        )

    def metrics_url(self, name):
        """The /metrics URL of "gateway" or a service process (":" written "-")."""
        if name == "gateway":
            return f"{self.url}/metrics"
        return f"http://127.0.0.1:{self.metrics_ports[name]}/metrics"

    def start_gateway(self, name="gateway", port=None, env=None):
        """Start a gateway (another instance: its own name, port and settings)."""
        port = port or self.port
        self.start_process(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:gateway.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                # Two workers, as deployed: metrics must add up across processes.
                "--workers",
                "2",
                "--threads",
                "8",
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "gateway.app:get_app()",
            ],
            dict(self.env, **(env or {}), PORTAL_PORT=str(port)),
        )
        return f"http://127.0.0.1:{port}"

    def start_extra_gateway(self, name, env, timeout=60):
        """Another gateway instance on the same stack, with its own settings; its URL.

        Returns once it answers /healthz (it needs no service for that).
        """
        url = self.start_gateway(name, free_port(), env)
        deadline, baseline = time.monotonic() + timeout, self.restarts()
        while time.monotonic() < deadline:
            self._check_alive(baseline)
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return url
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{name} not live at {url}")

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
        baseline = self.restarts()
        while time.monotonic() < deadline:
            self._check_alive(baseline)
            try:
                last = requests.get(f"{self.url}/readyz", timeout=5)
                if last.status_code == 200:
                    return last.json()
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.5)
        raise RuntimeError(f"stack not ready: {getattr(last, 'text', last)}")

    def _check_alive(self, baseline):
        """Fail fast on a supervisor gone, or a process that keeps crashing while we
        wait (three restarts since `baseline`, the counts when the wait began)."""
        for name, proc in self.processes.items():
            restarts = self.supervised(name).get("restarts", 0)
            crashing = restarts - baseline.get(name, 0) >= 3
            if proc.poll() is not None or crashing:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")
                raise RuntimeError(f"{name} exited:\n{tail[-3000:]}")

    def restarts(self):
        """How many times each process was started again after a crash."""
        return {
            name: self.supervised(name).get("restarts", 0) for name in self.processes
        }

    def start_payment_simulator(self):
        port = urlsplit(self.payment_url).port
        ipn = self.url + routes.PAGES["payment_ipn"]
        argv = ["-m", "deploy.local.payment_simulator", "--port", str(port)]
        self.start_process(
            "payment-simulator", [sys.executable, *argv, "--ipn-url", ipn]
        )

    def start(self, services=SERVICES):
        remove_leftovers(self.base_env)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        (self.log_dir / OWNER).write_text(json.dumps({"pid": os.getpid()}))
        self.create_vhost()
        pki.ensure(pki.PkiSettings.from_env(self.env))
        self.start_payment_simulator()
        for target in services:
            self.start_service(target)
        self.start_gateway()
        return self.wait_ready()

    def stop(self):
        self.stop_processes()
        self.remove_resources()
        (self.log_dir / OWNER).unlink(missing_ok=True)

    def stop_processes(self):
        # Signal every process first, then wait: each nameko service takes 2-3 s to
        # stop, so one by one the teardown took the sum, in parallel the slowest.
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name in list(self.processes):
            self.stop_process(name)

    def remove_resources(self):
        """The run's vhost, databases and indices (each best effort but the
        databases, which must go whatever happened before)."""
        self.delete_vhost()
        self.drop_databases()
        self.delete_indices()
        shutil.rmtree(self.pki_dir, ignore_errors=True)

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
                drop_database(conn, name)
        engine.dispose()

    def delete_indices(self):
        urls = self.base_env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
        for base in urls.split(","):  # a cluster's nodes: the first that answers
            try:
                requests.delete(
                    f"{base}/{self.env['PORTAL_INDEX_PREFIX']}*",
                    params={"expand_wildcards": "all"},
                    timeout=10,
                )
                return
            except requests.RequestException:
                continue
