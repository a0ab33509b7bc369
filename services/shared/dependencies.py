"""Providers every service shares: the request id of the call being served."""

from nameko.extensions import DependencyProvider

from .logs import request_id_var


class RequestContext(DependencyProvider):
    """Put the caller's request id (nameko context data) into the log context."""

    def worker_setup(self, worker_ctx):
        request_id_var.set(worker_ctx.data.get("request_id"))

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get("request_id")
