"""Settings of the webhooks service (environment key, default, meaning)."""

from services.shared.config import Setting

ALLOWED_HOSTS = Setting(
    "PORTAL_WEBHOOK_ALLOWED_HOSTS",
    "",
    "Comma-separated hosts a webhook may target although they resolve to a loopback, "
    "link-local or private address (tests allow 127.0.0.1); empty: public hosts only.",
)
SENDERS = Setting(
    "PORTAL_WEBHOOK_SENDERS",
    "16",
    "Sender threads per instance; each serves one endpoint at a time, so a slow "
    "endpoint holds one thread and never delays the others.",
    int,
)
IN_FLIGHT = Setting(
    "PORTAL_WEBHOOK_IN_FLIGHT",
    "10",
    "Tries in flight at once to one endpoint (its sender thread sends its due "
    "deliveries through a pool of this size): a slow endpoint is served "
    "concurrently, a dead one holds at most this many connections. 10: a batch of "
    "50 is five full rounds, and a 0.5 s endpoint gets 20 a second.",
    int,
)
BATCH = Setting(
    "PORTAL_WEBHOOK_BATCH", "50", "Deliveries a sender takes from its endpoint.", int
)
POLL = Setting(
    "PORTAL_WEBHOOK_POLL", "0.5", "Seconds between polls for due deliveries.", float
)
LEASE = Setting(
    "PORTAL_WEBHOOK_LEASE",
    "60",
    "Seconds a sender's claim on an endpoint lasts unless renewed (a dead "
    "instance's endpoints are taken over after at most this).",
    float,
)
TIMEOUT = Setting(
    "PORTAL_WEBHOOK_TIMEOUT",
    "10",
    "Seconds to connect to an endpoint and again to read its answer.",
    float,
)
RETRY_BASE = Setting(
    "PORTAL_WEBHOOK_RETRY_BASE",
    "5",
    "Seconds before the first retry; ×4 each try (±20 % jitter), at most a day.",
    float,
)
MAX_ATTEMPTS = Setting(
    "PORTAL_WEBHOOK_MAX_ATTEMPTS",
    "11",
    "Tries before a delivery fails for good (11 with the defaults: about 3 days).",
    int,
)
ROTATION_GRACE = Setting(
    "PORTAL_WEBHOOK_ROTATION_GRACE",
    "86400",
    "Seconds deliveries stay signed with the previous secret too after a rotation.",
    float,
)
SECRET_KEYS = Setting(
    "PORTAL_WEBHOOK_SECRET_KEYS",
    "",
    "Comma-separated Fernet keys the signing secrets are stored encrypted with: the "
    "first encrypts, all decrypt (rotation). Required: no default in code "
    "(deploy/local/env.sh sets a development key).",
)

SETTINGS = (
    ALLOWED_HOSTS,
    SENDERS,
    IN_FLIGHT,
    BATCH,
    POLL,
    LEASE,
    TIMEOUT,
    RETRY_BASE,
    MAX_ATTEMPTS,
    ROTATION_GRACE,
    SECRET_KEYS,
)
