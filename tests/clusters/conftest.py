"""Fixtures of the cluster tests: a cluster started fresh per module, a stack on it.

Each module starts only the cluster it breaks (CPU is scarce) and stops it after;
the rest of its stack uses the shared single-node infrastructure.
"""

import os
import warnings

import pytest

from tests.conftest import Api, Mailbox
from tests.e2e.test_api_journey import login, register_citizen
from tests.stack import SERVICES, Stack

from .burst import LightAgency
from .cluster import Cluster


def cluster_fixture(component):
    """A module fixture: the component's cluster, fresh, stopped at the end."""

    @pytest.fixture(scope="module")
    def fixture():
        cluster = Cluster(component)
        cluster.start_fresh()
        try:
            yield cluster
        finally:
            cluster.stop()

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


def running(stack):
    """Start the stack, yield it with its world, stop it whatever happens.

    Every process runs under the stack's supervisor (deploy/local/supervise.py),
    which starts it again if it exits, as Kubernetes would; restarts are reported in
    pytest's warnings, not hidden.
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
        stack.stop()
