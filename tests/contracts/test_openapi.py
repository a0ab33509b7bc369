"""The OpenAPI document covers every /api/v1 route and method, and nothing else."""

import re

import pytest

from gateway import settings
from gateway.app import create_app
from gateway.resources.openapi import build_document
from services.shared import config

DOC = build_document()
METHODS = ("get", "post", "put", "patch", "delete")


def shape(template):
    """`/api/v1/dossiers/{id}` and `/api/v1/dossiers/{dossier_id}` are one route."""
    return re.sub(r"\{[^}]+\}", "{}", template)


def app_routes():
    """Return {route shape: {methods}} of every /api/ route the app serves."""
    app = create_app(object(), config.load(settings.SETTINGS))

    def walk(nodes):
        for node in nodes:
            if node.method_map:
                yield node
            yield from walk(node.children)

    routes = {}
    for node in walk(app._router._roots):
        if node.uri_template.startswith("/api/"):
            served = {m.lower() for m in METHODS if hasattr(node.resource, f"on_{m}")}
            routes[shape(node.uri_template)] = served
    return routes


ROUTES = app_routes()
DOCUMENTED = {
    shape(path): {m for m in item if m in METHODS}
    for path, item in DOC["paths"].items()
    if path.startswith("/api/")
}


def test_the_document_is_openapi_3_1_with_the_error_schema():
    assert DOC["openapi"].startswith("3.1")
    assert "Error" in DOC["components"]["schemas"]


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_served_route_and_method_is_documented(route):
    assert route in DOCUMENTED, f"{route} is served but not in openapi.yaml"
    assert ROUTES[route] <= DOCUMENTED[route]


@pytest.mark.parametrize("path", sorted(DOCUMENTED))
def test_every_documented_path_and_method_is_served(path):
    assert path in ROUTES, f"{path} is documented but not served"
    assert DOCUMENTED[path] <= ROUTES[path]


def test_every_operation_answers_errors_with_the_error_body():
    missing = [
        f"{method.upper()} {path}"
        for path, item in DOC["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
        if method in METHODS
        and not any(
            code.startswith(("4", "5")) or code == "default"
            for code in operation.get("responses", {})
        )
    ]
    assert not missing, missing
