"""Benchmark: a 10,000-recipient bulk e-mail through the real SMTP sink, throttle off.

Starts its own isolated stack (vhost, databases) with the notify service, and its own
instance of the project's SMTP sink (deploy/local/smtp_sink.py, aiosmtpd, fsync per
message) on a free port writing to a temporary directory, so the shared sink's mail
directory is not flooded. Prints messages/second (compose, then delivery from
confirm to the last `sent`), the count of .eml files the sink stored, and the notify
process's peak memory (VmHWM).

    . deploy/local/env.sh && PYTHONPATH=. $PORTAL_VENV/bin/python \
        bench/notify/bench_bulk.py [--recipients 10000] [--connections 4]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gateway.rpc import RpcPool
from services.shared.caller import SYSTEM
from tests.stack import ROOT, Stack, free_port

CALLER = dict(SYSTEM, province="01", agency="BENCH", department="BENCH")
# An uploaded list waits for a second person: a province admin approves it.
APPROVER = {
    "kind": "staff",
    "roles": ["province_admin"],
    "user_id": "bench-approver",
    "province": "01",
}


def start_sink(port, directory):
    env = {"PORTAL_SMTP_PORT": str(port), "PORTAL_MAIL_DIR": str(directory)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "local" / "smtp_sink.py")],
        env={**__import__("os").environ, **env},
        stdout=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    return proc


def wait_health(rpc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return rpc.call("notify", "health", timeout=3)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise SystemExit("notify did not start")


def peak_memory_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / __import__("os").sysconf("SC_CLK_TCK")


def run(rpc, count):
    csv = "".join(f"bench-{i}@example.vn,Người nhận số {i}\n" for i in range(count))
    data = {
        "subject": "Thông báo {{ full_name }}",
        "body": "Kính gửi {{ full_name }}",
        "csv": csv,
        "rate": 0,
    }
    t0 = time.monotonic()
    draft = rpc.call("notify", "create_bulk_mail", CALLER, data, timeout=300)
    t1 = time.monotonic()
    if draft["needs_approval"]:
        rpc.call("notify", "approve_bulk_mail", APPROVER, draft["id"])
    rpc.call("notify", "confirm_bulk_mail", CALLER, draft["id"])
    while True:
        found = rpc.call("notify", "get_bulk_mail", CALLER, draft["id"])
        if found["status"] == "done":
            break
        time.sleep(0.2)
    sent = rpc.call(
        "notify",
        "list_bulk_recipients",
        CALLER,
        draft["id"],
        {"page": 1, "page_size": 1, "status": "sent"},
    )
    return t1 - t0, time.monotonic() - t1, found, sent["total"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--instances", type=int, default=1)
    args = parser.parse_args()
    mail_dir = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    port = free_port()
    sink = start_sink(port, mail_dir)
    stack = Stack()
    stack.env.update(
        PORTAL_SMTP_PORT=str(port),
        PORTAL_SMTP_CONNECTIONS=str(args.connections),
        PORTAL_LOG_LEVEL="WARNING",
    )
    rpc = RpcPool(stack.env["PORTAL_AMQP_URI"], size=2, timeout=120)
    try:
        stack.create_vhost()
        for index in range(args.instances):
            stack.start_process(
                f"notify-{index}",
                [sys.executable, "-m", "services.shared.runner", "notify"],
            )
        wait_health(rpc)
        compose, deliver, found, sent = run(rpc, args.recipients)
        stored = len(list(mail_dir.glob("*.eml")))
        peaks = [peak_memory_mb(stack.pid(name)) for name in stack.processes]
        notify_cpu = sum(cpu_seconds(stack.pid(name)) for name in stack.processes)
        print(f"recipients            {args.recipients}")
        print(f"notify instances      {args.instances}")
        print(f"sender connections    {args.connections} per instance")
        print(
            f"compose (preview)     {compose:.1f} s "
            f"({args.recipients / compose:.0f} recipients/s)"
        )
        print(
            f"delivery              {deliver:.1f} s "
            f"({sent / deliver:.0f} messages/s, throttle off)"
        )
        print(f"counts                {found['counts']}")
        print(f"stored by the sink    {stored}")
        print(f"notify peak RSS       {max(peaks):.0f} MB per instance")
        print(
            f"CPU notify / sink     {notify_cpu:.1f} s / {cpu_seconds(sink.pid):.1f} s"
        )
        print(f"load average          {Path('/proc/loadavg').read_text().split()[:3]}")
    finally:
        rpc.close()
        stack.stop()
        sink.terminate()
        sink.wait(10)
        shutil.rmtree(mail_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
