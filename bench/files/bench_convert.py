"""Conversion and upload benchmark of the files service (see bench/README.md).

    PYTHONPATH=. $PORTAL_VENV/bin/python bench/files/bench_convert.py [--docs 60]

1. Warm: a DOCX/XLSX/JPEG mix converted through converter-owned unoserver listeners
   (the code path of the conversion workers: services.files.conversion), with one
   worker (one listener) and with two workers (two listeners, two threads).
2. Cold: `soffice --headless --convert-to pdf` once per DOCX/XLSX, same documents.
3. Upload: a 100 MB file posted through the real gateway (gunicorn gthread) into
   MinIO via the files service; throughput and the gateway worker's peak RSS.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

from services.files.conversion import Office, convert
from services.files.listener import ManagedListener
from services.files.testing import fake_dossiers
from tests.integration.files import samples
from tests.stack import Stack

UNOSERVER = os.path.join(os.environ.get("PORTAL_UNO_VENV", ""), "bin", "unoserver")
KINDS = ("docx", "xlsx", "jpg")


def make_documents(directory, count):
    makers = {
        "docx": lambda: samples.docx("Đơn đề nghị cấp giấy phép — một trang"),
        "xlsx": samples.xlsx,
        "jpg": lambda: samples.image("JPEG"),
    }
    paths = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        path = os.path.join(directory, f"doc{i}.{kind}")
        with open(path, "wb") as handle:
            handle.write(makers[kind]())
        paths.append(path)
    return paths


def run_worker(office, paths, timings):
    for path in paths:
        started = time.perf_counter()
        pdf = convert(office, path)
        assert pdf.startswith(b"%PDF"), path
        timings.append((path.rsplit(".", 1)[1], time.perf_counter() - started))


def warm(paths, workers):
    listeners = [ManagedListener(UNOSERVER, recycle_after=0) for _ in range(workers)]
    threads, timings = [], []
    try:
        for listener in listeners:
            listener.start()
        offices = [Office("127.0.0.1", 0, 60, managed=x) for x in listeners]
        for office in offices:  # first conversion loads the filters: not measured
            convert(office, paths[0])
        started = time.perf_counter()
        for n, office in enumerate(offices):
            share = paths[n::workers]
            threads.append(
                threading.Thread(target=run_worker, args=(office, share, timings))
            )
            threads[-1].start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        for listener in listeners:
            listener.close()
    return summary(timings, elapsed)


def cold(paths, profile):
    timings, out = [], tempfile.mkdtemp(prefix="bench-cold-")
    env = dict(os.environ, HOME=profile)
    started = time.perf_counter()
    for path in paths:
        begun = time.perf_counter()
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", out, path],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        timings.append((path.rsplit(".", 1)[1], time.perf_counter() - begun))
    elapsed = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    return summary(timings, elapsed)


def summary(timings, elapsed):
    by_kind = {}
    for kind, seconds in timings:
        by_kind.setdefault(kind, []).append(seconds)
    return {
        "docs": len(timings),
        "seconds": round(elapsed, 2),
        "docs_per_s": round(len(timings) / elapsed, 2),
        "p50": {k: round(statistics.median(v), 3) for k, v in sorted(by_kind.items())},
        "p95": {
            k: round(sorted(v)[int(0.95 * (len(v) - 1))], 3)
            for k, v in sorted(by_kind.items())
        },
    }


def conversions(count):
    with tempfile.TemporaryDirectory(prefix="bench-docs-") as directory:
        paths = make_documents(directory, count)
        office_paths = [p for p in paths if not p.endswith(".jpg")]
        one, two = warm(paths, 1), warm(paths, 2)
        profile = tempfile.mkdtemp(prefix="bench-cold-profile-")
        try:  # the first start creates the profile: not measured
            cold(office_paths[:1], profile)
            slow = cold(office_paths[: max(6, count // 6)], profile)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
    return one, two, slow


def soak(count, recycle_after, every=500):
    """Convert `count` DOCX/XLSX through one listener recycled every N; return the
    soffice RSS (MB) sampled every `every` documents."""
    listener = ManagedListener(UNOSERVER, recycle_after=recycle_after)
    samples_mb = []
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as directory:
        paths = [p for p in make_documents(directory, 6) if not p.endswith(".jpg")]
        listener.start()
        try:
            office = Office("127.0.0.1", 0, 60, managed=listener)
            started = time.perf_counter()
            for i in range(count):
                convert(office, paths[i % len(paths)])
                if (i + 1) % every == 0:
                    pid = listener.office_pid()
                    samples_mb.append(round(rss_of(pid) / 1e6, 1) if pid else None)
                    print(f"soak {i + 1}: soffice RSS {samples_mb[-1]} MB", flush=True)
            elapsed = time.perf_counter() - started
        finally:
            listener.close()
    return {
        "docs": count,
        "recycle_after": recycle_after,
        "restarts": listener.restarts,
        "docs_per_s": round(count / elapsed, 2),
        f"soffice_rss_mb_every_{every}": samples_mb,
    }


def rss_of(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def gateway_worker(master_pid):
    for _ in range(100):
        out = subprocess.run(
            ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
        ).stdout.split()
        if out:
            return int(out[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn worker not found")


def multipart_file(path, size):
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="slot"\r\n\r\nany\r\n'
        f"--{boundary}\r\nContent-Disposition: form-data; "
        'name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    with open(path, "wb") as handle:
        handle.write(head + b"%PDF-1.4\n")
        block = os.urandom(1024 * 1024)
        written = 9
        while written < size:
            chunk = block[: size - written]
            handle.write(chunk)
            written += len(chunk)
        handle.write(f"\r\n--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}"


def start_upload_stack(limit):
    env = dict(
        os.environ,
        PORTAL_FILES_DOSSIERS_SERVICE="files_fake_dossiers",
        PORTAL_FILES_MAX_BYTES=str(limit),
        PORTAL_FILES_MAX_DOSSIER_BYTES=str(4 * limit),
        PORTAL_FILES_MAX_UNPACKED_BYTES=str(limit),
    )
    stack = Stack(env)
    stack.create_vhost()
    stack.start_service("files")
    stack.start_service("files.testing.fake_dossiers:FakeDossiersService")
    stack.start_process(
        "gateway",
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{stack.port}",
         "--workers", "1", "--threads", "8", "--worker-class", "gthread",
         "--timeout", "300", "bench.files.gateway_app:app"],
    )  # fmt: skip
    return stack


def wait_ready(stack, owner):
    from gateway.rpc import RpcPool

    pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=2, timeout=10)
    deadline = time.monotonic() + 120
    while True:
        try:
            pool.call("files", "health", timeout=5)
            dossier = {
                "id": uuid.uuid4().hex, "owner": owner["user_id"], "province": "01",
                "agency": "A1", "department": "D1", "status": "draft",
                "slots": {"any": {"accept": [], "max_count": 10}},
            }  # fmt: skip
            fake_dossiers.call(pool, "register", dossier)
            requests.get(f"{stack.url}/healthz", timeout=5)
            return dossier
        except Exception:  # noqa: BLE001 - retried until the deadline
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def upload(size=100 * 1024 * 1024):
    owner = {"user_id": uuid.uuid4().hex, "kind": "citizen", "roles": ["citizen"]}
    stack = start_upload_stack(size + 1024 * 1024)
    body = tempfile.NamedTemporaryFile(prefix="bench-upload-", delete=False)
    body.close()
    try:
        dossier = wait_ready(stack, owner)
        content_type = multipart_file(body.name, size)
        worker = gateway_worker(stack.pid("gateway"))
        before = rss_of(worker)
        peak, done = [before], threading.Event()

        def sample():
            while not done.is_set():
                peak.append(rss_of(worker))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        with open(body.name, "rb") as data:
            answer = requests.post(
                f"{stack.url}/api/v1/dossiers/{dossier['id']}/files",
                data=data,
                headers={
                    "Content-Type": content_type,
                    "Authorization": "Bearer t:" + json.dumps(owner),
                },
                timeout=600,
            )
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        answer.raise_for_status()
        assert answer.json()["size"] == size, answer.text
        return {
            "bytes": size,
            "seconds": round(elapsed, 2),
            "mb_per_s": round(size / elapsed / 1e6, 1),
            "gateway_rss_before_mb": round(before / 1e6, 1),
            "gateway_rss_peak_mb": round(max(peak) / 1e6, 1),
            "gateway_rss_growth_mb": round((max(peak) - before) / 1e6, 1),
        }
    finally:
        os.unlink(body.name)
        stack.stop()


def report(one, two, slow, up):
    print(
        json.dumps({"warm_1": one, "warm_2": two, "cold": slow, "upload": up}, indent=2)
    )
    cold_docx = slow["p50"]["docx"]
    print("\n== summary ==")
    print(f"warm 1 worker : {one['docs_per_s']:6.2f} docs/s  p50 {one['p50']}")
    print(f"warm 2 workers: {two['docs_per_s']:6.2f} docs/s  p50 {two['p50']}")
    print(f"cold soffice  : {slow['docs_per_s']:6.2f} docs/s  p50 {slow['p50']}")
    print(f"p50 one-page DOCX warm/cold: {one['p50']['docx']} s / {cold_docx} s "
          f"= {cold_docx / one['p50']['docx']:.1f}x faster")  # fmt: skip
    print(f"throughput 2 workers / cold: {two['docs_per_s'] / slow['docs_per_s']:.1f}x")
    if up:
        rss = (up["gateway_rss_before_mb"], up["gateway_rss_peak_mb"])
        print(f"upload 100 MB : {up['mb_per_s']} MB/s, gateway RSS {rss[0]} MB "
              f"→ peak {rss[1]} MB")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=90, help="documents in the mix")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument(
        "--soak", type=int, default=0, help="also convert N documents, sampling RSS"
    )
    parser.add_argument("--recycle-after", type=int, default=1000)
    parser.add_argument("--soak-only", action="store_true")
    args = parser.parse_args()
    if args.soak_only:
        print(json.dumps({"soak": soak(args.soak, args.recycle_after)}, indent=2))
        return
    one, two, slow = conversions(args.docs)
    up = None if args.skip_upload else upload()
    report(one, two, slow, up)
    if args.soak:
        print(json.dumps({"soak": soak(args.soak, args.recycle_after)}, indent=2))


if __name__ == "__main__":
    main()
