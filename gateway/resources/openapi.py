"""The OpenAPI 3.1 document of the public API, kept next to the code.

`gateway/openapi.yaml` is written by hand beside the resources;
tests/contracts/test_openapi.py fails when a route or method is served but not
documented, or documented but not served. Every operation answers errors with the
one error body, so the served document adds that as the `default` response wherever
an operation does not list its error codes itself.
"""

import json
from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
ERROR = {"$ref": "#/components/responses/Error"}


def build_document():
    """Return the document as served: the YAML plus the default error response."""
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for item in doc["paths"].values():
        for method, operation in item.items():
            if method in METHODS:
                operation.setdefault("responses", {}).setdefault("default", ERROR)
    return doc


class OpenApi:
    def __init__(self):
        self._body = None

    def on_get(self, req, resp):
        """Return the OpenAPI document as JSON."""
        if self._body is None:
            self._body = json.dumps(build_document(), ensure_ascii=False)
        resp.content_type = "application/json"
        resp.text = self._body


def routes(rpc):
    return [("/api/v1/openapi.json", OpenApi())]
