"""gunicorn settings of the gateway (`gunicorn -c python:gateway.gunicorn_conf ...`).

prometheus-client's multiprocess mode needs PROMETHEUS_MULTIPROC_DIR set before it is
first imported and wiped between runs, so the master makes a fresh directory for this
run here (under PORTAL_GATEWAY_METRICS_DIR, default the system temporary directory),
marks each exited worker dead (its live gauges go) and removes the directory on exit.
Nothing in this module may import prometheus_client at its top.
"""

import os
import shutil
import tempfile

_base = os.environ.get("PORTAL_GATEWAY_METRICS_DIR") or None
if _base:
    os.makedirs(_base, exist_ok=True)
metrics_dir = tempfile.mkdtemp(prefix="portal-gateway-metrics-", dir=_base)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
