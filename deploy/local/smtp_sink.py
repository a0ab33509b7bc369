"""Development SMTP sink: stores every received message as one .eml file.

Listens on 127.0.0.1:$PORTAL_SMTP_PORT (default 2525) and writes each message's
bytes, unmodified, to $PORTAL_MAIL_DIR/<timestamp>-<uuid>.eml (atomic: temp file
+ rename, so readers never see a partial file). Accepts SMTPUTF8 and 8BITMIME.

One copy per Message-ID, as a mailbox store keeps it (Gmail, Dovecot's duplicate
suppression): a message whose Message-ID was stored before is answered 250 and not
stored again, and counted in `$PORTAL_MAIL_DIR/.ids/duplicates` (one line each).
The ids stored are files under `.ids/` (SHA-256 of the Message-ID), so the rule
holds across restarts of the sink. A sender that re-sends a message it could not
record (notify after a kill) is thus seen once in the mailbox, and tests can still
count the re-sends. A message without Message-ID is always stored.
Run with the project venv:  python deploy/local/smtp_sink.py
"""

import hashlib
import os
import re
import signal
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]*>)", re.I | re.M)


def message_id(data: bytes):
    """The Message-ID of raw message bytes (headers only), or None."""
    found = MESSAGE_ID.search(data.split(b"\r\n\r\n", 1)[0])
    return found.group(1) if found else None


class MaildirSink:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ids = directory / ".ids"
        self.ids.mkdir(exist_ok=True)

    def seen(self, data: bytes) -> bool:
        """Whether a message with this Message-ID is stored already."""
        found = message_id(data)
        return found is not None and self._id_path(found).exists()

    def _id_path(self, found: bytes) -> Path:
        return self.ids / hashlib.sha256(found).hexdigest()

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if self.seen(data):
            with open(self.ids / "duplicates", "ab") as fh:
                fh.write(message_id(data) + b"\n")
            print(f"duplicate {message_id(data).decode(errors='replace')} not stored")
            return "250 OK: message stored"  # it is, from its first delivery
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        name = f"{stamp}-{uuid.uuid4().hex}.eml"
        tmp = self.directory / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.directory / name)
        if found := message_id(data):
            # after the message: a crash between the two stores it twice, never
            # loses it
            self._id_path(found).touch()
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
