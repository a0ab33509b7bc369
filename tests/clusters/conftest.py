"""Fixtures of the cluster tests: each cluster started fresh, a stack on it per module.

The clusters the selected tests need start side by side, in the background, as soon
as the first cluster test is set up (a JVM or an Erlang node spends most of its
start waiting, so starting them one after the other cost minutes); each module then
waits for its own. Each fixture is named after its component. A cluster is killed
after its module: its data is thrown away, the next start is fresh. The rest of each
stack uses the shared single-node infrastructure.
"""

import os
import threading
import warnings

import pytest

from tests.conftest import Api, Mailbox
from tests.e2e.test_api_journey import login, register_citizen
from tests.stack import SERVICES, Stack

from .burst import LightAgency
from .cluster import Cluster

COMPONENTS = ("minio", "opensearch", "rabbitmq")


class Starting:
    """One cluster starting fresh in a thread of its own."""

    def __init__(self, component):
        self.cluster = Cluster(component)
        self.error = None
        self.thread = threading.Thread(target=self._start, daemon=True)
        self.thread.start()

    def _start(self):
        try:
            self.cluster.start_fresh()
        except BaseException as exc:  # noqa: BLE001 - raised again by wait()
            self.error = exc

    def wait(self):
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.cluster


@pytest.fixture(scope="session")
def clusters(request):
    """The clusters the session's tests use, starting; all killed at the end."""
    needed = {
        component
        for item in request.session.items
        for component in COMPONENTS
        if component in item.fixturenames
    }
    starting = {component: Starting(component) for component in sorted(needed)}
    try:
        yield starting
    finally:
        for start in starting.values():
            start.thread.join()  # bounded: infra's start timeout
            start.cluster.kill_all()


def cluster_fixture(component):
    """A module fixture: the component's cluster, once started, killed at the end."""

    @pytest.fixture(scope="module")
    def fixture(clusters):
        cluster = clusters[component].wait()
        try:
            yield cluster
        finally:
            cluster.kill_all()

    return fixture


def stack_on(cluster, keys, **overrides):
    """A stack whose `keys` come from the cluster's environment."""
    env = dict(os.environ)
    env.update({k: cluster.env[k] for k in keys if k in cluster.env})
    env.update(overrides)
    return Stack(env)


class World:
    """An agency with a document-free procedure and an activated citizen."""

    def __init__(self, stack):
        api = Api(stack.url)
        mailbox = Mailbox(stack.env["PORTAL_MAIL_DIR"], since=stack.created - 5)
        self.agency = LightAgency(api, stack)
        self.email = register_citizen(api, mailbox)
        self.citizen = login(api, self.email)


def running(stack, cluster):
    """Start the stack, yield it with its world, stop it whatever happens.

    Every process runs under the stack's supervisor (deploy/local/supervise.py),
    which starts it again if it exits, as Kubernetes would; restarts are reported in
    pytest's warnings, not hidden. At the end the processes stop, the cluster is
    killed, and then the run's vhost, databases and indices are removed: what lived
    on the cluster goes with it at once instead of waiting on a cluster that lost a
    node (a two-node OpenSearch without its manager holds a delete for its timeout).
    """
    try:
        stack.start()
        yield stack, World(stack)
    finally:
        names = [t.replace(":", "-") for t in SERVICES]
        restarted = {n: stack.supervised(n).get("restarts") for n in names}
        restarted = {n: count for n, count in restarted.items() if count}
        if restarted:  # shown in pytest's warnings summary
            warnings.warn(f"services restarted: {restarted}", stacklevel=1)
        stack.stop_processes()
        cluster.kill_all()
        stack.remove_resources()
