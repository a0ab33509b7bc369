"""Seed the demo data through the services' own RPCs (idempotent: safe to run twice).

Each area adds a module `deploy/local/seed_<area>.py` with `seed(rpc, ctx)`; they run
in the order below and share `ctx` (created codes, demo users and passwords).
"""

import importlib
import os

from gateway.rpc import RpcPool

from .seed_history import WORKERS

AREAS = ("accounts", "dossiers", "files", "notify", "search", "history", "webhooks")


def main():
    # One proxy kept per history worker: a smaller pool closes the proxy of a call
    # beyond its size and opens a new one (a connection and a reply queue) for the
    # next; measured, that churn was not what the seed's time is made of (see
    # deploy/local/README.md, "Time"), but it is broker work for nothing.
    rpc = RpcPool(os.environ["PORTAL_AMQP_URI"], size=WORKERS, timeout=60)
    ctx = {"users": []}
    try:
        for area in AREAS:
            try:
                module = importlib.import_module(f"deploy.local.seed_{area}")
            except ModuleNotFoundError:
                continue
            module.seed(rpc, ctx)
    finally:
        rpc.close()
    operator = os.environ.get("PORTAL_ADMIN_EMAIL")
    if operator:
        password = os.environ.get("PORTAL_ADMIN_PASSWORD", "")
        ctx["users"].insert(
            0, {"email": operator, "password": password, "role": "operator"}
        )
    if ctx["users"]:
        print("Demo accounts (e-mail / password / role):")
        for user in ctx["users"]:
            print(f"  {user['email']:<40} {user['password']:<22} {user['role']}")


if __name__ == "__main__":
    main()
