"""Seed a demo API client of the demo agency with a webhook subscription to the
local receiver (deploy/local/webhook_receiver.py, started by deploy/local/apps), so
the demo shows deliveries in /quan-tri/webhook as people act on the portal.

It runs after the history (deploy/local/seed.py), as a real integrator subscribes
at some moment: the past is in the ordered feed (`GET /api/v1/events`), not
delivered again. Delivering the history's ~25,000 tries cost the seed a fifth of
the services' CPU (bench/core/bench_seed.py: webhooks 42 → 20 ms a story).

Idempotent: the client and its subscription are found by name and URL when they
exist; the subscription's secret is rotated then (it is shown only once) and handed
to the receiver, which verifies every signature with it.
"""

import os

import requests

from services.shared.caller import SYSTEM

NAME = "Hệ thống một cửa phường Ba Đình (demo webhooks)"
SCOPES = ["dossiers:read"]


def receiver_url(environ=None):
    environ = os.environ if environ is None else environ
    return f"http://127.0.0.1:{environ.get('PORTAL_WEBHOOK_DEMO_PORT', '8780')}"


def client_caller(client):
    """The caller the accounts service makes of this client's token."""
    return {
        "user_id": client["client_id"],
        "kind": "client",
        "roles": [],
        "province": client["province"],
        "agency": client["agency"],
        "department": None,
        "scopes": list(client["scopes"]),
        "full_name": client["name"],
        "email": None,
    }


def seed(rpc, ctx, receiver=None):
    receiver = receiver or receiver_url()
    url = f"{receiver}/webhooks"
    clients = rpc.call("accounts", "list_api_clients", SYSTEM)
    client = next((c for c in clients if c["name"] == NAME), None)
    if client is None:
        client = rpc.call(
            "accounts",
            "create_api_client",
            SYSTEM,
            {"name": NAME, "scopes": SCOPES, "agency": ctx["agency"]},
        )
    caller = client_caller(client)
    types = [t["type"] for t in rpc.call("webhooks", "list_event_types", caller)]
    subscription = next(
        (
            s
            for s in rpc.call("webhooks", "list_subscriptions", caller)
            if s["url"] == url
        ),
        None,
    )
    if subscription is None:
        made = rpc.call(
            "webhooks",
            "create_subscription",
            caller,
            {"url": url, "event_types": types, "description": "Demo receiver"},
        )
        subscription, secret = made, made["secret"]
    else:
        secret = rpc.call("webhooks", "rotate_secret", caller, subscription["id"])[
            "secret"
        ]
    try:
        requests.post(f"{receiver}/_control/secret", json={"secret": secret}, timeout=5)
    except requests.RequestException:
        print(f"webhook receiver not reachable at {receiver}: it will not verify")
    ctx["webhook_subscription"] = subscription["id"]
    print(f"Webhooks: {NAME} → {url} (events at {receiver}/_control/events)")
