"""Per-identity request budgets, shared by every gateway instance through PostgreSQL.

Each API client, each signed-in user and each address without identity has a budget
of requests per fixed window (`PORTAL_RATE_WINDOW`, 60 s): `PORTAL_RATE_LIMIT_CLIENT`,
`PORTAL_RATE_LIMIT_USER`, `PORTAL_RATE_LIMIT_ANONYMOUS`; a province may give its API
clients more (`PORTAL_RATE_LIMIT_CLIENT_PROVINCES`, e.g. `01=6000`). On top, a
province may have a quota for all its API clients together per longer window
(`PORTAL_API_QUOTA_PROVINCES`, e.g. `01=100000` per `PORTAL_API_QUOTA_WINDOW`, a
day): a national deployment shares its capacity between provinces. Counted every
request but the health checks and static files, pages and API alike (so the
anonymous lookup `/tra-cuu` and `/api/v1/lookup` are bounded per address).

Every counted answer carries the IETF draft headers `RateLimit-Limit`,
`RateLimit-Remaining`, `RateLimit-Reset` (seconds until the window ends); over the
budget the answer is 429 RATE_LIMITED with `Retry-After` (the same seconds).

The count is the shared counter of the gateway database, taken in batches per process
(`gateway/leases.py`: never over a budget, possibly refused a little early; at most
`PORTAL_RATE_BATCH` positions at once, 1 to count every request in the database).
When that database cannot be reached
the request is let through (and logged): limits protect the services, they must not
become the outage. A page over budget answers the portal's error page (429), the API
the error body.
"""

import logging

import falcon

from .errors import CodedHTTPError
from .hooks import client_ip
from .leases import Leases

log = logging.getLogger(__name__)

EXEMPT = frozenset({"/healthz", "/livez", "/readyz", "/metrics"})
EXEMPT_PREFIXES = ("/static/",)


def parse_budgets(text):
    """'01=6000, 79=3000' → {"01": 6000, "79": 3000} (malformed entries refused)."""
    budgets = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        province, _, value = item.partition("=")
        if not province.strip() or not value.strip().isdigit():
            raise ValueError(f"malformed rate budget {item!r}")
        budgets[province.strip()] = int(value)
    return budgets


class Budgets:
    """Who is counted under which name, with how many requests per window."""

    def __init__(self, user, client, anonymous, client_provinces=None, quotas=None):
        self.user, self.client, self.anonymous = user, client, anonymous
        self.client_provinces = dict(client_provinces or {})
        self.quotas = dict(quotas or {})

    def quota_of(self, req):
        """(name, quota) of the caller's province when it is an API client of a
        province with a quota, else None."""
        caller = req.context.caller
        province = caller.get("province")
        if caller.get("kind") != "client" or province not in self.quotas:
            return None
        return f"province:{province}", self.quotas[province]

    def of(self, req):
        caller = req.context.caller
        kind, who = caller.get("kind"), caller.get("user_id")
        if kind == "client" and who:
            province = caller.get("province")
            return f"client:{who}", self.client_provinces.get(province, self.client)
        if who and kind != "anonymous":
            return f"user:{who}", self.user
        return f"ip:{client_ip(req)}", self.anonymous


def refusal(reset):
    return CodedHTTPError(
        falcon.HTTP_429,
        "RATE_LIMITED",
        "Too many requests",
        headers={"Retry-After": str(reset)},
    )


class RateLimit:
    """Count the request against its identity's budget; 429 once it is spent."""

    def __init__(self, store, budgets, window, quota_window=86400, batch=64):
        self.store, self.budgets, self.window = store, budgets, window
        self.quota_window = quota_window
        self.leases = Leases(store, most=batch)
        longest = max(window, quota_window if budgets.quotas else 0)
        store.counter_age = max(store.counter_age, 2 * longest)

    def process_request(self, req, resp):
        req.context.rate = None
        if req.path in EXEMPT or req.path.startswith(EXEMPT_PREFIXES):
            return
        identity, limit = self.budgets.of(req)
        self.store.maybe_cleanup()
        try:
            hits, reset = self.leases.take(identity[:160], self.window, limit)
        except Exception:  # noqa: BLE001 - fail open: see the module's docstring
            log.warning("rate limit not counted", exc_info=True)
            return
        req.context.rate = (limit, max(0, limit - hits), reset)
        req.context.rate_refused = hits > limit
        if hits > limit and req.path.startswith("/api/"):
            raise refusal(reset)
        self._province_quota(req)

    def _province_quota(self, req):
        quota = self.budgets.quota_of(req)
        if quota is None:
            return
        name, limit = quota
        try:
            hits, reset = self.leases.take(name, self.quota_window, limit)
        except Exception:  # noqa: BLE001 - fail open, as above
            log.warning("province quota not counted", exc_info=True)
            return
        if hits > limit:
            raise refusal(reset)

    def process_resource(self, req, resp, resource, params):
        """Refuse a page over budget with a page (an API request was refused above)."""
        if not getattr(req.context, "rate_refused", False):
            return
        reset = req.context.rate[2]
        web = getattr(resource, "web", None)
        if web is None:
            raise refusal(reset)
        web.renderer.respond(
            req, resp, "error.html", falcon.HTTP_429, message_key="error.too_many"
        )
        resp.set_header("Retry-After", str(reset))
        resp.complete = True

    def process_response(self, req, resp, resource, req_succeeded):
        rate = getattr(req.context, "rate", None)
        if rate is None:
            return
        for name, value in zip(("Limit", "Remaining", "Reset"), rate, strict=True):
            resp.set_header(f"RateLimit-{name}", str(value))
