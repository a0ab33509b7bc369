"""The generated OpenAPI document: every route in it and nothing else, valid,
typed (every body and success answer has a schema), errors listed, examples right.
"""

import re
import types

import falcon.testing
import jsonschema
import pytest
from openapi_spec_validator import validate

from gateway import settings
from gateway.apidoc import build, op
from gateway.app import AREAS, create_app
from services.shared import config

DOC = build(AREAS)
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [
    (method, path, operation)
    for path, item in DOC["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]


def shape(template):
    """`/api/v1/dossiers/{id}` and `/api/v1/dossiers/{dossier_id}` are one route."""
    return re.sub(r"\{[^}]+\}", "{}", template)


def app_routes():
    """Return {route shape: {methods}} of every API and health route the app serves."""
    app = create_app(object(), config.load(settings.SETTINGS))

    def walk(nodes):
        for node in nodes:
            if node.method_map:
                yield node
            yield from walk(node.children)

    routes = {}
    for node in walk(app._router._roots):
        if node.uri_template.startswith(("/api/", "/healthz", "/livez", "/readyz")):
            served = {m.lower() for m in METHODS if hasattr(node.resource, f"on_{m}")}
            routes[shape(node.uri_template)] = served
    return routes


ROUTES = app_routes()
DOCUMENTED = {
    shape(path): {m for m in item if m in METHODS}
    for path, item in DOC["paths"].items()
}


def deref(ref):
    node = DOC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def is_typed(schema):
    """A schema that says more than `{type: object}` (a ref, properties, items…)."""
    if "$ref" in schema:
        return True
    schema = {k: v for k, v in schema.items() if k not in ("description", "title")}
    return bool(schema) and schema != {"type": "object"}


def test_the_document_is_valid_openapi_3_1():
    assert DOC["openapi"].startswith("3.1")
    validate(DOC)
    assert DOC["info"]["version"] and DOC["servers"] == [
        {"url": "/", "description": "This deployment."}
    ]


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_served_route_and_method_is_documented(route):
    assert route in DOCUMENTED, f"{route} is served but not documented"
    assert ROUTES[route] <= DOCUMENTED[route]


@pytest.mark.parametrize("path", sorted(DOCUMENTED))
def test_every_documented_path_and_method_is_served(path):
    assert path in ROUTES, f"{path} is documented but not served"
    assert DOCUMENTED[path] <= ROUTES[path]


def test_every_request_body_has_a_schema():
    untyped = [
        f"{method.upper()} {path} {media}"
        for method, path, operation in OPERATIONS
        for media, content in operation.get("requestBody", {})
        .get("content", {})
        .items()
        if not is_typed(content.get("schema", {}))
    ]
    assert not untyped, untyped


def test_every_success_answer_has_a_schema():
    untyped = []
    for method, path, operation in OPERATIONS:
        for status, answer in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            contents = answer.get("content")
            if not contents:
                untyped.append(f"{method.upper()} {path} {status}: no content")
            untyped += [
                f"{method.upper()} {path} {status} {media}"
                for media, content in contents.items()
                if not is_typed(content.get("schema", {}))
            ]
    assert not untyped, untyped


def test_every_operation_lists_its_errors_with_the_error_body():
    for method, path, operation in OPERATIONS:
        errors = {s for s in operation["responses"] if s[0] in "45"}
        assert "422" in errors, f"{method} {path}"
        if path != "/healthz":
            assert "503" in errors, f"{method} {path}"
        security = operation.get("security") or [{}]
        if {} not in security:
            assert {"401", "403"} <= errors, f"{method} {path} needs a sign-in"
        if "{" in path:
            assert "404" in errors, f"{method} {path}"
        if "requestBody" in operation:
            assert {"413", "415"} <= errors, f"{method} {path}"
        for status in errors - {"414"}:  # the HTTP server's own page
            answer = operation["responses"][status]
            if "$ref" in answer:
                answer = deref(answer["$ref"])
            schema = answer["content"]["application/json"]["schema"]
            if path != "/readyz":
                assert schema == {"$ref": "#/components/schemas/Error"}


def test_the_validation_limits_of_the_inputs_are_in_the_document():
    schemas = DOC["components"]["schemas"]
    register = schemas["RegisterInput"]["properties"]
    assert register["kind"]["enum"] == ["citizen", "business"]
    assert register["province"]["pattern"] == r"^\d{2}$"
    assert register["full_name"]["maxLength"] == 200
    act = schemas["ActInput"]
    assert act["additionalProperties"] is False and act["required"] == ["action"]
    page = {
        p["name"]: p["schema"]
        for p in DOC["paths"]["/api/v1/staff"]["get"]["parameters"]
        if "name" in p
    }
    assert page["page_size"]["maximum"] == 500


def test_examples_validate_against_their_schemas():
    examples = DOC["components"]["examples"]
    assert {"Procedure", "Dossier", "Error"} <= set(examples)
    for name, example in examples.items():
        schema = {
            "$ref": f"#/components/schemas/{name}",
            "components": DOC["components"],
        }
        jsonschema.Draft202012Validator(schema).validate(example["value"])


@pytest.fixture(scope="module")
def client():
    app = create_app(object(), config.load(settings.SETTINGS))
    return falcon.testing.TestClient(app)


def test_the_served_json_is_the_generated_document(client):
    answer = client.simulate_get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json == DOC


@pytest.mark.parametrize(
    ("lang", "title"), [("vi", "Tài liệu API"), ("en", "API documentation")]
)
def test_the_docs_page_shows_every_operation_without_script(client, lang, title):
    page = client.simulate_get("/api/v1/docs", headers={"Accept-Language": lang})
    assert page.status_code == 200 and page.headers["content-type"].startswith(
        "text/html"
    )
    html = page.text
    assert f"<h1>{title}" in html and "<script" not in html
    for method, path, _ in OPERATIONS:
        assert f"<code>{method.upper()} {path}</code>" in html
    # the limits a person needs to send valid input
    assert "maxLength 200" in html and "Đăng ký khai sinh" in html
    assert "script-src 'self'" in page.headers["content-security-policy"]


def valid(name, body):
    schema = {"$ref": f"#/components/schemas/{name}", "components": DOC["components"]}
    return jsonschema.Draft202012Validator(schema).is_valid(body)


CITIZEN = {
    "kind": "citizen",
    "full_name": "Nguyễn Thị Hằng",
    "email": "hang.nguyen@example.vn",
    "phone": "0912345678",
    "password": "Portal-2026-ok",
    "national_id": "001190012345",
    "province": "01",
}


def test_the_rules_across_fields_are_in_the_document():
    assert valid("RegisterInput", CITIZEN)
    without_id = {k: v for k, v in CITIZEN.items() if k != "national_id"}
    assert not valid("RegisterInput", without_id)
    assert not valid("RegisterInput", {**without_id, "kind": "business"})
    assert valid(
        "RegisterInput",
        {
            **without_id,
            "kind": "business",
            "tax_code": "0100109106",
            "business_name": "Công ty TNHH Hoa Sen",
            "address": "1 Tràng Tiền, Hà Nội",
        },
    )
    assert not valid("RegisterInput", {**CITIZEN, "phone": "12345"})
    claim = {"receipt_number": "000.00.01.H26-261201-0001"}
    assert valid("ClaimInput", {**claim, "access_code": "RBTHTK6C"})
    assert not valid("ClaimInput", claim)
    assert not valid(
        "ClaimInput", {**claim, "access_code": "RBTHTK6C", "national_id": "0011"}
    )
    applicant = {"full_name": "Trần Văn Bình", "national_id": "001090012345"}
    assert not valid("ApplicantInput", applicant)
    assert valid("ApplicantInput", {**applicant, "phone": "0912345679"})


class Ping:
    def on_get(self, req, resp):
        resp.media = {}


def test_a_route_without_its_table_entry_stops_the_generation():
    area = types.SimpleNamespace(
        __name__="gateway.resources.ping",
        routes=lambda rpc: [("/api/v1/ping", Ping())],
        OPERATIONS={"POST /api/v1/ping": op("Ping.")},
    )
    with pytest.raises(LookupError) as refused:
        build([area])
    assert "GET /api/v1/ping has no OPERATIONS entry" in str(refused.value)
    assert "POST /api/v1/ping is documented, not served" in str(refused.value)
