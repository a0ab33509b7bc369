"""Liveness and readiness of the gateway, every service and every component."""

from concurrent.futures import ThreadPoolExecutor

import falcon

from services.contracts.resources.health import Liveness, Readiness

from ..apidoc import PUBLIC, op

SERVICES = ("accounts", "dossiers", "files", "notify", "search", "webhooks")
COMPONENTS = ("broker", "postgres", "opensearch", "minio", "smtp")
NOT_REPORTED = "error: not reported"


class Healthz:
    def on_get(self, req, resp):
        """Answer 200 while the gateway process serves (no dependency is asked)."""
        resp.media = {"status": "ok"}


class Readyz:
    def __init__(self, rpc, timeout=3.0):
        self.rpc = rpc
        self.timeout = timeout
        # The gateway's own components: name → a callable answering "ok" or why not.
        self.own_checks = {}
        self.executor = ThreadPoolExecutor(max_workers=len(SERVICES))

    def _health(self, service):
        try:
            return self.rpc.call(service, "health", timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - reported as the check's value
            return {service: f"error: {getattr(exc, 'code', type(exc).__name__)}"}

    def on_get(self, req, resp):
        """Report every service and backing component; 503 when one is down."""
        checks = {name: NOT_REPORTED for name in SERVICES + COMPONENTS}
        try:
            with self.rpc.client(timeout=self.timeout):
                checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {getattr(exc, 'code', type(exc).__name__)}"
        for report in self.executor.map(self._health, SERVICES):
            for name, value in report.items():
                # A component is ok only if no service that uses it says otherwise.
                if (
                    name in SERVICES
                    or checks.get(name) == NOT_REPORTED
                    or value != "ok"
                ):
                    checks[name] = value
        for name, check in self.own_checks.items():
            checks[name] = check()
        ready = all(value == "ok" for value in checks.values())
        resp.status = falcon.HTTP_200 if ready else falcon.HTTP_503
        resp.media = {"status": "ok" if ready else "unavailable", "checks": checks}


def routes(rpc):
    # /livez is the liveness probe's name beside /readyz; /healthz stays for callers
    # that already use it. Neither asks a dependency: a broker outage must make the
    # gateway unready, never restarted.
    return [("/healthz", Healthz()), ("/livez", Healthz()), ("/readyz", Readyz(rpc))]


OPERATIONS = {
    "GET /healthz": op(
        "Liveness of the gateway.", ok=Liveness, auth=PUBLIC, acts=False
    ),
    "GET /livez": op(
        "Liveness of the gateway (the probe's name; asks no dependency).",
        ok=Liveness,
        auth=PUBLIC,
        acts=False,
    ),
    "GET /readyz": op(
        "Readiness of every service and backing component.",
        ok=Readiness,
        auth=PUBLIC,
        ok_description="Everything answers.",
        answers=((503, Readiness, "A check failed; `checks` names it."),),
    ),
}
