"""Components go away under load and come back; nothing is lost, nothing stays down.

Each test runs a burst (every client submits dossiers, every other one is received
by the desk) and breaks one thing in the middle of it. Afterwards it counts, for
every change a client was told of: the dossier in the database in its status, the
same status in the index, exactly one e-mail per status change, an empty outbox; and
every service up again without a hand restart (the supervisor's restarts are
counted too). Each test is bounded by its burst's deadline and `verify`'s timeout.
"""

import os
import signal
import time

import pytest

from tests.stack import SERVICES

from .workload import Ledger, burst, verify

PER_CLIENT = 4
BURST_SECONDS = 120


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
    assert ledger.tally["codes"] <= {"SERVICE_UNAVAILABLE"}, ledger.tally


def test_broker_restart_during_a_burst(faults):
    ledger, restarted = run(faults, lambda: faults.rabbit.restart(down_for=5))
    unavailable_answers_are_stable(ledger)
    assert ledger.tally["retried"] > 0, "the broker went away unnoticed"
    assert restarted == {}, "a service exited when the broker went away"


def test_postgres_restart_during_a_burst(faults):
    ledger, restarted = run(faults, lambda: faults.postgres.restart(down_for=3))
    unavailable_answers_are_stable(ledger)
    assert restarted == {}, "a service exited when the database went away"


@pytest.mark.parametrize("component", ["opensearch", "minio", "smtp"])
def test_component_down_and_back_during_a_burst(faults, component):
    def outage():
        faults.toxiproxy.down(component)
        time.sleep(4)  # the outage itself, not an assertion
        faults.toxiproxy.up(component)

    ledger, restarted = run(faults, outage)
    unavailable_answers_are_stable(ledger)
    assert restarted == {}, f"a service exited when {component} went away"


def queues_of(name):
    """The queues a process consumes: its RPC queue and its event queues."""
    service = {"files.converter-ConverterService": "files_converter"}.get(name, name)
    return f"rpc-{service}", f"--{service}."


def kill_in_hand(faults, name, kind, wait=15):
    """SIGKILL `name` once RabbitMQ shows it holding an unacknowledged message of
    `kind` ("rpc" or "event"); return whether it did (else it is killed anyway at
    the end of `wait`, and the test counts it as not in hand)."""
    rpc_queue, event_marker = queues_of(name)
    deadline, held = time.monotonic() + wait, False
    while not held and time.monotonic() < deadline:
        hand = faults.rabbit.in_hand(faults.stack.vhost)
        held = any(
            n > 0
            for queue, n in hand.items()
            if (queue == rpc_queue if kind == "rpc" else event_marker in queue)
        )
        if not held:
            time.sleep(0.05)
    pid = faults.stack.pid(name)
    os.kill(pid, signal.SIGKILL)
    return held, pid


def back_again(stack, name, pid, timeout=60):
    deadline = time.monotonic() + timeout
    while stack.supervised(name).get("pid") in (None, pid):
        assert time.monotonic() < deadline, f"{name} not restarted"
        time.sleep(0.1)
    stack.wait_ready(timeout)


# What the burst makes each process handle: RPCs, events, or both.
KILLS = {
    "accounts": ("rpc",),
    "dossiers": ("rpc",),
    "files": ("rpc",),
    "notify": ("event",),
    "search": ("event",),
    "files.converter-ConverterService": (),
    "gateway": (),
}


def test_sigkill_of_each_service_during_a_burst(faults):
    """Each process is killed in turn while the clients keep RPCs and events in
    flight (while it holds one, as RabbitMQ shows), and must come back by itself
    (the supervisor) before the next kill."""
    stack, in_hand = faults.stack, {}
    assert set(KILLS) == {t.replace(":", "-") for t in SERVICES} | {"gateway"}

    def kill_each():
        for name, kinds in KILLS.items():
            for kind in kinds or ("any",):
                if kind == "any":
                    pid = stack.pid(name)
                    os.kill(pid, signal.SIGKILL)
                else:
                    in_hand[(name, kind)], pid = kill_in_hand(faults, name, kind)
                back_again(stack, name, pid)

    ledger, restarted = run(faults, kill_each)
    unavailable_answers_are_stable(ledger)
    assert restarted == {name: max(len(k), 1) for name, k in KILLS.items()}
    print("killed with a message in hand:", in_hand)
    assert all(in_hand.values()), in_hand
