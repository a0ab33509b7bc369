"""Start, stop and break the local clusters of `deploy/local/infra --cluster`.

The cluster topology (ports, node counts, URIs) is env.sh's: this module reads it by
sourcing env.sh with PORTAL_CLUSTER=1 in an environment cleared of PORTAL_* values,
so the tests use exactly what `PORTAL_CLUSTER=1 deploy/local/up` would.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "deploy" / "local" / "infra"
KEEP = ("PORTAL_CACHE", "PORTAL_VENV", "PORTAL_UNO_VENV")
# How long a node may take to be ready (infra's own bound is 120 s): the clusters
# start together on two shared cores, where a JVM alone was seen to need 130 s.
START_TIMEOUT = 300


def _base_environ():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({k: os.environ[k] for k in KEEP if k in os.environ})
    env["PORTAL_CLUSTER"] = "1"
    return env


def cluster_environ():
    """Every PORTAL_* value env.sh gives cluster mode."""
    out = subprocess.run(
        ["bash", "-c", ". deploy/local/env.sh && env -0"],
        cwd=ROOT,
        env=_base_environ(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    pairs = (item.split("=", 1) for item in out.split("\0") if "=" in item)
    return {k: v for k, v in pairs if k.startswith("PORTAL_")}


class Cluster:
    """The nodes of one clustered component (rabbitmq, opensearch or minio)."""

    def __init__(self, component):
        self.component = component
        self.env = cluster_environ()
        self.var = Path(self.env["PORTAL_VAR"])

    def infra(self, command, *names, timeout=START_TIMEOUT + 60):
        env = dict(_base_environ(), PORTAL_START_TIMEOUT=str(START_TIMEOUT))
        subprocess.run(
            [str(INFRA), "--cluster", command, *(names or (self.component,))],
            env=env,
            check=True,
            timeout=timeout,
        )

    @property
    def stem(self):
        """What the names of its nodes (pid files, data dirs) start with."""
        return {"minio": "minio-ec"}.get(self.component, self.component + "-c")

    def data_dirs(self):
        return sorted((self.var / "data").glob(self.stem + "*"))

    def nodes(self):
        """The nodes that have been started (a pid file each)."""
        pids = (self.var / "run").glob(self.stem + "*.pid")
        return sorted(p.name[: -len(".pid")] for p in pids if ".beam." not in p.name)

    def start_fresh(self):
        """Start the cluster on empty data directories (a cluster formed anew)."""
        self.kill_all()
        for path in self.data_dirs():
            shutil.rmtree(path)
        self.infra("start")

    def kill_all(self):
        """SIGKILL every node: the cluster's data is thrown away after a test (the
        next start is fresh), so a graceful stop would only cost time."""
        for node in self.nodes():
            self.kill(node)
            # no pid file left to name a process that may later reuse the pid
            for path in (self.var / "run").glob(node + ".*pid"):
                path.unlink()

    def stop(self, *nodes):
        self.infra("stop", *nodes)

    def start(self, *nodes):
        self.infra("start", *nodes)

    def management_url(self, node):
        """RabbitMQ management API of node `node` (1-based)."""
        port = int(self.env["PORTAL_CLUSTER_RABBIT_MGMT_PORT"]) + node - 1
        return f"http://portal:portal@127.0.0.1:{port}"

    def pid(self, node):
        return int((self.var / "run" / f"{node}.pid").read_text().split()[0])

    def kill(self, node):
        """SIGKILL a node's whole process group, as a crash or an OOM kill would."""
        try:
            pid = self.pid(node)
            os.killpg(pid, signal.SIGKILL)
        except (FileNotFoundError, ProcessLookupError):
            return  # not running
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError(f"{node} (pid {pid}) still alive after SIGKILL")
