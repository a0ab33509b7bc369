"""Settings of the gateway (environment key, default, meaning)."""

from services.shared.config import AMQP_URI, LOG_LEVEL, RPC_TIMEOUT, Setting

PORT = Setting("PORTAL_PORT", "8000", "Port the gateway listens on (127.0.0.1).", int)
MAX_BODY = Setting(
    "PORTAL_MAX_JSON_BODY", "1048576", "Largest JSON body accepted, in bytes.", int
)
RPC_POOL = Setting("PORTAL_RPC_POOL", "16", "RPC proxies kept open per process.", int)
PUBLIC_URL = Setting(
    "PORTAL_PUBLIC_URL", "http://127.0.0.1:8000", "Address citizens reach us at."
)

SETTINGS = (AMQP_URI, LOG_LEVEL, RPC_TIMEOUT, PORT, MAX_BODY, RPC_POOL, PUBLIC_URL)
