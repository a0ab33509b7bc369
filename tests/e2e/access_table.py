"""Read access_matrix.yaml into cells: (route, method, variant, role) → expectation.

The table is compressed: in each method block, keys are role names or group names
(several separated by spaces, `default` for every role), applied in order so a later
key overrides an earlier one. A value is a status code, a list of codes, `login` (a
page's redirect to the login form), or `{expect: ..., known_gap: "why"}` for a cell
where the code still answers otherwise than the intended rule.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import falcon.inspect
import yaml

from gateway import settings
from gateway.app import create_app

TABLE = Path(__file__).with_name("access_matrix.yaml")
REQUEST_KEYS = {"json", "form", "multipart", "query", "phase", "params", "reveals"}
PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


@dataclass(frozen=True)
class Cell:
    template: str
    method: str
    variant: str
    role: str
    expect: frozenset
    known_gap: str | None
    request: dict = field(hash=False, compare=False)

    @property
    def id(self):
        variant = f" ({self.variant})" if self.variant else ""
        return f"{self.method} {self.template}{variant} as {self.role}"


def load_table(path=TABLE):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def served_routes():
    """Every (template, method) the gateway's Falcon app answers with a responder."""
    app = create_app(None, {settings.MAX_BODY.key: 1024})
    return {
        (route.path, m.method)
        for route in falcon.inspect.inspect_routes(app)
        for m in route.methods
        if not m.internal
    }


def table_routes(table):
    """The (template, method) pairs the table has rows for (variants aside)."""
    return {
        (template, key.split()[0])
        for template, block in table["routes"].items()
        for key in block
        if key != "params"
    }


def expand(table, spec):
    """The roles named by a key: role names, group names or `default`."""
    if spec == "default":
        return list(table["roles"])
    roles = []
    for name in spec.split():
        roles += table["groups"].get(name, [name])
    unknown = set(roles) - set(table["roles"])
    if unknown:
        raise ValueError(f"unknown role(s) {sorted(unknown)} in {spec!r}")
    return roles


def expectation(value):
    """Return (allowed outcomes, known gap reason) of one table value."""
    gap = None
    if isinstance(value, dict):
        gap, value = value.get("known_gap"), value["expect"]
    values = value if isinstance(value, list) else [value]
    return frozenset(values), gap


def method_cells(table, template, route_params, key, block):
    method, _, variant = key.partition(" ")
    request = {k: v for k, v in block.items() if k in REQUEST_KEYS}
    request["params"] = route_params | request.get("params", {})
    request.setdefault("phase", 0 if method == "GET" else 1)
    if variant:
        request["params"] = request["params"] | table["variants"].get(variant, {})
    found = {}
    for spec, value in block.items():
        if spec in REQUEST_KEYS:
            continue
        for role in expand(table, spec):
            found[role] = expectation(value)
    missing = [r for r in table["roles"] if r not in found]
    if missing:
        raise ValueError(f"{key} {template}: no expectation for {missing}")
    return [
        Cell(template, method, variant, role, *found[role], request)
        for role in table["roles"]
    ]


def cells(table):
    """Every cell of the table, in table order."""
    out = []
    for template, block in table["routes"].items():
        route_params = block.get("params", {})
        for key, method_block in block.items():
            if key != "params":
                out += method_cells(table, template, route_params, key, method_block)
    return out


def path_of(cell, values):
    """The cell's URL path, its parameters filled with the world's ids."""

    def fill(match):
        name = cell.request["params"].get(match.group(1), match.group(1))
        return str(values[name])

    return PARAM.sub(fill, cell.template)


def filled(data, values):
    """`data` with every `{name}` in its strings replaced by the world's value.

    A string that is exactly `{name}` takes the value itself (a whole JSON body).
    """
    whole = PARAM.fullmatch(data) if isinstance(data, str) else None
    if whole and not isinstance(values.get(whole.group(1)), str):
        return values[whole.group(1)]
    if isinstance(data, str):
        return data.format(**values)
    if isinstance(data, dict):
        return {k: filled(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [filled(v, values) for v in data]
    return data
