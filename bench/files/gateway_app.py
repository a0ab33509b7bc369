"""The gateway app for the upload benchmark: the real app and configuration, with
bearer tokens "t:<json caller>" resolved locally (the benchmark runs no accounts
service)."""

import json

from gateway import settings
from gateway.app import create_app
from gateway.rpc import RpcPool
from services.shared import config


class BenchRpc(RpcPool):
    def call(self, service, method, *args, **kwargs):
        if (service, method) == ("accounts", "authenticate"):
            token = args[0]
            return json.loads(token[2:]) if token.startswith("t:") else None
        return super().call(service, method, *args, **kwargs)


cfg = config.load(settings.SETTINGS)
app = create_app(BenchRpc(cfg[config.AMQP_URI.key], size=4, timeout=120), cfg)
