"""The OpenAPI 3.1 document of the public API, kept next to the code."""

import json
from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"


class OpenApi:
    def __init__(self):
        self._body = None

    def on_get(self, req, resp):
        """Return the OpenAPI document as JSON."""
        if self._body is None:
            self._body = json.dumps(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
        resp.content_type = "application/json"
        resp.text = self._body


def routes(rpc):
    return [("/api/v1/openapi.json", OpenApi())]
