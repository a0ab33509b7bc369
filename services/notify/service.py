"""The notify service's entrypoints."""

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.health import tcp_check
from services.shared.outbox import OutboxRelay

from . import settings
from .models import Outbox


class NotifyService:
    """E-mail from templates over SMTP, delivery log, bulk sends, reminders."""

    name = "notify"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    config = Config()

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        checks = {"notify": "ok", "postgres": self.db.ping()}
        checks["smtp"] = tcp_check(
            self.config[settings.SMTP_HOST.key], self.config[settings.SMTP_PORT.key]
        )
        return checks
