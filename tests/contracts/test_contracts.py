"""The contract package is the truth: contracts.yaml is generated from it, and every
declared method and event exists in the services (and the other way round)."""

import ast
import inspect
from pathlib import Path

import pytest
from nameko.rpc import Rpc

from services import contracts
from services.contracts.document import render
from services.contracts.entrypoints import entrypoints, handlers, rpc_methods

ROOT = Path(__file__).resolve().parents[2]
SERVICES = contracts.SERVICES


def test_the_checked_in_document_is_the_generated_one():
    checked_in = (ROOT / "contracts.yaml").read_text(encoding="utf-8")
    assert checked_in == render(), "run: python -m services.contracts"


def test_every_service_directory_has_a_contract():
    present = {
        p.name for p in (ROOT / "services").iterdir() if (p / "service.py").exists()
    }
    assert present == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_rpc_methods_match_the_contract(service):
    assert rpc_methods(service) == set(contracts.of(service).RPC)


@pytest.mark.parametrize("service", SERVICES)
def test_each_method_takes_the_declared_arguments_in_order(service):
    table = contracts.of(service).RPC
    for name, entrypoint in entrypoints(service):
        if name not in table or type(entrypoint).__name__ != "Rpc":
            continue
        fn = inspect.unwrap(vars(_service_class(service))[name])
        params = list(inspect.signature(fn).parameters.values())[1:]
        named = [p.name for p in params if p.kind is not p.VAR_KEYWORD]
        declared = table[name].params
        assert declared[: len(named)] == tuple(named), (service, name)
        for param in params[: len(named)]:  # no default in code: required in contract
            required = param.default is param.empty
            assert table[name].fields[param.name].required == required, param
        if len(declared) > len(named):  # the rest travels in **options
            assert params and params[-1].kind is params[-1].VAR_KEYWORD, name


def _service_class(service):
    module = __import__(f"services.{service}.service", fromlist=["x"])
    return next(
        v
        for v in vars(module).values()
        if isinstance(v, type) and getattr(v, "name", None) == service
    )


def test_every_consumed_event_is_declared_by_its_source():
    for _, source, event in handlers():
        assert event in contracts.of(source).EVENTS, (source, event)


@pytest.mark.parametrize("service", SERVICES)
def test_every_declared_event_is_named_in_its_service(service):
    """Each event type is used in the service's code: as a string or through the
    contract's constant (`contract.FILE_UPLOADED`)."""
    module = contracts.of(service)
    used = set()
    for path in (ROOT / "services" / service).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.add(node.value)
            elif isinstance(node, ast.Attribute) and node.attr.isupper():
                value = getattr(module, node.attr, None)
                used.add(value if isinstance(value, str) else None)
    assert set(module.EVENTS) <= used, set(module.EVENTS) - used


def test_the_callers_are_read_from_the_code():
    """A call added in code shows up: the finder sees the usual three shapes."""
    from services.contracts.callers import calls_in

    methods = {s: set(contracts.of(s).RPC) for s in SERVICES}
    tree = ast.parse(
        "self.accounts.get_agency(SYSTEM, code)\n"
        "rpc.call('files', 'read_small', caller, file_id)\n"
        "self.call(req, 'history', dossier_id)\n"
    )
    assert calls_in(tree, methods) == {
        ("accounts", "get_agency"),
        ("files", "read_small"),
        ("dossiers", "history"),
    }


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
