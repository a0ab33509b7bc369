"""Run one service: `python -m services.shared.runner <service>[.<module>:<Class>]`.

Patches eventlet first, applies the service's migrations, then starts its nameko
container. When the database or broker cannot be reached it retries with backoff
and says so in the log instead of crashing in a loop.
"""

import eventlet

eventlet.monkey_patch()

import importlib  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from psycogreen.eventlet import patch_psycopg  # noqa: E402

from . import config, logs, migrate  # noqa: E402
from .targets import resolve  # noqa: E402

log = logging.getLogger("runner")


def retry(what, fn, attempts=None):
    """Call fn until it succeeds, backing off from 1 s to 30 s."""
    delay, tries = 1.0, 0
    while True:
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - reported and retried
            tries += 1
            if attempts and tries >= attempts:
                raise
            log.warning("%s failed (%s); retrying in %.0f s", what, exc, delay)
            eventlet.sleep(delay)
            delay = min(delay * 2, 30)


def main(argv):
    from nameko.containers import ServiceContainer

    patch_psycopg()
    package, cls = resolve(argv[1])
    settings = importlib.import_module(f"services.{package}.settings").SETTINGS
    cfg = config.nameko_config(settings)
    logs.configure(cls.name, cfg[config.LOG_LEVEL.key])
    if getattr(cls, "migrates", True):
        retry("migrations", lambda: migrate.upgrade(package))

    def start():
        container = ServiceContainer(cls, cfg)
        try:
            container.start()
        except Exception:
            container.kill()
            raise
        return container

    container = retry("starting on the broker", start)
    log.info("%s started", cls.name)
    signal.signal(signal.SIGTERM, lambda *_: eventlet.spawn(container.stop))
    signal.signal(signal.SIGINT, lambda *_: eventlet.spawn(container.stop))
    container.wait()


if __name__ == "__main__":
    main(sys.argv)
