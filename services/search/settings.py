"""Settings of the search service (environment key, default, meaning)."""

from services.shared.config import Setting  # noqa: F401

OPENSEARCH_URL = Setting(
    "PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201", "OpenSearch base URL."
)

SETTINGS = (OPENSEARCH_URL,)
