"""The OpenAPI 3.1 document, generated from the routes the gateway serves.

Every area module (`gateway/resources/*.py`, `gateway/web` is not an API) keeps an
`OPERATIONS` table next to its `routes()`: `"METHOD /template"` → `Op(...)`, naming
the summary, the input schemas (the services' own input schemas, or a small
gateway schema where the gateway reshapes input) and the answer's schema from
`services/contracts/resources`. apispec's MarshmallowPlugin turns those schemas
into JSON Schema, so each validation limit (length, pattern, enum, range) is in the
document; rules across fields that a schema checks in code (`validates_schema`)
are added as JSON Schema (`if`/`then`, `oneOf`) from the area's `SCHEMA_RULES`.
The error responses are derived here from what an operation takes and
who may call it, plus the `errors` the table adds; a route without its table entry
(or an entry without its route) stops the generation.
"""

import re
from dataclasses import dataclass, replace

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from marshmallow import RAISE, Schema

from services.contracts import resources
from services.contracts.resources.common import Error
from services.contracts.resources.webhooks import event_bodies as webhook_bodies
from services.contracts.search import OneOrMany
from services.shared.permissions import CLIENT_SCOPES
from services.webhooks.domain import DATA_VERSION

from .rate_limit import EXEMPT as RATE_EXEMPT
from .text_guard import MAX_PARAM

# info.version: the major is the path's /api/v1; the minor grows with additions.
VERSION = "1.1.0"
METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC, OPTIONAL, USER = "public", "optional", "user"
TEXT = {"type": "string"}
BINARY = {"type": "string", "format": "binary"}
CSV = ("text/csv", TEXT)
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", BINARY)
HTML = ("text/html", TEXT)

ERRORS = {
    400: "Malformed request (MALFORMED_JSON, TOKEN_INVALID, a bad parameter…).",
    401: "Not signed in, or the token expired (UNAUTHENTICATED, "
    "INVALID_CREDENTIALS, INVALID_CLIENT).",
    403: "Signed in but not allowed (FORBIDDEN, CSRF_TOKEN_INVALID for a cookie "
    "without its X-CSRF-Token).",
    404: "Not found, or outside the caller's scope (DOSSIER_NOT_FOUND…).",
    409: "The state does not allow it (INVALID_TRANSITION, CONCURRENT_UPDATE when "
    "expected_version is stale, ALREADY_EXISTS…).",
    410: "The token expired (TOKEN_EXPIRED).",
    411: "A chunked body without Content-Length (LENGTH_REQUIRED).",
    413: "The body or file is too large (PAYLOAD_TOO_LARGE, FILE_TOO_LARGE…).",
    414: "The request line is over 4,094 bytes (answered by the HTTP server, as "
    "text/html).",
    415: "The body's media type is not accepted (UNSUPPORTED_MEDIA_TYPE, "
    "UNSUPPORTED_FILE_TYPE).",
    422: "Invalid input with per-field details: VALIDATION_ERROR, or INVALID_TEXT "
    "(NUL, lone surrogate, over-long text in any path, query, header or body "
    "value), JSON_TOO_DEEP, and the operation's own codes.",
    429: "Too many attempts (TOO_MANY_ATTEMPTS); wait Retry-After seconds.",
    503: "A service or component is unavailable (SERVICE_UNAVAILABLE, "
    "SEARCH_UNAVAILABLE, STORAGE_UNAVAILABLE…); safe to retry later.",
}


class Input(Schema):
    """A gateway-only input schema (the gateway reshapes or checks it itself)."""

    class Meta:
        unknown = RAISE


@dataclass(frozen=True)
class Op:
    """One operation's metadata; schemas are marshmallow classes or instances."""

    summary: str
    ok: object = None  # the success body's schema
    status: int = 200
    body: object = None  # JSON request body
    form: object = None  # multipart/form-data request body
    urlencoded: bool = False  # the body may also be application/x-www-form-urlencoded
    body_required: bool = True
    query: object = None  # query parameters
    auth: str = USER  # PUBLIC: no token needed; OPTIONAL: answers differ; USER
    errors: tuple = ()  # statuses beyond the derived ones
    description: str = ""
    media: tuple = ()  # other success media: (("text/csv", TEXT), ...)
    ok_description: str = "Success."
    acts: bool | None = None  # takes Idempotency-Key (default: every POST)
    tag: str | None = None
    example: str | None = None  # name of an example body in resources.EXAMPLES
    answers: tuple = ()  # other documented answers: ((status, schema, text), ...)
    path: tuple = ()  # path parameters' limits: (("code", {"pattern": ...}), ...)


def op(summary, **kwargs):
    return Op(summary, **kwargs)


class _Names:
    """Name components plainly: answers as they are, inputs with `Input`.

    Two services' `PageSchema` get their service's name in front; a schema
    narrowed with `exclude`/`only` is inlined.
    """

    def __init__(self):
        self.taken = {}

    def __call__(self, schema):
        if not isinstance(schema, type) and (schema.exclude or schema.only):
            return None
        cls = resolve_schema_cls(schema)
        name = cls.__name__
        if not cls.__module__.startswith(resources.__name__):
            name = name.removesuffix("Schema")
            if not name.endswith(("Input", "Query", "Form")):
                name = f"{name}Input"
        if self.taken.setdefault(name, cls) is not cls:
            service = cls.__module__.split(".")[1].title()
            name = f"{service}{name}"
            self.taken.setdefault(name, cls)
        return name


def _one_or_many(self, field, **kwargs):
    """The search filters' OneOrMany: repeat the parameter (or join with commas)."""
    if isinstance(field, OneOrMany):
        items = {"type": "string", "minLength": 1}
        if field.choices:
            items["enum"] = list(field.choices)
        return {"type": "array", "items": items}
    return {}


PARAM = re.compile(r"\{(\w+)(?::(\w+)\(([^)]*)\))?\}")


def path_of(template):
    """`/x/{task_id:int(min=1, max=9)}` → (`/x/{task_id}`, [parameters])."""
    params = []
    for name, converter, args in PARAM.findall(template):
        schema = {"type": "string", "minLength": 1}
        if converter == "int":
            schema = {"type": "integer"}
            for part in filter(None, (a.strip() for a in args.split(","))):
                key, _, value = part.partition("=")
                if not value:  # int(4): exactly four digits
                    digits = int(key)
                    schema.update(minimum=10 ** (digits - 1), maximum=10**digits - 1)
                else:
                    schema["minimum" if key == "min" else "maximum"] = int(value)
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return PARAM.sub(r"{\1}", template), params


def error_statuses(method, path, operation, path_params):
    """The error statuses an operation really answers."""
    codes = {414, 422}
    if path != "/healthz":
        codes.add(503)
    if operation.body is not None or operation.form is not None:
        codes |= {411, 413, 415}
        if operation.body is not None:
            codes.add(400)
    if operation.auth == USER:
        codes |= {401, 403}
    if operation.auth == OPTIONAL:
        codes.add(403)
    if path_params:
        codes.add(404)
    if path not in RATE_EXEMPT:
        codes.add(429)  # every counted request has a budget (gateway/rate_limit.py)
    if _acts(method, operation):
        codes |= {400, 409}  # a malformed Idempotency-Key; its first request still runs
    return sorted(codes | set(operation.errors))


def _acts(method, operation):
    """Whether the operation takes Idempotency-Key (default: every POST)."""
    return operation.acts if operation.acts is not None else method == "post"


def _security(auth):
    signed = [{"bearer": []}, {"oauth2": []}, {"session": []}]
    if auth == PUBLIC:
        return []
    return signed + ([{}] if auth == OPTIONAL else [])


def _content(schema, example=None):
    media = {"schema": schema}
    if example:
        media["examples"] = {example: {"$ref": f"#/components/examples/{example}"}}
    return {"application/json": media}


def operation_dict(method, path, operation, path_params):
    item = {
        "summary": operation.summary,
        "operationId": operation_id(method, path),
        "tags": [operation.tag],
        "security": _security(operation.auth),
        "parameters": _parameters(method, path, operation, path_params),
        "responses": _responses(method, path, operation, path_params),
    }
    if operation.description:
        item["description"] = operation.description
    body = _request_body(operation)
    if body:
        item["requestBody"] = body
    return item


def _parameters(method, path, operation, path_params):
    params = list(path_params)
    if path.startswith("/api/"):
        params += ["AcceptLanguage", "RequestId"]
    if _acts(method, operation):
        params.append("IdempotencyKey")
    if operation.query is not None:
        params.append({"in": "query", "schema": operation.query})
    return params


def _request_body(operation):
    content = {}
    if operation.body is not None:
        content.update(_content(operation.body))
        if operation.urlencoded:
            content["application/x-www-form-urlencoded"] = {"schema": operation.body}
    if operation.form is not None:
        content["multipart/form-data"] = {"schema": operation.form}
    if not content:
        return None
    return {"required": operation.body_required, "content": content}


def _responses(method, path, operation, path_params):
    ok = {"description": operation.ok_description}
    if operation.ok is not None:
        ok["content"] = _content(operation.ok, operation.example)
    for media, schema in operation.media:
        ok.setdefault("content", {})[media] = {"schema": schema}
    answers = {str(operation.status): ok}
    for status, schema, text in operation.answers:
        answers[str(status)] = {"description": text, "content": _content(schema)}
    for code in error_statuses(method, path, operation, path_params):
        answers.setdefault(str(code), {"$ref": f"#/components/responses/E{code}"})
    return answers


def operation_id(method, path):
    words = re.sub(r"[{}]", "", path.removeprefix("/api/v1")).strip("/")
    words = re.sub(r"[^A-Za-z0-9]+", "_", words) or "root"
    return f"{method}_{words}"


def _components(spec):
    spec.components.schema("Error", schema=Error)
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for code, text in ERRORS.items():
        response = {"description": text, "content": body}
        if code == 414:
            response["content"] = {"text/html": {"schema": TEXT}}
        if code == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        spec.components.response(f"E{code}", response)
    spec.components.parameter(
        "AcceptLanguage",
        "header",
        {
            "name": "Accept-Language",
            "description": "Language of messages: vi (default) or en.",
            "schema": {"type": "string", "maxLength": MAX_PARAM, "example": "vi"},
        },
    )
    spec.components.parameter(
        "RequestId",
        "header",
        {
            "name": "X-Request-ID",
            "description": "Kept when 8–64 of [A-Za-z0-9._-] (else a new one is "
            "made); sent back and logged by every service.",
            "schema": {"type": "string", "maxLength": MAX_PARAM},
        },
    )
    spec.components.parameter(
        "IdempotencyKey",
        "header",
        {
            "name": "Idempotency-Key",
            "description": "The same key within 24 h returns the first answer; "
            "the same key with another body is 422.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        },
    )
    spec.components.security_scheme(
        "bearer",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A session token (POST /api/v1/sessions) or an API "
            "client's access token (POST /api/v1/oauth/token).",
        },
    )
    spec.components.security_scheme(
        "oauth2",
        {
            "type": "oauth2",
            "description": "Agency systems: client-credentials grant.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token",
                    "scopes": {s: f"The {s} scope." for s in CLIENT_SCOPES},
                }
            },
        },
    )
    spec.components.security_scheme(
        "session",
        {
            "type": "apiKey",
            "in": "cookie",
            "name": "portal_session",
            "description": "The web session; unsafe methods also need the "
            "X-CSRF-Token header (the csrf_token of the session).",
        },
    )
    for name, example in resources.EXAMPLES.items():
        spec.components.example(name, {"value": example})


def area_operations(areas, rpc):
    """Yield (template, method, Op) for every route every area serves."""
    missing = []
    for area in areas:
        table = getattr(area, "OPERATIONS", None)
        if table is None:
            continue
        served = set()
        for template, resource in area.routes(rpc):
            for method in METHODS:
                if not hasattr(resource, f"on_{method}"):
                    continue
                key = f"{method.upper()} {template}"
                served.add(key)
                if key not in table:
                    missing.append(f"{key} has no OPERATIONS entry")
                    continue
                tag = table[key].tag or area.__name__.rsplit(".", 1)[-1]
                yield template, method, _with_tag(table[key], tag)
        missing += [f"{key} is documented, not served" for key in set(table) - served]
    if missing:
        raise LookupError("; ".join(sorted(missing)))


def _with_tag(operation, tag):
    return operation if operation.tag else replace(operation, tag=tag)


class _NoRpc:
    """Routes are built without calling anything; an RPC here is a bug."""

    def __getattr__(self, name):
        raise RuntimeError("the document must not call services")


def build(areas):
    spec = APISpec(
        title="Cổng dịch vụ công trực tuyến — public API",
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=_Names())],
        info={"description": DESCRIPTION},
        servers=[{"url": "/", "description": "This deployment."}],
    )
    spec.plugins[0].converter.add_attribute_function(_one_or_many)
    spec.plugins[0].converter.add_attribute_function(_domain_rules)
    _components(spec)
    webhooks = _webhooks(spec)
    tags = set()
    for template, method, operation in area_operations(areas, _NoRpc()):
        path, params = path_of(template)
        for param in params:
            param["schema"].update(dict(operation.path).get(param["name"], {}))
        tags.add(operation.tag)
        spec.path(
            path=path,
            operations={method: operation_dict(method, path, operation, params)},
        )
    doc = spec.to_dict()
    doc["webhooks"] = webhooks
    for area in areas:
        for name, rule in getattr(area, "SCHEMA_RULES", {}).items():
            doc["components"]["schemas"][name].update(rule)
    doc["tags"] = [{"name": t, "description": TAGS.get(t, t)} for t in sorted(tags)]
    _examples_on_schemas(doc)
    _query_params(doc)
    return doc


WEBHOOK_HEADERS = {
    "webhook-id": "The delivery's id: the same on every try and replay (dedupe by it).",
    "webhook-timestamp": "Seconds since the epoch when this try was signed.",
    "webhook-signature": "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the "
    "subscription's secret (whsec_ prefix off, base64-decoded); after a rotation "
    "also with the previous one, space-separated.",
}


def _webhooks(spec):
    """The `webhooks` section: one signed POST per event type, its body the
    envelope with the type's versioned `data` (derived from the contracts)."""
    hooks = {}
    for event_type, body in webhook_bodies().items():
        name = body.__name__
        spec.components.schema(name, schema=body)
        hooks[event_type] = {
            "post": {
                "summary": f"{event_type}, data version {DATA_VERSION}",
                "description": "Sent to every active subscription that asked for the "
                "type and whose client may see the dossier. Answer 2xx within the "
                "timeout; 410 disables the subscription; 429 with Retry-After "
                "pauses it; anything else is tried again with back-off for about "
                "three days.",
                "parameters": [
                    {
                        "name": header,
                        "in": "header",
                        "required": True,
                        "schema": TEXT,
                        "description": text,
                    }
                    for header, text in WEBHOOK_HEADERS.items()
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{name}"}
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Received."},
                    "410": {"description": "Gone: the subscription is disabled."},
                    "429": {"description": "Slow down for Retry-After seconds."},
                },
            }
        }
    return hooks


def _examples_on_schemas(doc):
    """Show each example on its schema too (JSON Schema `examples`)."""
    for name, example in resources.EXAMPLES.items():
        doc["components"]["schemas"][name]["examples"] = [example]


def _query_params(doc):
    """Array query parameters repeat (`?status=a&status=b`); no value is longer
    than the text guard takes (MAX_PARAM characters, else 422 INVALID_TEXT)."""
    for item in doc["paths"].values():
        for operation in item.values():
            for param in operation.get("parameters", ()):
                schema = param.get("schema", {})
                if param.get("in") != "query":
                    continue
                if "array" in str(schema.get("type")):
                    param.update(style="form", explode=True)
                    schema = schema.get("items", {})
                if "string" in str(schema.get("type")):
                    schema["maxLength"] = min(
                        schema.get("maxLength", MAX_PARAM), MAX_PARAM
                    )


def _domain_rules(self, field, **kwargs):
    """What the accounts service's rule validators check, as JSON Schema."""
    from services.accounts import domain

    rules = {
        "email_error": {"maxLength": 254, "pattern": domain.EMAIL.pattern},
        "phone_error": {
            "pattern": "^(0(" + "|".join(sorted(domain.MOBILE_PREFIXES)) + r")\d{7}"
            r"|02\d{9})$",
            "description": "A Vietnamese mobile (0 + operator prefix + 7 digits) or "
            "landline (02 + 9 digits); +84, spaces and dots are accepted too.",
        },
        "password_error": {
            "minLength": 10,
            "maxLength": 128,
            "description": "10 to 128 characters with letters and digits.",
        },
        "national_id_error": {
            "pattern": "^0(" + "|".join(sorted(domain.CCCD_PROVINCES)) + r")\d{9}$",
            "description": "CCCD: 12 digits, a birth province's code, a birth year "
            "not in the future.",
        },
        "tax_code_error": {
            "pattern": domain.TAX_CODE.pattern,
            "description": "Mã số thuế: 10 digits (check digit verified), or a "
            "branch's 10 digits, a dash and 3 digits (not 000).",
        },
    }
    found = {}
    for validator in field.validators:
        check = (getattr(validator, "__closure__", None) or [None])[0]
        name = getattr(getattr(check, "cell_contents", None), "__name__", "")
        found.update(rules.get(name, {}))
    return found


DESCRIPTION = """\
The contract agencies integrate with (generated from the gateway's routes and the
services' schemas). JSON in and out, UTF-8; timestamps ISO 8601 with offset; dates
YYYY-MM-DD. Every error has one body, `{"error": {"code", "message", "details"}}`,
with a stable code and per-field details; messages follow Accept-Language (vi
default, en). Any string (path, query, header, JSON, form, file name) that is not
valid UTF-8 or holds NUL or a lone surrogate is refused with 422 INVALID_TEXT,
details naming the field; JSON nested deeper than 32 levels is 422 JSON_TOO_DEEP.
Lists answer `{items, total}` and take `page` (1–100000) and `page_size`.
Answers may gain fields within /api/v1: ignore those you do not know."""

TAGS = {
    "health": "Liveness and readiness.",
    "openapi": "This document, for machines and people.",
    "accounts": "Registration, sessions, OAuth tokens, administration, audit.",
    "files": "Uploads, metadata, originals and PDFs, procedure form templates.",
    "notify": "E-mail delivery, notification templates, bulk e-mail.",
    "procedures": "The procedure catalogue and holiday calendars.",
    "dossiers": "Dossiers, their workflow, history, comments, tasks, statistics.",
    "search": "Index-backed lists and dashboards, with exports.",
    "webhooks": "Signed webhooks to agencies' systems, and the event feed.",
}
