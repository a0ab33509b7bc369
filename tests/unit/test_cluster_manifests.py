"""The Kubernetes and Compose manifests describe the topology infra --cluster runs."""

from pathlib import Path

import yaml

from tests.clusters.cluster import cluster_environ

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = cluster_environ()
NODES = {
    "rabbitmq": int(CLUSTER["PORTAL_CLUSTER_RABBIT_NODES"]),
    "opensearch": int(CLUSTER["PORTAL_CLUSTER_OPENSEARCH_NODES"]),
    "minio": int(CLUSTER["PORTAL_CLUSTER_MINIO_DRIVES"]),
}


def statefulsets():
    docs = yaml.safe_load_all((ROOT / "deploy/k8s/portal.yaml").read_text())
    return {
        d["metadata"]["labels"]["component"]: d
        for d in docs
        if d and d["kind"] == "StatefulSet"
    }


def test_kubernetes_runs_as_many_nodes_as_the_local_cluster():
    sets = statefulsets()
    assert {name: s["spec"]["replicas"] for name, s in sets.items()} == NODES
    minio = sets["minio"]["spec"]["template"]["spec"]["containers"][0]["command"]
    # one drive per pod, all pods in one erasure set
    assert any(f"{{0...{NODES['minio'] - 1}}}" in arg for arg in minio)


def test_compose_cluster_override_has_the_same_nodes():
    doc = yaml.safe_load((ROOT / "deploy/compose/compose.cluster.yaml").read_text())
    services = doc["services"]
    assert len([s for s in services if s.startswith("rabbitmq")]) == NODES["rabbitmq"]
    assert (
        len([s for s in services if s.startswith("opensearch")]) == NODES["opensearch"]
    )
    assert f"{{1...{NODES['minio']}}}" in services["minio"]["command"]
    assert len(services["minio"]["volumes"]) == NODES["minio"]


def test_cluster_clients_get_every_node():
    assert len(CLUSTER["PORTAL_AMQP_URI"].split(";")) == NODES["rabbitmq"]
    assert len(CLUSTER["PORTAL_OPENSEARCH_URL"].split(",")) == NODES["opensearch"]
    assert CLUSTER["PORTAL_RABBIT_QUEUE_TYPE"] == "quorum"
