"""Every route of the gateway × every role → the answer the visibility rule demands.

The routes are read from the Falcon app itself, so a new route (or a new method on
one) without rows in access_matrix.yaml fails `test_every_route_has_rows`. Each cell
is sent to the real stack as that role, in a small world built once for the module
(access_world.py). Cells marked `known_gap` are strict xfails: when the code is
fixed they pass, and the test says so until the mark is removed.

`PORTAL_MATRIX_DUMP=<file>` writes every observed outcome there (to write new rows).
"""

import os

import pytest
import yaml

from tests.conftest import Api

from .access_runner import run_cells
from .access_table import cells, load_table, served_routes, table_routes
from .access_world import World

TABLE = load_table()
CELLS = cells(TABLE)


def params():
    """Yield one pytest param per cell, known gaps as strict xfails."""
    for cell in CELLS:
        marks = []
        if cell.known_gap:
            marks.append(pytest.mark.xfail(strict=True, reason=cell.known_gap))
        yield pytest.param(cell, id=cell.id, marks=marks)


@pytest.fixture(scope="module")
def observed(stack, mailbox):
    """Build the world and send every cell once: {cell: outcome}."""
    world = World(Api(stack.url), stack, mailbox)
    results = run_cells(world, stack.url, CELLS)
    if os.environ.get("PORTAL_MATRIX_DUMP"):
        dump(results)
    return results


def dump(results):
    """Write the observed outcomes in the table's shape, to compare or copy."""
    rows = {}
    for cell, got in results.items():
        key = f"{cell.method} {cell.variant}".strip()
        rows.setdefault(cell.template, {}).setdefault(key, {})[cell.role] = got
    with open(os.environ["PORTAL_MATRIX_DUMP"], "w", encoding="utf-8") as out:
        yaml.safe_dump(rows, out, allow_unicode=True, sort_keys=False)


def test_every_route_has_rows():
    missing = served_routes() - table_routes(TABLE)
    assert not missing, f"routes without rows in access_matrix.yaml: {missing}"


def test_no_rows_for_routes_that_are_gone():
    gone = table_routes(TABLE) - served_routes()
    assert not gone, f"rows for routes the gateway no longer serves: {gone}"


def test_no_cell_accepts_a_server_error():
    lax = [c.id for c in CELLS if any(str(v).startswith("5") for v in c.expect)]
    assert not lax


@pytest.mark.parametrize("cell", params())
def test_access(observed, cell):
    got = observed[cell]
    assert got in cell.expect, f"{cell.id}: answered {got}, expected {cell.expect}"
