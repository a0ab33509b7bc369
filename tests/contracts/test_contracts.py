"""contracts.yaml lists every RPC method and event; fail when the code drifts."""

import importlib
from pathlib import Path

import pytest
import yaml
from nameko.events import EventHandler
from nameko.rpc import Rpc

ROOT = Path(__file__).resolve().parents[2]
DOC = yaml.safe_load((ROOT / "contracts.yaml").read_text(encoding="utf-8"))
SERVICES = sorted(DOC["services"])


def entrypoints(service_name):
    """Yield (method name, entrypoint) of every class of the service package."""
    package = ROOT / "services" / service_name
    for path in sorted(package.glob("*.py")):
        module = importlib.import_module(f"services.{service_name}.{path.stem}")
        for obj in vars(module).values():
            if not (isinstance(obj, type) and getattr(obj, "name", None)):
                continue
            if obj.__module__ != module.__name__:
                continue
            for attr_name, attr in vars(obj).items():
                for entrypoint in getattr(attr, "nameko_entrypoints", ()):
                    yield attr_name, entrypoint


def test_every_service_directory_is_documented():
    present = {
        p.name for p in (ROOT / "services").iterdir() if (p / "service.py").exists()
    }
    assert present == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_rpc_methods_match_the_document(service):
    found = {name for name, ep in entrypoints(service) if isinstance(ep, Rpc)}
    assert found == set(DOC["services"][service]["rpc"])


@pytest.mark.parametrize("service", SERVICES)
def test_consumed_events_match_the_document(service):
    found = {
        f"{ep.source_service}.{ep.event_type}"
        for _, ep in entrypoints(service)
        if isinstance(ep, EventHandler)
    }
    assert found == set(DOC["services"][service]["consumes"] or [])


@pytest.mark.parametrize("service", SERVICES)
def test_emitted_events_match_the_contracts_module(service):
    documented = set(DOC["services"][service]["emits"] or {})
    try:
        contracts = importlib.import_module(f"services.{service}.contracts")
    except ModuleNotFoundError:
        assert documented == set()
        return
    assert set(getattr(contracts, "EVENTS", ())) == documented


def test_every_consumed_event_is_emitted_by_its_source():
    for service, spec in DOC["services"].items():
        for event in spec["consumes"] or []:
            source, name = event.split(".")
            assert name in (DOC["services"][source]["emits"] or {}), (service, event)


@pytest.mark.parametrize("service", SERVICES)
def test_every_rpc_survives_a_lost_broker(service):
    """nameko's own `rpc` kills the service when a reply meets a broker gone away;
    every entrypoint must come from services/shared/rpc.py instead."""
    from services.shared.rpc import TolerantRpc

    plain = sorted(
        name
        for name, ep in entrypoints(service)
        if isinstance(ep, Rpc) and not isinstance(ep, TolerantRpc)
    )
    assert plain == [], f"use `from services.shared.rpc import rpc` in {service}"
