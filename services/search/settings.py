"""Settings of the search service (environment key, default, meaning)."""

from services.shared.config import Setting

OPENSEARCH_URL = Setting(
    "PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201", "OpenSearch base URL."
)
INDEX_PREFIX = Setting(
    "PORTAL_INDEX_PREFIX", "", "Prefix of every index and alias name (tests set one)."
)
OPENSEARCH_TIMEOUT = Setting(
    "PORTAL_OPENSEARCH_TIMEOUT", "5", "Seconds one engine request may take.", float
)
RETRY_DELAY = Setting(
    "PORTAL_SEARCH_RETRY_DELAY",
    "2",
    "Seconds an event handler waits before requeueing while the engine is down.",
    float,
)

REFRESH_EVERY = Setting(
    "PORTAL_SEARCH_REFRESH_EVERY",
    "0.1",
    "Seconds between refreshes an instance asks for after it indexed events "
    "(0: leave it to the index's 1 s refresh interval).",
    float,
)

FILL_EVERY = Setting(
    "PORTAL_SEARCH_FILL_EVERY",
    "30",
    "Seconds between tries to fill a new or never-filled national catalogue index "
    "from the dossiers service at start (while dossiers or accounts do not answer).",
    float,
)
REBUILD_POLL = Setting(
    "PORTAL_SEARCH_REBUILD_POLL",
    "2",
    "Seconds an instance trusts what it last saw of a rebuild (whether an index is "
    "being rebuilt); a rebuild waits as long before reading its source.",
    float,
)

SETTINGS = (
    OPENSEARCH_URL,
    INDEX_PREFIX,
    OPENSEARCH_TIMEOUT,
    RETRY_DELAY,
    REFRESH_EVERY,
    FILL_EVERY,
    REBUILD_POLL,
)
