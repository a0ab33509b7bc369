"""Labels of the service metrics stay bounded, and each process serves its own port."""

import subprocess
import sys

from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from services.dossiers.models import Outbox
from services.shared import errors, metrics


def test_province_codes_are_labels_and_anything_else_is_none():
    assert metrics.province_label("01") == "01"
    assert metrics.province_label(None) == "none"
    assert metrics.province_label("") == "none"
    assert metrics.province_label("3f2a9c1e-0000-4000-8000-000000000000") == "none"
    assert metrics.province_label("01; drop") == "none"


def test_errors_are_labelled_by_stable_code_and_kind():
    refused = errors.ValidationFailed("bad", {"x": ["y"]}, code="DOSSIER_INVALID")
    assert metrics.error_code(refused) == "DOSSIER_INVALID"
    assert metrics.error_kind(refused) == "client"
    assert metrics.error_code(errors.ServiceError()) == "INTERNAL_ERROR"
    assert metrics.error_kind(errors.ServiceError()) == "server"
    assert metrics.error_code(KeyError("x")) == "KeyError"
    assert metrics.error_kind(KeyError("x")) == "server"


SERVE_ONCE = """
import requests

from services.shared import metrics
port = metrics.serve("127.0.0.1", 0)
assert port > 0
assert metrics.serve("127.0.0.1", 0) == port  # a second container: same server
text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
assert "# TYPE portal_rpc_duration_seconds histogram" in text
"""


def test_the_process_server_starts_once_on_a_free_port():
    # A fresh interpreter: earlier tests import modules that monkey-patch eventlet,
    # and a real server thread in this process would then never be scheduled.
    done = subprocess.run(
        [sys.executable, "-c", SERVE_ONCE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def read_errors(source):
    labels = {"service": "unit", "source": source}
    found = REGISTRY.get_sample_value("portal_backlog_read_errors_total", labels)
    return found or 0


def test_a_backlog_that_cannot_be_read_is_counted_and_left_out():
    source = object.__new__(metrics.Source)
    source.service, source.outbox, source.queues = "unit", Outbox, ["rpc-unit"]
    # Nothing listens on port 1: both reads fail at once.
    engine = create_engine("postgresql+psycopg2://x@127.0.0.1:1/x")
    source.sessions = sessionmaker(engine)
    source.amqp_uri = "amqp://x:x@127.0.0.1:1/"
    before = {s: read_errors(s) for s in ("outbox", "queues")}
    families = [GaugeMetricFamily(f"g{i}", "", labels=["a", "b"]) for i in range(4)]
    source.report(*families)
    assert all(not family.samples for family in families)
    assert {s: read_errors(s) for s in before} == {s: n + 1 for s, n in before.items()}


def test_an_error_with_a_status_is_a_client_error_only_from_the_service_base():
    class LibraryError(Exception):
        status = 404

    assert metrics.error_kind(LibraryError()) == "server"
