"""Private instances of the components the fault tests stop and start again.

The shared infrastructure (deploy/local/infra) is used by every other run, so it is
never touched: the broker and the database a fault test restarts are its own, started
here in a temporary directory on the ports of the fault range (5690-5699 AMQP,
15690-15699 management, 25690-25699 Erlang distribution, 5440-5449 PostgreSQL).
OpenSearch, MinIO and SMTP stay shared; the stack reaches them through Toxiproxy
(`toxiproxy.py`), which cuts the connection without stopping the component.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def first_free(ports):
    for port in ports:
        if port_free(port):
            return port
    raise RuntimeError(f"no free port in {ports}")


def wait_for(what, check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} not up after {timeout} s")


class PrivateRabbit:
    """A RabbitMQ node of its own, data in a temporary dir (kept over restarts)."""

    def __init__(self, slot=None):
        slot = slot if slot is not None else first_free(range(5690, 5700)) - 5690
        self.port, self.mgmt_port, self.dist_port = (
            5690 + slot,
            15690 + slot,
            25690 + slot,
        )
        self.node = f"faults{slot}_{os.getpid()}@localhost"
        self.dir = Path(tempfile.mkdtemp(prefix="portal-rabbit-"))
        self.proc = None
        (self.dir / "enabled_plugins").write_text("[rabbitmq_management].\n")
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            f"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {self.mgmt_port}\n"
            # guest may connect from loopback only: all we need.
            "loopback_users.guest = true\n"
            # queue figures twice a second, to see which messages are in hand
            "collect_statistics_interval = 500\n"
        )
        cookie = self.dir / ".erlang.cookie"
        cookie.write_text(os.urandom(16).hex())
        cookie.chmod(0o400)

    @property
    def amqp_uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def mgmt_url(self):
        return f"http://guest:guest@127.0.0.1:{self.mgmt_port}"

    def in_hand(self, vhost):
        """Unacknowledged messages per queue: what consumers are handling now."""
        resp = requests.get(
            f"{self.mgmt_url}/api/queues/{requests.utils.quote(vhost, safe='')}",
            params={"columns": "name,messages_unacknowledged"},
            timeout=5,
        )
        resp.raise_for_status()
        return {q["name"]: q.get("messages_unacknowledged", 0) for q in resp.json()}

    def _env(self):
        env = dict(os.environ)
        env.update(
            HOME=str(self.dir),
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.dir / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.dir / "log"),
            RABBITMQ_CONFIG_FILE=str(self.dir / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.dir / "enabled_plugins"),
            RABBITMQ_PID_FILE=str(self.dir / "beam.pid"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=(
                "-kernel inet_dist_use_interface {127,0,0,1}"
            ),
            ERL_EPMD_ADDRESS="127.0.0.1",
        )
        return env

    def start(self, timeout=90):
        log = open(self.dir / "server.out", "ab")  # noqa: SIM115 - kept open
        self.proc = subprocess.Popen(
            [str(RABBIT_BIN / "rabbitmq-server")],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            "private RabbitMQ",
            lambda: requests.get(f"{self.mgmt_url}/api/overview", timeout=2).ok,
            timeout,
        )

    def stop(self):
        """Stop the node the hard way (what a crash or an operator's kill does)."""
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(20)
        self.proc = None
        wait_for("RabbitMQ port closed", lambda: port_free(self.port), 20)

    def restart(self, down_for):
        self.stop()
        time.sleep(down_for)  # the outage itself, not an assertion
        self.start()

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(*argv):
    """PostgreSQL refuses to run as root: its tools run as the `postgres` user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        prefix + [str(a) for a in argv], check=True, capture_output=True, timeout=90
    )


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb in a temporary directory, trust auth)."""

    def __init__(self, port=None):
        self.port = port or first_free(range(5440, 5450))
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.dir / "data"
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def dsn_base(self):
        return f"postgresql://portal:portal@127.0.0.1:{self.port}"

    def start(self):
        if not (self.data / "PG_VERSION").exists():
            as_postgres(
                PG_BIN / "initdb", "-D", self.data, "-U", "portal", "-E", "UTF8",
                "--locale=C.UTF-8", "--auth=trust",
            )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.dir} -c max_connections=300 "
            "-c fsync=off"
        )
        as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "server.log",
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip

    def stop(self, mode="immediate"):
        """`immediate` is a crash as far as clients are concerned: no goodbye."""
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def restart(self, down_for):
        self.stop()
        time.sleep(down_for)  # the outage itself, not an assertion
        self.start()

    def close(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class Toxiproxy:
    """A Toxiproxy server (deploy/local/install builds it) and its proxies.

    A component may have several addresses (a cluster's nodes): each gets its own
    proxy, all under the component's name. `down(name)` disables every proxy of it:
    open connections are cut and new ones refused, as when the component dies;
    `up(name)` lets connections through again.
    """

    def __init__(self, binary=None, port=None):
        cache = Path(os.environ.get("PORTAL_CACHE", Path.home() / ".cache/portal"))
        self.binary = binary or os.environ.get(
            "PORTAL_TOXIPROXY", str(cache / "bin" / "toxiproxy-server")
        )
        self.port = port or first_free(range(8470, 8480))
        self.api = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.next_port = 8480
        self.proxies = {}  # component -> the names of its proxies

    def start(self):
        if not Path(self.binary).exists():
            raise RuntimeError(f"{self.binary} missing: run deploy/local/install")
        self.proc = subprocess.Popen(
            [self.binary, "-host", "127.0.0.1", "-port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for("toxiproxy", lambda: requests.get(f"{self.api}/version").ok, 20)

    def proxy(self, name, upstreams):
        """Proxy each `host:port` of `upstreams`; return their listening addresses."""
        listening = []
        for upstream in upstreams:
            port = first_free(range(self.next_port, 8490))
            self.next_port = port + 1
            listen = f"127.0.0.1:{port}"
            proxy = f"{name}-{len(listening)}"
            body = {"name": proxy, "listen": listen, "upstream": upstream}
            resp = requests.post(f"{self.api}/proxies", json=body, timeout=5)
            resp.raise_for_status()
            self.proxies.setdefault(name, []).append(proxy)
            listening.append(listen)
        return listening

    def _set(self, name, enabled):
        for proxy in self.proxies[name]:
            requests.post(
                f"{self.api}/proxies/{proxy}", json={"enabled": enabled}, timeout=5
            ).raise_for_status()

    def down(self, name):
        self._set(name, False)

    def up(self, name):
        self._set(name, True)

    def close(self):
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
