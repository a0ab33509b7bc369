"""An OpenSearch node stopped: search still answers, with every document.

Two nodes (own JVMs); the dossiers index keeps one replica on the other node
(`auto_expand_replicas: 0-1`). The search service is given both nodes. Node 1 — the
first the service asks and the cluster manager — is stopped once the index is green;
the citizen's list, served from the index through the gateway, still shows all of
their dossiers.
"""

import time

import pytest
import requests

from . import burst
from .conftest import cluster_fixture, running, stack_on

pytestmark = pytest.mark.clusters

opensearch = cluster_fixture("opensearch")
COUNT = 12


@pytest.fixture(scope="module")
def search_stack(opensearch):
    yield from running(stack_on(opensearch, ("PORTAL_OPENSEARCH_URL",)), opensearch)


def listed(citizen):
    resp = citizen.get("/api/v1/dossiers", params={"page_size": 100}, timeout=30)
    assert resp.status_code == 200, resp.text
    return {item["id"] for item in resp.json()["items"]}, resp.json()["total"]


def test_search_answers_with_every_document_when_a_node_stops(opensearch, search_stack):
    stack, world = search_stack
    outcome = burst.run(world.citizen, world.agency, COUNT, clients=2)
    assert len(outcome.submitted) == COUNT, outcome.errors[:3]
    assert burst.losses(stack, outcome.submitted, world.email) == []

    node2 = opensearch.env["PORTAL_OPENSEARCH_URL"].split(",")[1]
    index = f"{stack.env['PORTAL_INDEX_PREFIX']}dossiers"
    health = requests.get(
        f"{node2}/_cluster/health/{index}",
        params={"wait_for_status": "green", "timeout": "60s"},
        timeout=70,
    ).json()
    assert health["status"] == "green", health  # a replica on each node
    shards = requests.get(f"{node2}/_cat/shards/{index}?format=json", timeout=10)
    assert sorted(s["prirep"] for s in shards.json()) == ["p", "r"]

    opensearch.stop("opensearch-c1")
    deadline = time.monotonic() + 60
    while True:  # the first answers after the stop may still be on their way
        try:
            ids, total = listed(world.citizen)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    assert ids == set(outcome.submitted)
    assert total == COUNT
