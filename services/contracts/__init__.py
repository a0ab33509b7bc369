"""One typed contract per service: every RPC's arguments and result, every event's
payload. Services load what they receive with it (`services/shared/entrypoint.py`,
`services/shared/outbox.py`), callers dump what they send with it
(`services/shared/peers.py`, `gateway/rpc.py`), and `python -m services.contracts`
writes `contracts.yaml` from it. See services/contracts/README.md.

Importing the package starts nothing; each service module is imported on demand.
"""

import importlib

SERVICES = ("accounts", "dossiers", "files", "notify", "search", "webhooks")


def of(service):
    """The contract module of `service` (its RPC table and EVENTS).

    Every service's error types are imported with it: registered with nameko, a
    caller receives a peer's ServiceError as that type, code, status and details,
    also one the peer passes on from a third service (files answers dossiers'
    DossierNotFound).
    """
    if service not in SERVICES:
        raise KeyError(service)
    for name in SERVICES:
        importlib.import_module(f"services.{name}.exceptions")
    return importlib.import_module(f"services.contracts.{service}")


def method(service, name):
    """The `Method` of `service.name`; KeyError when the contract has none."""
    return of(service).RPC[name]


def event_schema(service, event_type):
    """The payload schema of an event `service` emits; KeyError when undeclared."""
    return of(service).EVENTS[event_type]
