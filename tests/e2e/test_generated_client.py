"""An agency's system works through a client generated from the served document.

openapi-python-client generates a Python package from `/api/v1/openapi.json` (read
over HTTP from the running stack) into a temporary folder, without its formatting
post-hooks and with two generator defects repaired (`repair`); the test imports it
and performs an agency's journey with it alone:
a client-credentials token, the procedure list, a paper dossier registered, its
status followed while the desk, the officer and the leader move it (their steps use
the test helpers: they are the agency's people, not its system), and the result file
downloaded byte for byte.

Operations are found by method and path in the generated code, not by module name,
so the journey keeps working when the document gains operation ids and tags.
Where the document types a request or an answer, the generated model builds or
parses it; where it does not (`Any`), the raw JSON is read and the step is named in
the test's output, as what the document still has to describe.
"""

import inspect
import json
import re
import sys
import time
import types

import pytest
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser.errors import ErrorLevel

from .test_api_journey import PDF, login, upload
from .test_references_and_claims import paper_body

PACKAGE = "portal_api_client"
OCTET = "application/octet-stream"
BINARY = ("*/*", "application/pdf", "image/svg+xml")
BRANCH, ELIF = "\n    if isinstance(body, ", "\n    elif isinstance(body, "
OPERATION = re.compile(r'"method": "(\w+)",\s*"url": f?"([^"]+)"')


class Generated:
    """The generated package, its operations by (method, path template)."""

    def __init__(self, package, root):
        self.package = package
        self.operations = {}
        for path in sorted((root / "api").rglob("*.py")):
            found = OPERATION.search(path.read_text(encoding="utf-8"))
            if found:
                relative = path.relative_to(root).with_suffix("")
                name = ".".join((PACKAGE, *relative.parts))
                key = (found[1].upper(), re.sub(r"\{[^}]*\}", "{}", found[2]))
                self.operations[key] = name
        self.untyped = {}

    def operation(self, method, path):
        key = (method, re.sub(r"\{[^}]*\}", "{}", path))
        assert key in self.operations, f"{method} {path} not generated"
        return __import__(self.operations[key], fromlist=["sync_detailed"])

    def call(self, method, path, *args, body=None, expect=200, **kwargs):
        """Call one operation; return its answer as a dict (or the raw response)."""
        module = self.operation(method, path)
        if body is not None:
            kwargs["body"] = body_model(module).from_dict(body)
        resp = module.sync_detailed(*args, **kwargs)
        assert resp.status_code == expect, (
            method,
            path,
            resp.status_code,
            resp.content,
        )
        return resp

    def data(self, resp, step):
        """The answer's body: from the generated model when typed, else raw JSON."""
        parsed = resp.parsed
        if hasattr(parsed, "to_dict"):
            return parsed.to_dict()
        if isinstance(parsed, list) and all(hasattr(i, "to_dict") for i in parsed):
            return [item.to_dict() for item in parsed]
        self.untyped[step] = True
        return json.loads(resp.content)


def body_model(module):
    """The generated model class the operation takes as its body."""
    annotation = inspect.signature(module.sync_detailed).parameters["body"].annotation
    options = getattr(annotation, "__args__", (annotation,))
    return next(o for o in options if inspect.isclass(o) and hasattr(o, "from_dict"))


@pytest.fixture(scope="module")
def generated(stack, tmp_path_factory):
    root = tmp_path_factory.mktemp("generated") / PACKAGE
    config = Config.from_sources(
        ConfigFile(
            post_hooks=[],
            package_name_override=PACKAGE,
            # The generator reads binary answers only as application/octet-stream.
            content_type_overrides={kind: OCTET for kind in BINARY},
        ),
        MetaType.NONE,
        stack.url + "/api/v1/openapi.json",
        "utf-8",
        True,
        root,
    )
    problems = generate(config=config)
    errors = [p for p in problems if p.level == ErrorLevel.ERROR]
    assert not errors, [(e.header, e.detail) for e in errors]
    repair(root)
    sys.path.insert(0, str(root.parent))
    try:
        yield Generated(__import__(PACKAGE), root)
    finally:
        sys.path.remove(str(root.parent))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def repair(root):
    """Fix two defects of openapi-python-client 0.29.1 in the generated modules.

    An operation with several request content types gets `| Unset` in its body's
    annotation without the import (upstream issue 1451, fix proposed in pull
    request 1478): such a module cannot be imported. And when those content types
    share one schema (/oauth/token: form and JSON) every branch of `_get_kwargs`
    matches the same body, so the request carries one encoding under another's
    Content-Type (issue 1276); `elif` keeps the first, as with distinct schemas.
    Drop each when a release carries its fix.
    """
    for path in (root / "api").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        parts = source.split(BRANCH)
        fixed = BRANCH.join(parts[:2]) + "".join(ELIF + part for part in parts[2:])
        if "| Unset" in fixed and not re.search(r"import .*\bUnset\b", fixed):
            fixed = "from ...types import Unset\n" + fixed
        if fixed != source:
            path.write_text(fixed, encoding="utf-8")


def client_credentials(agency):
    """The operator registers the agency's system (set-up, not part of its journey)."""
    made = agency.operator.post(
        "/api/v1/api-clients",
        json={
            "name": "Hệ thống một cửa",
            "scopes": ["dossiers:read", "dossiers:write", "procedures:read"],
            "agency": agency.code,
        },
    )
    assert made.status_code == 201, made.text
    return made.json()["client_id"], made.json()["client_secret"]


def test_an_agency_system_follows_a_paper_dossier_to_its_result(
    generated, agency, api, stack
):
    client_id, secret = client_credentials(agency)
    began = time.monotonic()
    pkg: types.ModuleType = generated.package
    anonymous = pkg.Client(base_url=stack.url, raise_on_unexpected_status=True)
    granted = generated.data(
        generated.call(
            "POST",
            "/api/v1/oauth/token",
            client=anonymous,
            body={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            },
        ),
        "POST /api/v1/oauth/token",
    )
    assert granted["token_type"] == "Bearer" and granted["access_token"]
    system = pkg.AuthenticatedClient(
        base_url=stack.url,
        token=granted["access_token"],
        raise_on_unexpected_status=True,
    )

    listed = generated.data(
        generated.call("GET", "/api/v1/procedures", client=system, province="01"),
        "GET /api/v1/procedures",
    )
    assert agency.procedure in [p["code"] for p in listed["items"]]

    made = generated.data(
        generated.call(
            "POST",
            "/api/v1/paper-dossiers",
            client=system,
            body=paper_body(agency),
            expect=201,
        ),
        "POST /api/v1/paper-dossiers",
    )
    dossier_id = made["id"]
    assert made["status"] == "processing" and made["receipt_number"]

    def status():
        return generated.data(
            generated.call("GET", "/api/v1/dossiers/{id}", dossier_id, client=system),
            "GET /api/v1/dossiers/{dossier_id}",
        )["status"]

    staff = {role: login(api, email) for role, email in agency.staff.items()}
    result = PDF + b"% ket qua " + dossier_id.encode()
    upload(
        staff["officer"], dossier_id, "result", "ket-qua.pdf", result, "application/pdf"
    )
    for role, action, expect in (
        ("officer", "send_for_approval", "pending_approval"),
        ("leader", "approve", "approved"),
        ("desk", "return_result", "completed"),
    ):
        moved = staff[role].post(
            f"/api/v1/dossiers/{dossier_id}/actions", json={"action": action}
        )
        assert moved.status_code == 200, (action, moved.text)
        assert status() == expect

    slip = generated.data(
        generated.call(
            "GET", "/api/v1/lookup/{n}", made["receipt_number"], client=anonymous
        ),
        "GET /api/v1/lookup/{receipt_number}",
    )
    assert slip["status"] == "completed"

    files = generated.data(
        generated.call("GET", "/api/v1/dossiers/{id}/files", dossier_id, client=system),
        "GET /api/v1/dossiers/{dossier_id}/files",
    )
    items = files["items"] if isinstance(files, dict) else files
    (result_file,) = [f for f in items if f["slot"] == "result"]
    content = generated.call(
        "GET", "/api/v1/files/{id}/content", result_file["id"], client=system
    )
    payload = getattr(content.parsed, "payload", None)  # a typed File, if documented
    if payload is None:
        generated.untyped["GET /api/v1/files/{file_id}/content"] = True
    assert (payload.read() if payload else content.content) == result
    print(f"journey: {time.monotonic() - began:.1f} s; untyped in the document:")
    print(*generated.untyped, sep="\n")
