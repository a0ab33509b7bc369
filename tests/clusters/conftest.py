"""Fixtures of the cluster tests: a cluster started fresh per module, a stack on it.

Each module starts only the cluster it breaks (CPU is scarce) and stops it after;
the rest of its stack uses the shared single-node infrastructure.
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


class Restarts(threading.Thread):
    """Start a service process again when it exits, as Kubernetes would.

    Today a service whose broker connection dies mid-publish can exit (issue 13,
    item 1); the cluster tests are about what the clusters lose, so the stack is run
    under this minimal supervisor and the restarts are reported, not hidden.
    """

    def __init__(self, stack):
        super().__init__(daemon=True)
        self.stack, self.done, self.restarted = stack, threading.Event(), []

    def run(self):
        targets = {t.replace(":", "-"): t for t in SERVICES}
        while not self.done.wait(0.5):
            for name, proc in list(self.stack.processes.items()):
                if name in targets and proc.poll() is not None:
                    self.restarted.append(name)
                    self.stack.start_service(targets[name])


def running(stack):
    """Start the stack, yield it with its world, stop it whatever happens."""
    restarts = Restarts(stack)
    try:
        stack.start()
        restarts.start()
        yield stack, World(stack)
    finally:
        restarts.done.set()
        if restarts.restarted:  # shown in pytest's warnings summary
            warnings.warn(
                f"services restarted after exiting: {restarts.restarted}", stacklevel=1
            )
        stack.stop()
