"""The gateway's Prometheus metrics: request latency by route template, `/metrics`.

gunicorn runs several worker processes; prometheus-client's multiprocess mode keeps
each worker's figures in files of one directory (PROMETHEUS_MULTIPROC_DIR, made fresh
for every run by gateway/gunicorn_conf.py) and `/metrics` adds them up, so a scrape
answered by any worker reports them all. Without that variable (tests of the app
alone) the process's own registry is served.
"""

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from services.shared.provinces import province_label

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
HTTP_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time the gateway took to answer, by route template, method and status.",
    ["route", "method", "status"],
    buckets=BUCKETS,
)
# The national view of load: requests by the caller's province and kind (35 × 6
# series at most; the route stays on HTTP_SECONDS, not multiplied by provinces).
PROVINCE_REQUESTS = Counter(
    "portal_http_province_requests_total",
    "Requests the gateway answered, by the caller's province (none: anonymous or "
    "national), the caller's kind and the status class (2xx, 4xx...).",
    ["province", "kind", "status_class"],
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
KINDS = ("citizen", "business", "staff", "operator", "client", "anonymous")
UNROUTED = "unrouted"  # refused before routing (text guard) or no route matched


class RequestMetrics:
    """Falcon middleware timing every request; first in the chain, so it sees all."""

    def process_request(self, req, resp):
        req.context.metrics_started = time.perf_counter()

    def process_response(self, req, resp, resource, req_succeeded):
        started = req.context.get("metrics_started")
        if started is None:
            return
        route = req.uri_template or UNROUTED
        method = req.method if req.method in METHODS else "other"
        HTTP_SECONDS.labels(route, method, str(resp.status_code)).observe(
            time.perf_counter() - started
        )
        caller = req.context.get("caller") or {}
        kind = caller.get("kind") if caller.get("kind") in KINDS else "anonymous"
        PROVINCE_REQUESTS.labels(
            province_label(caller.get("province")), kind, f"{resp.status_code // 100}xx"
        ).inc()


def registry():
    """The registry to expose: every worker's files in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)
    return combined


class MetricsResource:
    def on_get(self, req, resp):
        """Prometheus text format of the gateway's metrics (all workers)."""
        resp.content_type = CONTENT_TYPE_LATEST
        resp.data = generate_latest(registry())


def routes(rpc):
    return [("/metrics", MetricsResource())]
