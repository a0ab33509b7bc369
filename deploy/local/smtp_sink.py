"""Development SMTP sink: stores every received message as one .eml file.

Listens on 127.0.0.1:$PORTAL_SMTP_PORT (default 2525) and writes each message's
bytes, unmodified, to $PORTAL_MAIL_DIR/<timestamp>-<uuid>.eml (atomic: temp file
+ rename, so readers never see a partial file). Accepts SMTPUTF8 and 8BITMIME.
Run with the project venv:  python deploy/local/smtp_sink.py
"""

import os
import signal
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class MaildirSink:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        name = f"{stamp}-{uuid.uuid4().hex}.eml"
        tmp = self.directory / f".{name}.tmp"
        data = envelope.original_content or envelope.content
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.directory / name)
        rcpts = ",".join(envelope.rcpt_tos)
        print(f"stored {name} from={envelope.mail_from} to={rcpts} bytes={len(data)}")
        return "250 OK: message stored"


class SinkController(Controller):
    def factory(self):
        # decode_data=False keeps the raw bytes; enable_SMTPUTF8 advertises SMTPUTF8.
        return SMTP(
            self.handler,
            decode_data=False,
            enable_SMTPUTF8=True,
            hostname="portal-smtp-sink",
        )


def main() -> None:
    host = os.environ.get("PORTAL_SMTP_BIND", "127.0.0.1")
    port = int(os.environ.get("PORTAL_SMTP_PORT", "2525"))
    root = Path(__file__).resolve().parents[2]
    mail_dir = Path(os.environ.get("PORTAL_MAIL_DIR", root / "var" / "mail"))
    controller = SinkController(MaildirSink(mail_dir), hostname=host, port=port)
    controller.start()
    print(f"smtp sink listening on {host}:{port}, storing into {mail_dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
