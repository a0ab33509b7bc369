"""Every fault test shares one stack (harness.py); each is marked `faults`."""

import os
from pathlib import Path

import pytest

from .harness import fault_stack

HERE = Path(__file__).parent
CLIENTS = 3


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def faults():
    if os.environ.get("PORTAL_SKIP_STACK"):
        pytest.skip("PORTAL_SKIP_STACK is set")
    with fault_stack(CLIENTS) as running:
        yield running
