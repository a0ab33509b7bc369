"""Settings of the gateway (environment key, default, meaning)."""

from services.shared.config import AMQP_URI, LOG_LEVEL, RPC_TIMEOUT, Setting
from services.shared.session_tokens import SESSION_KEY

PORT = Setting("PORTAL_PORT", "8000", "Port the gateway listens on (127.0.0.1).", int)
MAX_BODY = Setting(
    "PORTAL_MAX_JSON_BODY", "1048576", "Largest JSON body accepted, in bytes.", int
)
RPC_POOL = Setting("PORTAL_RPC_POOL", "16", "RPC proxies kept open per process.", int)
PUBLIC_URL = Setting(
    "PORTAL_PUBLIC_URL", "http://127.0.0.1:8000", "Address citizens reach us at."
)

IDEMPOTENCY_TTL = Setting(
    "PORTAL_IDEMPOTENCY_TTL", "86400", "Seconds an Idempotency-Key is remembered.", int
)
IDEMPOTENCY_LEASE = Setting(
    "PORTAL_IDEMPOTENCY_LEASE",
    "60",
    "Seconds a running keyed request holds its key before another may take it over.",
    int,
)
RATE_WINDOW = Setting(
    "PORTAL_RATE_WINDOW", "60", "Length of a rate-limit window, in seconds.", int
)
RATE_USER = Setting(
    "PORTAL_RATE_LIMIT_USER", "600", "Requests per window of a signed-in user.", int
)
RATE_CLIENT = Setting(
    "PORTAL_RATE_LIMIT_CLIENT", "1200", "Requests per window of an API client.", int
)
RATE_CLIENT_PROVINCES = Setting(
    "PORTAL_RATE_LIMIT_CLIENT_PROVINCES",
    "",
    "Per-province API client budgets, e.g. '01=6000,79=3000' (others: the default).",
)
API_QUOTA_PROVINCES = Setting(
    "PORTAL_API_QUOTA_PROVINCES",
    "",
    "Per-province quotas of all its API clients together per quota window, "
    "e.g. '01=100000' (provinces not named: no quota).",
)
API_QUOTA_WINDOW = Setting(
    "PORTAL_API_QUOTA_WINDOW",
    "86400",
    "Length of a province's API quota window, in seconds.",
    int,
)
RATE_BATCH = Setting(
    "PORTAL_RATE_BATCH",
    "64",
    "Most rate-limit counts a gateway process takes from the database at once "
    "(1: one round trip per request; gateway/leases.py).",
    int,
)
RATE_ANONYMOUS = Setting(
    "PORTAL_RATE_LIMIT_ANONYMOUS",
    "300",
    "Requests per window of one IP address without identity.",
    int,
)
REVOCATION_HEARTBEAT = Setting(
    "PORTAL_REVOCATION_HEARTBEAT",
    "10",
    "Seconds between broker heartbeats of the session listener; after two without "
    "word from the broker, signed tokens go back to accounts until it reconnects.",
    float,
)

SETTINGS = (
    AMQP_URI,
    LOG_LEVEL,
    RPC_TIMEOUT,
    PORT,
    MAX_BODY,
    RPC_POOL,
    PUBLIC_URL,
    IDEMPOTENCY_TTL,
    IDEMPOTENCY_LEASE,
    RATE_WINDOW,
    RATE_USER,
    RATE_CLIENT,
    RATE_CLIENT_PROVINCES,
    API_QUOTA_PROVINCES,
    API_QUOTA_WINDOW,
    RATE_ANONYMOUS,
    RATE_BATCH,
    SESSION_KEY,
    REVOCATION_HEARTBEAT,
)
