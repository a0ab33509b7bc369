"""Components go away under load and come back; nothing is lost, nothing stays down.

Each test runs a burst (every client submits dossiers, every other one is received
by the desk) and breaks one thing in the middle of it. Afterwards it counts, for
every change a client was told of: the dossier in the database in its status, the
same status in the index, exactly one e-mail per status change, an empty outbox; and
every service up again without a hand restart (the supervisor's restarts are
counted too). Each test is bounded: clients retry for `BURST_SECONDS`, and while
the fault lasts (itself bounded) plus a minute; `verify` polls for 90 s.
"""

import time

import pytest

from services.shared.errors import Unavailable
from services.shared.peers import UNAVAILABLE_CODES
from tests.stack import SERVICES

from .harness import KILLS, PROXIED
from .workload import Ledger, burst, verify

PER_CLIENT = 2
BURST_SECONDS = 120
# The codes a 503 for an unreachable process may carry: the shared one, and the one
# per peer that the gateway's and the services' calls answer when a peer is away.
UNAVAILABLE = {Unavailable.code, *UNAVAILABLE_CODES.values()}


def when_busy(ledger, count=2, timeout=30):
    """Wait until the burst has got going (some dossiers accepted)."""
    deadline = time.monotonic() + timeout
    while len(ledger.dossiers) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def run(faults, fault):
    ledger = Ledger()
    faults.world.fresh_agency()
    before = faults.stack.restarts()

    def during():
        when_busy(ledger)
        fault()

    burst(faults.world, ledger, PER_CLIENT, time.monotonic() + BURST_SECONDS, during)
    dossiers, mails = verify(faults.world, ledger, timeout=90)
    assert dossiers >= len(faults.world.citizens) * PER_CLIENT
    faults.stack.wait_ready(60)
    restarted = {
        name: n - before[name]
        for name, n in faults.stack.restarts().items()
        if n != before[name]
    }
    return ledger, restarted


def unavailable_answers_are_stable(ledger):
    assert ledger.tally["codes"] <= UNAVAILABLE, ledger.tally


def test_broker_restart_during_a_burst(faults):
    ledger, restarted = run(faults, faults.restart_broker)
    unavailable_answers_are_stable(ledger)
    assert ledger.tally["retried"] > 0, "the broker went away unnoticed"
    assert restarted == {}, "a service exited when the broker went away"


def test_postgres_restart_during_a_burst(faults):
    ledger, restarted = run(faults, faults.restart_postgres)
    unavailable_answers_are_stable(ledger)
    assert restarted == {}, "a service exited when the database went away"


@pytest.mark.parametrize("component", PROXIED)
def test_component_down_and_back_during_a_burst(faults, component):
    ledger, restarted = run(faults, lambda: faults.outage(component))
    unavailable_answers_are_stable(ledger)
    assert restarted == {}, f"a service exited when {component} went away"


def test_sigkill_of_each_service_during_a_burst(faults):
    """Each process is killed in turn while the clients keep RPCs and events in
    flight (while it holds one, as RabbitMQ shows: accounts a sign-in, each visit of
    the workload beginning with one), and must come back by itself (the supervisor)
    before the next kill."""
    assert set(KILLS) == {t.replace(":", "-") for t in SERVICES} | {"gateway"}
    in_hand = {}

    def kill_each():
        for name, kinds in KILLS.items():
            for kind in kinds:
                in_hand[(name, kind)] = faults.kill(name, kind)

    ledger, restarted = run(faults, kill_each)
    unavailable_answers_are_stable(ledger)
    assert restarted == {name: len(kinds) for name, kinds in KILLS.items()}
    assert all(in_hand.values()), in_hand
