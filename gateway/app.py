"""The Falcon application: routes, middleware and error handling, built on demand.

`create_app(rpc, cfg)` takes its collaborators (tests pass their own);
`get_app()` reads the environment (gunicorn calls it: `gateway.app:get_app()`).
"""

import falcon

from services.shared import config, logs

from . import errors, metrics, rate_limit, settings, text_guard, web
from .deprecation import Deprecations
from .idempotency import Idempotency
from .middleware import Authentication, BodyLimit, RequestContext, SecurityHeaders
from .resources import (
    accounts,
    dossiers,
    files,
    health,
    notify,
    openapi,
    payments,
    procedures,
    results,
    webhooks,
)
from .resources import search as search_area
from .rpc import RpcPool
from .sessions import SessionListener, Sessions
from .store import open_store

AREAS = (
    health,
    openapi,
    accounts,
    files,
    notify,
    procedures,
    dossiers,
    results,
    payments,
    search_area,
    webhooks,
    metrics,
    web,
)


def shared_limits(store, cfg):
    """The middleware that needs the gateway database: budgets, then keys."""
    value = lambda setting: cfg.get(setting.key, setting.read({}))  # noqa: E731
    budgets = rate_limit.Budgets(
        value(settings.RATE_USER),
        value(settings.RATE_CLIENT),
        value(settings.RATE_ANONYMOUS),
        rate_limit.parse_budgets(value(settings.RATE_CLIENT_PROVINCES)),
        rate_limit.parse_budgets(value(settings.API_QUOTA_PROVINCES)),
    )
    return [
        rate_limit.RateLimit(
            store,
            budgets,
            value(settings.RATE_WINDOW),
            value(settings.API_QUOTA_WINDOW),
            value(settings.RATE_BATCH),
        ),
        Idempotency(
            store, value(settings.IDEMPOTENCY_TTL), value(settings.IDEMPOTENCY_LEASE)
        ),
    ]


def create_app(rpc, cfg, store=None, deprecations=None, sessions=None):
    """Build the app; without a `store` (unit tests) there are no limits or keys,
    without `sessions` every token is checked by accounts."""
    middleware = [
        metrics.RequestMetrics(),
        RequestContext(cfg.get(settings.PUBLIC_URL.key)),
        SecurityHeaders(),
        Deprecations(deprecations),
        text_guard.TextGuard(),
        BodyLimit(cfg[settings.MAX_BODY.key]),
        Authentication(sessions or Sessions(rpc)),
    ]
    if store is not None:
        middleware += shared_limits(store, cfg)
    app = falcon.App(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = True
    errors.install(app)
    text_guard.install(app)
    for area in AREAS:
        for template, resource in area.routes(rpc):
            if store is not None and isinstance(resource, health.Readyz):
                resource.own_checks["gateway_db"] = store.ping
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
    key = cfg.get(settings.SESSION_KEY.key)
    listener = None
    if key:
        heartbeat = cfg[settings.REVOCATION_HEARTBEAT.key]
        listener = SessionListener(cfg[config.AMQP_URI.key], rpc, heartbeat).start()
    sessions = Sessions(rpc, key, listener)
    return create_app(rpc, cfg, open_store(), sessions=sessions)
