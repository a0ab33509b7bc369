"""The OpenAPI document, served as JSON and rendered for people at /api/v1/docs.

The document is generated (gateway/apidoc.py) from the routes of every area and
their OPERATIONS tables, once per process on first request. The page is rendered
on the server from the same document (no script, no CDN), in Vietnamese or English.
"""

import json
import re
from pathlib import Path

import jinja2
import markupsafe

from ..apidoc import HTML, PUBLIC, build, op

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def document():
    """The document of every area the app serves (imported late: app imports us)."""
    from ..app import AREAS

    return build(AREAS)


class OpenApi:
    def __init__(self):
        self._body = None

    def on_get(self, req, resp):
        """Return the OpenAPI document as JSON."""
        if self._body is None:
            self._body = json.dumps(document(), ensure_ascii=False)
        resp.content_type = "application/json"
        resp.text = self._body


DOCUMENT = {
    "type": "object",
    "required": ["openapi", "info", "paths"],
    "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}},
}
LABELS = {
    "vi": {
        "title": "Tài liệu API",
        "intro": "Tài liệu máy đọc được (OpenAPI 3.1):",
        "contents": "Mục lục",
        "parameters": "Tham số",
        "body": "Nội dung gửi lên",
        "responses": "Kết quả trả về",
        "schemas": "Kiểu dữ liệu",
        "name": "Tên",
        "in": "Vị trí",
        "required": "Bắt buộc",
        "type": "Kiểu và giới hạn",
        "description": "Mô tả",
        "status": "Mã",
        "auth": "Cần đăng nhập",
        "public": "Công khai",
        "yes": "có",
        "example": "Ví dụ",
        "other": "English",
    },
    "en": {
        "title": "API documentation",
        "intro": "The machine-readable document (OpenAPI 3.1):",
        "contents": "Contents",
        "parameters": "Parameters",
        "body": "Request body",
        "responses": "Responses",
        "schemas": "Schemas",
        "name": "Name",
        "in": "In",
        "required": "Required",
        "type": "Type and limits",
        "description": "Description",
        "status": "Status",
        "auth": "Sign-in needed",
        "public": "Public",
        "yes": "yes",
        "example": "Example",
        "other": "Tiếng Việt",
    },
}
LIMITS = (
    "format",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "default",
)


def type_text(schema, ref=str):
    """A one-line reading of a JSON Schema: `string (maxLength 200, pattern …)`."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return ref(schema["$ref"].rsplit("/", 1)[-1])
    kind = schema.get("type", "any")
    kind = " | ".join(kind) if isinstance(kind, list) else kind
    if kind.startswith("array") and "items" in schema:
        kind = f"array of {type_text(schema['items'], ref)}"
    if "additionalProperties" in schema and isinstance(
        schema["additionalProperties"], dict
    ):
        kind = f"{kind} of {type_text(schema['additionalProperties'], ref)}"
    limits = [
        f"{key} {json.dumps(schema[key], ensure_ascii=False)}"
        for key in LIMITS
        if key in schema
    ]
    return f"{kind} ({', '.join(limits)})" if limits else kind


REF = re.compile("\x00([^\x01]*)\x01")


def type_html(schema):
    """`type_text` with each named schema a link to its table on the page."""
    text = str(markupsafe.escape(type_text(schema, lambda n: f"\x00{n}\x01")))
    return markupsafe.Markup(REF.sub(r'<a href="#schema-\1">\1</a>', text))


class Docs:
    """The document as a page: operations by tag, then every schema."""

    def __init__(self):
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True
        )
        env.filters["type_text"] = type_html
        env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2)
        self.template = env.get_template("api_docs.html")
        self._pages = {}

    def on_get(self, req, resp):
        """Render the document for people (Vietnamese or English, no script)."""
        lang = req.context.lang if req.context.lang in LABELS else "vi"
        if lang not in self._pages:
            doc = document()
            self._pages[lang] = self.template.render(
                doc=doc,
                lang=lang,
                other="en" if lang == "vi" else "vi",
                t=LABELS[lang],
                by_tag=by_tag(doc),
            )
        resp.content_type = "text/html; charset=utf-8"
        resp.text = self._pages[lang]


def by_tag(doc):
    """[(tag, [(method, path, operation)])] in the document's tag order."""
    groups = {t["name"]: [] for t in doc.get("tags", [])}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            groups.setdefault(operation["tags"][0], []).append(
                (method.upper(), path, operation)
            )
    return [(tag, ops) for tag, ops in groups.items() if ops]


def routes(rpc):
    return [("/api/v1/openapi.json", OpenApi()), ("/api/v1/docs", Docs())]


OPERATIONS = {
    "GET /api/v1/openapi.json": op(
        "This document (OpenAPI 3.1, JSON).",
        auth=PUBLIC,
        media=(("application/json", DOCUMENT),),
        ok_description="The OpenAPI document.",
    ),
    "GET /api/v1/docs": op(
        "This document rendered for people (HTML, Vietnamese or English).",
        auth=PUBLIC,
        media=(HTML,),
        ok_description="The page.",
    ),
}
