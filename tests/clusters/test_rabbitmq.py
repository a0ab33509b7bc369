"""A RabbitMQ node killed during a burst of submissions through the real stack.

Three nodes, every durable queue a quorum queue on all three; every process connects
with the three nodes' URIs and fails over. Node 1 — where every client connects first
and where the queues' leaders are — is killed with SIGKILL after the first
submissions. Every dossier the portal acknowledged must be in the database, submitted,
with exactly one submission event, published, e-mailed once and indexed once.
"""

import pytest
import requests

from . import burst
from .conftest import cluster_fixture, running, stack_on

pytestmark = pytest.mark.clusters

rabbitmq = cluster_fixture("rabbitmq")
TOTAL, KILL_AFTER = 60, 15


@pytest.fixture(scope="module")
def rabbit_stack(rabbitmq):
    # The test vhost is managed through the last node: the first is the one killed.
    stack = stack_on(
        rabbitmq,
        ("PORTAL_AMQP_URI", "PORTAL_RABBIT_QUEUE_TYPE"),
        PORTAL_RABBIT_MGMT_URL=rabbitmq.management_url(
            int(rabbitmq.env["PORTAL_CLUSTER_RABBIT_NODES"])
        ),
    )
    yield from running(stack, rabbitmq)


def queues(stack):
    resp = requests.get(stack._vhost_url().replace("/vhosts/", "/queues/"), timeout=10)
    resp.raise_for_status()
    return resp.json()


def test_service_queues_are_quorum_queues_on_every_node(rabbitmq, rabbit_stack):
    stack, _ = rabbit_stack
    nodes = int(rabbitmq.env["PORTAL_CLUSTER_RABBIT_NODES"])
    durable = [q for q in queues(stack) if q["name"].startswith(("rpc-", "evt-"))]
    assert {q["name"] for q in durable} >= {"rpc-dossiers", "rpc-notify"}
    assert any(q["name"].startswith("evt-dossiers-dossier_submitted") for q in durable)
    for queue in durable:
        assert queue["type"] == "quorum", queue["name"]
        assert len(queue["members"]) == nodes, queue["name"]


def test_node_killed_during_a_burst_loses_nothing(rabbitmq, rabbit_stack):
    stack, world = rabbit_stack
    outcome = burst.run(
        world.citizen,
        world.agency,
        TOTAL,
        action=lambda: rabbitmq.kill("rabbitmq-c1"),
        action_after=KILL_AFTER,
    )
    assert outcome.action_at is not None, "the node was never killed"
    assert outcome.errors == [], outcome.errors[:3]
    assert len(outcome.submitted) == TOTAL
    assert burst.losses(stack, outcome.submitted, world.email) == []
    # the survivors elected new leaders: every queue still has a live leader
    for queue in queues(stack):
        if queue["name"].startswith(("rpc-", "evt-")):
            assert queue["leader"] != "portal-c1@localhost", queue["name"]
    # the killed node starts again and rejoins the cluster
    rabbitmq.start("rabbitmq-c1")
    nodes = requests.get(
        stack._mgmt() + "/api/nodes", params={"columns": "name,running"}, timeout=30
    ).json()
    assert sorted(n["name"] for n in nodes if n["running"]) == [
        f"portal-c{n}@localhost" for n in range(1, len(nodes) + 1)
    ]
