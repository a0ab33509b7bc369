"""The dossiers service's entrypoints."""

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.outbox import OutboxRelay

from .models import Outbox


class DossiersService:
    """The procedure catalogue, holiday calendars and the dossier workflow."""

    name = "dossiers"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    config = Config()

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        checks = {"dossiers": "ok", "postgres": self.db.ping()}
        return checks
