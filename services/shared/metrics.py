"""Prometheus metrics of every service process (prometheus-client).

Every metric a service reports is declared here, once; the dashboard and the alert
rules in deploy/monitoring/ refer to these names, and tests/integration/test_metrics.py
checks each name they use appears in a real scrape. nameko has no HTTP server, so
`Metrics` (a dependency provider every service class declares) serves `/metrics` on
PORTAL_METRICS_PORT (0: a free port, logged, so a second instance never clashes),
times each worker and reports the outbox and RabbitMQ backlogs when scraped.

Labels are bounded: service, method and event names, error codes and province codes,
never an id.
"""

import logging
import threading
import time

from kombu import Connection
from kombu import Queue as KombuQueue
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, Rpc
from nameko.timer import Timer
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from .config import METRICS_HOST, METRICS_PORT, database_url
from .database import make_engine
from .errors import ServiceError
from .outbox import OutboxRelay
from .provinces import province_label  # noqa: F401 - the services' label

log = logging.getLogger(__name__)

FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SLOW = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)

RPC_SECONDS = Histogram(
    "portal_rpc_duration_seconds",
    "Time a service took to answer an RPC, by method.",
    ["service", "method"],
    buckets=FAST,
)
RPC_ERRORS = Counter(
    "portal_rpc_errors_total",
    "RPCs that raised, by method, error code and kind (client: a 4xx ServiceError; "
    "server: anything else).",
    ["service", "method", "code", "kind"],
)
EVENT_SECONDS = Histogram(
    "portal_event_duration_seconds",
    "Time a service took to handle an event, by source service and event type.",
    ["service", "source", "event"],
    buckets=FAST,
)
EVENT_ERRORS = Counter(
    "portal_event_errors_total",
    "Event handlers that raised, by event and error code.",
    ["service", "source", "event", "code"],
)
TIMER_SECONDS = Histogram(
    "portal_timer_duration_seconds",
    "Time a periodic job (nameko timer) took, by method.",
    ["service", "method"],
    buckets=SLOW,
)
CONVERSIONS = Counter(
    "portal_conversions_total",
    "Files the conversion workers finished, by outcome (done, failed) and province.",
    ["outcome", "province"],
)
CONVERSION_SECONDS = Histogram(
    "portal_conversion_duration_seconds",
    "Time to fetch, convert and store one file, by outcome.",
    ["outcome"],
    buckets=SLOW,
)
EMAILS = Counter(
    "portal_emails_total",
    "Delivery attempts by the state they left the message in (sent, temp_failed, "
    "perm_failed) and province.",
    ["state", "province"],
)
BACKLOG_READ_ERRORS = Counter(
    "portal_backlog_read_errors_total",
    "Scrapes that could not read a backlog (source: outbox, queues, deliveries): its "
    "gauges are missing from that scrape.",
    ["service", "source"],
)
WEBHOOK_DELIVERIES = Counter(
    "portal_webhook_deliveries_total",
    "Webhook tries by what they left the delivery in: delivered, retry (to be tried "
    "again), failed (out of tries), disabled (410: the endpoint was disabled).",
    ["outcome"],
)
WEBHOOK_ATTEMPT_SECONDS = Histogram(
    "portal_webhook_attempt_duration_seconds",
    "Time one webhook try took (resolve, connect, send, answer), by the answer's "
    "class (2xx, 3xx, 4xx, 5xx, error: no answer).",
    ["status_class"],
    buckets=FAST,
)
WEBHOOK_EVENTS = Counter(
    "portal_webhook_events_total",
    "Events the webhooks service logged (once per event id), by event type.",
    ["type"],
)
OVERDUE = Gauge(
    "portal_dossiers_overdue",
    "Open dossiers past their deadline, by province (set by each deadline sweep).",
    ["province"],
)


# --- the HTTP server: one per process ------------------------------------------
_server = {}
_server_lock = threading.Lock()


def serve(host, port):
    """Start this process's /metrics server once; return the port it listens on."""
    with _server_lock:
        if "port" not in _server:
            server, _ = start_http_server(port, addr=host)
            _server["port"] = server.server_port
            log.info("metrics on http://%s:%s/metrics", host, _server["port"])
        return _server["port"]


# --- backlogs read when scraped --------------------------------------------------
class Backlogs:
    """Collector of the outbox and queue backlogs of the containers in this process."""

    def __init__(self):
        self.sources = []

    def describe(self):
        return []  # nothing to check at registration; collect() reads live figures

    def collect(self):
        backlog = GaugeMetricFamily(
            "portal_outbox_backlog",
            "Outbox rows committed but not yet published.",
            labels=["service"],
        )
        lag = GaugeMetricFamily(
            "portal_outbox_lag_seconds",
            "Age of the oldest unpublished outbox row (0 when none).",
            labels=["service"],
        )
        depth = GaugeMetricFamily(
            "portal_queue_messages",
            "Messages ready in the service's RabbitMQ queues.",
            labels=["service", "queue"],
        )
        consumers = GaugeMetricFamily(
            "portal_queue_consumers",
            "Consumers attached to the service's RabbitMQ queues.",
            labels=["service", "queue"],
        )
        for source in list(self.sources):
            source.report(backlog, lag, depth, consumers)
        yield from (backlog, lag, depth, consumers)


BACKLOGS = Backlogs()
REGISTRY.register(BACKLOGS)


class WebhookBacklog:
    """Collector of the pending webhook deliveries, per endpoint, of the webhooks
    senders in this process (each source: a callable answering
    [(endpoint, pending, oldest age in seconds)]). Bounded: the TOP endpoints with
    the most pending by subscription id, the rest summed under `other`."""

    TOP = 10

    def __init__(self):
        self.sources = []

    def describe(self):
        return []

    def collect(self):
        pending = GaugeMetricFamily(
            "portal_webhook_pending_deliveries",
            "Webhook deliveries waiting to be sent or tried again, by endpoint (the "
            f"{self.TOP} with the most by subscription id, the rest as `other`).",
            labels=["endpoint"],
        )
        age = GaugeMetricFamily(
            "portal_webhook_oldest_pending_seconds",
            "Age of the oldest pending webhook delivery, by endpoint (as above).",
            labels=["endpoint"],
        )
        for source in list(self.sources):
            try:
                rows = sorted(source(), key=lambda r: -r[1])
            except Exception as exc:  # noqa: BLE001 - a scrape never fails for it
                log.warning("webhook backlog unreadable: %s", exc)
                BACKLOG_READ_ERRORS.labels("webhooks", "deliveries").inc()
                continue
            top, rest = rows[: self.TOP], rows[self.TOP :]
            for endpoint, count, oldest in top:
                pending.add_metric([endpoint], count)
                age.add_metric([endpoint], oldest)
            if rest:
                pending.add_metric(["other"], sum(r[1] for r in rest))
                age.add_metric(["other"], max(r[2] for r in rest))
        yield from (pending, age)


WEBHOOK_BACKLOG = WebhookBacklog()
REGISTRY.register(WEBHOOK_BACKLOG)


class Source:
    """What one service container reports when scraped: its outbox and queues."""

    def __init__(self, container):
        self.service = container.service_name
        self.amqp_uri = container.config["AMQP_URI"]
        self.queues = sorted(
            {ext.queue.name for ext in container.extensions if work_queue(ext)}
        )
        relay = next(
            (d for d in container.dependencies if isinstance(d, OutboxRelay)), None
        )
        self.outbox, self.engine, self.sessions = None, None, None
        if relay is not None:
            url = container.config.get("DB_URL") or database_url(self.service)
            self.outbox = relay.model
            self.engine = make_engine(url, pool_size=1)
            self.sessions = sessionmaker(self.engine)

    def close(self):
        if self.engine is not None:
            self.engine.dispose()

    def report(self, backlog, lag, depth, consumers):
        if self.outbox is not None:
            try:
                rows, oldest, now = self._outbox()
                backlog.add_metric([self.service], rows)
                lag.add_metric(
                    [self.service], (now - oldest).total_seconds() if rows else 0
                )
            except Exception as exc:  # noqa: BLE001 - a scrape never fails for it
                log.warning("outbox backlog unreadable: %s", exc)
                BACKLOG_READ_ERRORS.labels(self.service, "outbox").inc()
        try:
            for name, ready, attached in self._queues():
                depth.add_metric([self.service, name], ready)
                consumers.add_metric([self.service, name], attached)
        except Exception as exc:  # noqa: BLE001
            log.warning("queue depth unreadable: %s", exc)
            BACKLOG_READ_ERRORS.labels(self.service, "queues").inc()

    def _outbox(self):
        model = self.outbox
        with self.sessions() as session:
            rows, oldest, now = session.execute(
                select(func.count(), func.min(model.created_at), func.now()).where(
                    model.published_at.is_(None)
                )
            ).one()
        return rows, oldest, now

    def _queues(self):
        # A passive declare reads a queue's counts without creating or changing it;
        # one channel each, since a queue gone closes the channel that asked.
        with Connection(self.amqp_uri, connect_timeout=3) as conn:
            for name in self.queues:
                try:
                    with conn.channel() as channel:
                        declared = channel.queue_declare(queue=name, passive=True)
                except conn.channel_errors as exc:
                    log.warning("queue %s unreadable: %s", name, exc)
                    BACKLOG_READ_ERRORS.labels(self.service, "queues").inc()
                    continue
                yield name, declared.message_count, declared.consumer_count


def work_queue(extension):
    """True for an RPC or event queue the service consumes work from.

    Not a reply queue of its RPC proxies (a random name per process: a new series at
    every restart) nor an exclusive one (another connection may not even look at it).
    """
    queue = getattr(extension, "queue", None)
    return (
        isinstance(queue, KombuQueue)
        and not isinstance(extension, ReplyListener)
        and not queue.exclusive
    )


# --- the provider --------------------------------------------------------------
class Metrics(DependencyProvider):
    """Serve /metrics and time every worker of the service (RPC, event, timer)."""

    def setup(self):
        cfg = self.container.config
        self.service = self.container.service_name
        self.started = {}
        self.port = serve(
            cfg.get(METRICS_HOST.key, METRICS_HOST.read()),
            int(cfg.get(METRICS_PORT.key, METRICS_PORT.read())),
        )

    def start(self):
        self.source = Source(self.container)
        BACKLOGS.sources.append(self.source)

    def stop(self):
        source = getattr(self, "source", None)
        if source in BACKLOGS.sources:
            BACKLOGS.sources.remove(source)
            source.close()

    def kill(self):
        self.stop()

    def worker_setup(self, worker_ctx):
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        seconds = time.perf_counter() - started
        entrypoint = worker_ctx.entrypoint
        exc = exc_info[1] if exc_info else None
        method = entrypoint.method_name
        if isinstance(entrypoint, Rpc):
            RPC_SECONDS.labels(self.service, method).observe(seconds)
            if exc is not None:
                code, kind = error_code(exc), error_kind(exc)
                RPC_ERRORS.labels(self.service, method, code, kind).inc()
        elif isinstance(entrypoint, EventHandler):
            labels = (self.service, entrypoint.source_service, entrypoint.event_type)
            EVENT_SECONDS.labels(*labels).observe(seconds)
            if exc is not None:
                EVENT_ERRORS.labels(*labels, error_code(exc)).inc()
        elif isinstance(entrypoint, Timer):
            TIMER_SECONDS.labels(self.service, method).observe(seconds)

    def worker_teardown(self, worker_ctx):
        self.started.pop(worker_ctx, None)


def error_kind(exc):
    """client: the caller's mistake (a 4xx ServiceError); server: anything else."""
    return "client" if isinstance(exc, ServiceError) and exc.status < 500 else "server"


def error_code(exc):
    """The stable code of a ServiceError, else the exception's class name."""
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code else type(exc).__name__
