"""Providers every service shares: the request id of the call being served, and the
moment it runs at when the caller may set it (see services/shared/clock.py)."""

from nameko.extensions import DependencyProvider

from . import clock
from .config import CLOCK_FROM_CONTEXT
from .logs import request_id_var


class RequestContext(DependencyProvider):
    """Put the caller's request id (nameko context data) into the log context."""

    def setup(self):
        self.clock_from_context = CLOCK_FROM_CONTEXT.read()

    def worker_setup(self, worker_ctx):
        request_id_var.set(worker_ctx.data.get("request_id"))
        if self.clock_from_context:
            clock.set_moment(clock.parse(worker_ctx.data.get(clock.CONTEXT_KEY)))

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get("request_id")
