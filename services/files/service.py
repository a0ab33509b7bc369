"""The files service's entrypoints."""

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.health import tcp_check
from services.shared.outbox import OutboxRelay

from . import settings
from .models import Outbox


class FilesService:
    """File metadata, objects in MinIO, type sniffing, conversion to PDF."""

    name = "files"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    config = Config()

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        checks = {"files": "ok", "postgres": self.db.ping()}
        checks["minio"] = tcp_check(
            *self.config[settings.S3_ENDPOINT.key].rsplit(":", 1)
        )
        return checks
