"""The Falcon application: routes, middleware and error handling, built on demand.

`create_app(rpc, cfg)` takes its collaborators (tests pass their own);
`get_app()` reads the environment (gunicorn calls it: `gateway.app:get_app()`).
"""

import falcon

from services.shared import config, logs

from . import errors, metrics, settings, text_guard, web
from .middleware import Authentication, BodyLimit, RequestContext, SecurityHeaders
from .resources import accounts, dossiers, files, health, notify, openapi, procedures
from .resources import search as search_area
from .rpc import RpcPool

AREAS = (
    health,
    openapi,
    accounts,
    files,
    notify,
    procedures,
    dossiers,
    search_area,
    metrics,
    web,
)


def create_app(rpc, cfg):
    app = falcon.App(
        middleware=[
            metrics.RequestMetrics(),
            RequestContext(cfg.get(settings.PUBLIC_URL.key)),
            SecurityHeaders(),
            text_guard.TextGuard(),
            BodyLimit(cfg[settings.MAX_BODY.key]),
            Authentication(rpc),
        ]
    )
    app.req_options.strip_url_path_trailing_slash = True
    errors.install(app)
    text_guard.install(app)
    for area in AREAS:
        for template, resource in area.routes(rpc):
            app.add_route(template, resource)
    return app


def get_app():
    cfg = config.load(settings.SETTINGS)
    logs.configure("gateway", cfg[config.LOG_LEVEL.key])
    rpc = RpcPool(
        cfg[config.AMQP_URI.key],
        size=cfg[settings.RPC_POOL.key],
        timeout=cfg[config.RPC_TIMEOUT.key],
    )
    return create_app(rpc, cfg)
