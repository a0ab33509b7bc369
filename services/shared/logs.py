"""Structured JSON logs carrying the request id that started the work.

The gateway makes a request id per HTTP request; RPCs carry it in nameko's context
data and events carry it in their payload, so one id follows a request everywhere.
"""

import contextvars
import json
import logging
import sys
import time

request_id_var = contextvars.ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    """Render each record as one JSON object per line."""

    def __init__(self, service):
        super().__init__()
        self.service = service

    def format(self, record):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key in ("event", "event_id", "method", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(service, level="INFO"):
    """Send every log record of this process to stderr as JSON."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("kombu", "amqp", "opensearch", "urllib3", "nameko"):
        logging.getLogger(noisy).setLevel("WARNING")
