"""Conversion workers: competing consumers of one queue; a killed worker's file is
converted once after redelivery."""

import signal
import socket
import sys
import threading

from . import samples
from .conftest import CONVERTER, free_port, wait_for
from .test_files import converted, upload

WORKERS = ("files.converter-ConverterService", "converter-2")


def start_converter(stack, name, **env):
    saved = stack.env
    stack.env = {**saved, **env}
    try:
        stack.start_process(
            name, [sys.executable, "-m", "services.shared.runner", CONVERTER]
        )
    finally:
        stack.env = saved


def test_two_converters_share_the_queue(files_stack, client, dossier):
    start_converter(files_stack, "converter-2")
    logs = [files_stack.log_dir / f"{n}.log" for n in WORKERS]
    wait_for(lambda: "started" in logs[1].read_text(errors="replace"))
    try:
        record, owner = dossier
        ids = []
        for i in range(6):
            name, make = ("d.docx", samples.docx) if i % 2 else ("p.jpg", None)
            data = make() if make else samples.image("JPEG")
            ids.append(upload(client, record["id"], owner, name, data).json["id"])
        states = [converted(client, owner, file_id)["conversion"] for file_id in ids]
        assert states == ["done"] * 6
        for path in logs:
            assert "converted" in path.read_text(errors="replace"), path
    finally:
        files_stack.stop_process("converter-2")


class Blackhole:
    """A listener that accepts connections and never answers (a stuck LibreOffice)."""

    def __init__(self):
        self.port = free_port()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(8)
        self.accepted = threading.Event()
        self.conns = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()

    def close(self):
        for conn in self.conns:
            conn.close()
        self.sock.close()


def test_worker_killed_mid_conversion_is_redelivered_and_converted_once(
    files_stack, client, dossier
):
    hole = Blackhole()
    files_stack.stop_process("files.converter-ConverterService")
    start_converter(
        files_stack,
        "converter-stuck",
        PORTAL_UNO_PORT=str(hole.port),
        PORTAL_CONVERSION_TIMEOUT="600",
    )
    try:
        record, owner = dossier
        meta = upload(client, record["id"], owner, "d.docx", samples.docx()).json
        assert hole.accepted.wait(60), "the stuck worker never started converting"
        files_stack.stop_process("converter-stuck", sig=signal.SIGKILL)
        files_stack.start_service(CONVERTER)
        done = converted(client, owner, meta["id"])
        assert done["conversion"] == "done"
        assert done["pdf"]["sha256"]
    finally:
        files_stack.stop_process("converter-stuck", sig=signal.SIGKILL)
        hole.close()
        if "files.converter-ConverterService" not in files_stack.processes:
            files_stack.start_service(CONVERTER)


def test_a_converter_with_its_own_listener_converts_and_stops_it(
    files_stack, client, dossier
):
    import os

    unoserver = os.path.join(os.environ.get("PORTAL_UNO_VENV", ""), "bin", "unoserver")
    default = "files.converter-ConverterService"
    files_stack.stop_process(default)
    start_converter(files_stack, "converter-own", PORTAL_UNO_COMMAND=unoserver)
    log = files_stack.log_dir / "converter-own.log"
    try:
        wait_for(lambda: "uno listener started" in log.read_text(errors="replace"))
        record, owner = dossier
        meta = upload(client, record["id"], owner, "d.docx", samples.docx()).json
        assert converted(client, owner, meta["id"])["conversion"] == "done"
        pid = int(log.read_text().split("uno listener started (pid ")[1].split(",")[0])
    finally:
        files_stack.stop_process("converter-own")
        files_stack.start_service(CONVERTER)
    wait_for(lambda: not os.path.exists(f"/proc/{pid}"), timeout=20)
