"""The entrypoints the service packages really have (imported, never started)."""

import importlib
from pathlib import Path

from . import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def entrypoints(service):
    """(method name, entrypoint) of every nameko class of the service package."""
    for path in sorted((ROOT / "services" / service).glob("*.py")):
        module = importlib.import_module(f"services.{service}.{path.stem}")
        for obj in vars(module).values():
            if not (isinstance(obj, type) and getattr(obj, "name", None)):
                continue
            if obj.__module__ != module.__name__:
                continue
            for attr_name, attr in vars(obj).items():
                for entrypoint in getattr(attr, "nameko_entrypoints", ()):
                    yield attr_name, entrypoint


def rpc_methods(service):
    from nameko.rpc import Rpc

    return {name for name, ep in entrypoints(service) if isinstance(ep, Rpc)}


def handlers():
    """(consuming service, source service, event type) of every event handler, and
    of the gateway's own listener (`gateway.sessions.CONSUMES`, a kombu consumer)."""
    from nameko.events import EventHandler

    from gateway.sessions import CONSUMES

    for service in SERVICES:
        for _, ep in entrypoints(service):
            if isinstance(ep, EventHandler):
                yield service, ep.source_service, ep.event_type
    for source, event in CONSUMES:
        yield "gateway", source, event
