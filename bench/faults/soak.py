"""The soak: the fault stack (tests/faults/harness.py) under steady load for
`--minutes`, with a fault every `--every` seconds, then the count.

Faults, in turn: broker restart, PostgreSQL restart, OpenSearch, MinIO and SMTP cut
off (Toxiproxy), and a SIGKILL of each process in turn (a service while RabbitMQ
shows it holding an RPC or an event). Clients keep submitting dossiers (every other
one received by the desk) and retry what is answered 503, as a real client would.
At the end every change a client was told of must be in the database, the index
and the mailbox exactly once (tests/faults/workload.py `verify`); the figures say
how much was done, how often clients had to retry, how long the system took to
catch up, and how many times each process was restarted.

    . deploy/local/env.sh && PYTHONPATH=. $PORTAL_VENV/bin/python bench/faults/soak.py
"""

import argparse
import itertools
import statistics
import time

from tests.faults.harness import KILLS, PROXIED, fault_stack
from tests.faults.workload import Ledger, burst, verify


def schedule(faults):
    """The faults in the order the soak injects them, for ever."""
    steps = [("broker restart", faults.restart_broker)]
    steps.append(("postgres restart", faults.restart_postgres))
    steps += [(f"{c} outage", lambda c=c: faults.outage(c)) for c in PROXIED]
    for name, kinds in KILLS.items():
        steps += [
            (f"kill {name} ({k})", lambda n=name, k=k: faults.kill(n, k)) for k in kinds
        ]
    return itertools.cycle(steps)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--every", type=float, default=20, help="seconds per fault")
    args = parser.parse_args()
    with fault_stack(args.clients) as faults:
        faults.world.fresh_agency()
        ledger, injected = Ledger(), []
        before = faults.stack.restarts()
        started = time.monotonic()
        end = started + args.minutes * 60

        def inject():
            for n, (label, fault) in enumerate(schedule(faults)):
                slot = started + (n + 1) * args.every
                if slot >= end:
                    break
                time.sleep(max(slot - time.monotonic(), 0))
                t0 = time.monotonic()
                fault()
                injected.append((label, time.monotonic() - t0))
                print(f"{time.monotonic() - started:6.0f} s  {label}", flush=True)
            time.sleep(max(end - time.monotonic(), 0))

        burst(faults.world, ledger, 1, end + 300, inject)
        loaded = time.monotonic() - started
        t0 = time.monotonic()
        dossiers, mails = verify(faults.world, ledger, timeout=300)
        caught_up = time.monotonic() - t0
        restarts = {
            k: v - before[k]
            for k, v in faults.stack.restarts().items()
            if v != before[k]
        }
        received = sum(1 for _, s, _ in ledger.dossiers.values() if s == "processing")
        recovery = [d for _, d in injected]
        print(f"load                   {loaded:.0f} s, {args.clients} clients")
        print(f"faults injected        {len(injected)}")
        print(f"dossiers submitted     {dossiers} ({dossiers / loaded * 60:.1f}/min)")
        print(f"  of which received    {received}")
        print(f"e-mails, exactly once  {mails}")
        print(f"requests retried       {ledger.tally['retried']} (503 answers "
              f"{ledger.tally.get('answered_503', 0)}, codes "
              f"{sorted(c for c in ledger.tally['codes'] if c)})")  # fmt: skip
        print(f"caught up after load   {caught_up:.1f} s (db, index, mail all equal)")
        if recovery:
            print(
                f"fault to ready again   p50 {statistics.median(recovery):.1f} s, "
                f"max {max(recovery):.1f} s"
            )
        print(f"restarts by supervisor {restarts}")


if __name__ == "__main__":
    main()
