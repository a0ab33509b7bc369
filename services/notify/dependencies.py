"""Providers of the notify service: the template renderer (built in setup)."""

from nameko.extensions import DependencyProvider

from . import settings
from .templates import Renderer


class Templates(DependencyProvider):
    """Hand each worker the process-wide Jinja2 renderer (links to PUBLIC_URL)."""

    def setup(self):
        config = self.container.config
        url = config.get(settings.PUBLIC_URL.key) or settings.PUBLIC_URL.default
        self.renderer = Renderer(public_url=url)

    def get_dependency(self, worker_ctx):
        return self.renderer
