"""The search service's entrypoints."""

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.health import tcp_check
from services.shared.outbox import OutboxRelay

from . import settings
from .models import Outbox


class SearchService:
    """The OpenSearch index of dossiers: lists, filters, dashboards, reports."""

    name = "search"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    config = Config()

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        checks = {"search": "ok", "postgres": self.db.ping()}
        checks["opensearch"] = tcp_check(
            *self.config[settings.OPENSEARCH_URL.key]
            .split("//")[1]
            .rstrip("/")
            .rsplit(":", 1)
        )
        return checks
