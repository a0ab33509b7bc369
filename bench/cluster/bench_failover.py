"""A burst of submissions with a RabbitMQ node killed: throughput and losses.

    PYTHONPATH=. $PORTAL_VENV/bin/python bench/cluster/bench_failover.py --total 300

Starts the three-node RabbitMQ cluster of `deploy/local/infra --cluster` on fresh
data, a stack on it (the shared PostgreSQL, OpenSearch and MinIO for the rest), and
submits `--total` dossiers from `--clients` threads through the gateway, first with
every node up, then again with node 1 (where every client connects first and the
queues' leaders are) killed with SIGKILL after a quarter of them. Prints dossiers per
second, the longest pause between two acknowledged submissions around the kill, the
client retries, and every acknowledged submission lost or doubled in the databases.
"""

import argparse

from tests.clusters import burst
from tests.clusters.cluster import Cluster
from tests.clusters.conftest import running, stack_on


def longest_gap(times, after=0.0):
    marks = [t for t in sorted(times) if t >= after]
    return max((b - a for a, b in zip(marks, marks[1:], strict=False)), default=0.0)


def report(name, outcome, lost):
    print(
        f"{name:<22} {len(outcome.submitted):>4} submitted in {outcome.seconds:6.1f} s"
        f" = {outcome.rate():5.1f}/s; longest pause"
        f" {longest_gap(outcome.at, outcome.action_at or 0):5.2f} s;"
        f" retries {outcome.retries}; abandoned {len(outcome.errors)}; lost {len(lost)}"
        + (f"; killed at {outcome.action_at:.1f} s" if outcome.action_at else "")
    )
    for line in lost[:5]:
        print("   ", line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    rabbit = Cluster("rabbitmq")
    rabbit.start_fresh()
    try:
        planned = stack_on(
            rabbit,
            ("PORTAL_AMQP_URI", "PORTAL_RABBIT_QUEUE_TYPE"),
            PORTAL_RABBIT_MGMT_URL=rabbit.management_url(
                int(rabbit.env["PORTAL_CLUSTER_RABBIT_NODES"])
            ),
        )
        for stack, world in running(planned, rabbit):
            for name, action in (
                ("all nodes up", None),
                ("node 1 killed", lambda: rabbit.kill("rabbitmq-c1")),
            ):
                outcome = burst.run(
                    world.citizen,
                    world.agency,
                    args.total,
                    clients=args.clients,
                    action=action,
                    action_after=args.total // 4,
                    limit=600,
                )
                lost = burst.losses(stack, outcome.submitted, world.email, 180)
                report(name, outcome, lost)
            rabbit.start("rabbitmq-c1")
    finally:
        rabbit.kill_all()


if __name__ == "__main__":
    main()
