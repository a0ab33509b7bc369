"""Providers of the notify service: the template renderer (built in setup)."""

from nameko.extensions import DependencyProvider

from .templates import Renderer


class Templates(DependencyProvider):
    """Hand each worker the process-wide Jinja2 renderer."""

    def setup(self):
        self.renderer = Renderer()

    def get_dependency(self, worker_ctx):
        return self.renderer
