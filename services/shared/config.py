"""Settings read from the environment, each declared once with a default and help.

Defaults work on one developer machine (see deploy/local/env.sh); production sets the
environment. Nothing here is read at import time: services call `load()` in the runner.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One configuration key: its environment name, default and meaning."""

    key: str
    default: str
    help: str
    cast: type = str

    def read(self, environ=None):
        """Return the value from the environment, cast, or the default."""
        environ = os.environ if environ is None else environ
        raw = environ.get(self.key, self.default)
        if self.cast is bool:
            return str(raw).lower() in {"1", "true", "yes", "on"}
        return self.cast(raw)


AMQP_URI = Setting(
    "PORTAL_AMQP_URI",
    "amqp://portal:portal@127.0.0.1:5673/",
    "RabbitMQ URI (vhost included) for RPC and events.",
)
PG_DSN_BASE = Setting(
    "PORTAL_PG_DSN_BASE",
    "postgresql://portal:portal@127.0.0.1:5433",
    "PostgreSQL server DSN without database; each service appends its own.",
)
DB_PREFIX = Setting(
    "PORTAL_DB_PREFIX", "", "Prefix of every service database name (tests set one)."
)
MAX_WORKERS = Setting(
    "PORTAL_MAX_WORKERS", "10", "Concurrent workers per service instance.", int
)
RPC_TIMEOUT = Setting(
    "PORTAL_RPC_TIMEOUT", "15", "Seconds an RPC may take before it fails.", float
)
LOG_LEVEL = Setting("PORTAL_LOG_LEVEL", "INFO", "Log level of every process.")
METRICS_PORT = Setting(
    "PORTAL_METRICS_PORT",
    "0",
    "Port of a service process's /metrics (0: a free one, written to the log).",
    int,
)
METRICS_HOST = Setting(
    "PORTAL_METRICS_HOST", "127.0.0.1", "Address a service's /metrics listens on."
)
PEER_TIMEOUT = Setting(
    "PORTAL_PEER_TIMEOUT",
    "10",
    "Seconds a service waits for another service's answer before answering 503.",
    float,
)
CLOCK_FROM_CONTEXT = Setting(
    "PORTAL_CLOCK_FROM_CONTEXT",
    "0",
    "Let an RPC's context data `clock` (ISO time) set the moment it runs at: the demo"
    " seeder back-dates history with it (deploy/local/up sets 1; never in production).",
    bool,
)
CONTRACT_STRICT = Setting(
    "PORTAL_CONTRACT_STRICT",
    "0",
    "Raise (not only log) when an RPC answers outside its contract (tests set 1).",
    bool,
)

COMMON = (
    AMQP_URI,
    PG_DSN_BASE,
    DB_PREFIX,
    MAX_WORKERS,
    RPC_TIMEOUT,
    LOG_LEVEL,
    METRICS_PORT,
    METRICS_HOST,
    PEER_TIMEOUT,
    CONTRACT_STRICT,
)


def load(settings, environ=None):
    """Return a dict of setting key → value for the given settings."""
    return {s.key: s.read(environ) for s in settings}


def database_url(service_name, environ=None):
    """Return the SQLAlchemy URL of a service's own database."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(f"PORTAL_{service_name.upper()}_DB_URL")
    if explicit:
        return explicit
    base = PG_DSN_BASE.read(environ).replace("postgresql://", "postgresql+psycopg2://")
    return f"{base}/{DB_PREFIX.read(environ)}{service_name}"


def nameko_config(settings, environ=None):
    """Return the config dict a nameko container runs with."""
    values = load(COMMON + tuple(settings), environ)
    values["AMQP_URI"] = values[AMQP_URI.key]
    values["max_workers"] = values[MAX_WORKERS.key]
    values["serializer"] = "json"
    return values
