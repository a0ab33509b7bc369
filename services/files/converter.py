"""Conversion workers: a nameko service of its own, scaled by starting more of it.

Every instance consumes `files.file_uploaded` from one shared queue (SERVICE_POOL
handlers compete), so ops add conversion capacity with
`python -m services.shared.runner files.converter:ConverterService` and nothing else.
The message is acknowledged only after the worker returns, i.e. after the PDF is stored
and the state committed: a worker killed mid-conversion leaves the message to be
redelivered to another, and the state guard makes the second delivery convert once.
"""

import hashlib
import io
import logging
import os
import tempfile
import time

import eventlet
from nameko.events import event_handler
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from services.contracts import files as contract
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.metrics import (
    CONVERSION_SECONDS,
    CONVERSIONS,
    Metrics,
    province_label,
)
from services.shared.outbox import InvalidEvent, read_event, record_event, utcnow

from . import domain, settings
from .conversion import ConversionError, Office, convert
from .dependencies import ObjectStore
from .listener import ManagedListener
from .models import Outbox, StoredFile

log = logging.getLogger(__name__)
RETRY_DELAY = 2.0  # seconds before a conversion that met an outage is tried again


class Converter(DependencyProvider):
    """The LibreOffice client, and this process's concurrency.

    nameko sizes its worker pool and the consumer's prefetch from `max_workers`; a
    converter should hold only as many messages as it converts at once, so that idle
    instances get the rest. This provider lowers both before the consumer starts.
    """

    def setup(self):
        cfg = self.container.config
        concurrency = max(1, cfg.get(settings.CONVERTER_CONCURRENCY.key, 1))
        self.container.max_workers = concurrency
        self.container._worker_pool.resize(concurrency)
        self.managed = None
        if cfg.get(settings.UNO_COMMAND.key):
            self.managed = ManagedListener(
                cfg[settings.UNO_COMMAND.key],
                recycle_after=cfg.get(settings.UNO_RECYCLE_AFTER.key, 1000),
            )
            self.managed.start()
        self.office = Office(
            "127.0.0.1" if self.managed else cfg[settings.UNO_HOST.key],
            cfg[settings.UNO_PORT.key],
            cfg[settings.CONVERSION_TIMEOUT.key],
            managed=self.managed,
        )

    def stop(self):
        if self.managed:
            self.managed.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.office


class ConverterService:
    """Convert every uploaded office document or image to a PDF stored beside it."""

    name = "files_converter"
    migrates = False  # the files service owns and migrates the database

    db = Database("files")
    store = ObjectStore()
    office = Converter()
    request = RequestContext()
    metrics = Metrics()

    # Requeued on error: the database or MinIO being away must delay the conversion,
    # not lose it (the message used to be acknowledged with the error).
    @event_handler("files", contract.FILE_UPLOADED, requeue_on_error=True)
    def convert_uploaded(self, payload):
        """Convert the uploaded file once; record done or failed with a reason."""
        try:
            payload = read_event("files", contract.FILE_UPLOADED, payload)
        except InvalidEvent:
            log.exception("dropping malformed file_uploaded event")
            return
        try:
            convert_file(self.db, self.store, self.office, payload["file_id"])
        except Exception:
            eventlet.sleep(RETRY_DELAY)  # before it goes back: do not hammer
            raise


def convert_file(db, store, office, file_id):
    """Convert one pending file (no-op when another delivery already finished it)."""
    with db.reader() as session:
        row = _by_public_id(session, file_id)
        if row is None or row.state != "stored" or row.conversion != domain.PENDING:
            return
        name, key, sha, province = row.name, row.object_key, row.sha256, row.province
    started = time.perf_counter()
    outcome = _convert_and_store(db, store, office, file_id, name, key, sha)
    if outcome is not None:  # None: a racing delivery finished it first
        seconds = time.perf_counter() - started
        CONVERSION_SECONDS.labels(outcome).observe(seconds)
        CONVERSIONS.labels(outcome, province_label(province)).inc()


def _convert_and_store(db, store, office, file_id, name, key, sha):
    with tempfile.TemporaryDirectory(prefix="portal-convert-") as tmp:
        path = os.path.join(tmp, "original." + domain.extension(name))
        try:
            _fetch_verified(store, key, sha, path)
            pdf = convert(office, path)
        except ConversionError as exc:
            log.info("conversion of %s failed: %s", file_id, exc)
            return _finish(db, file_id, failed=exc)
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    pdf_key = f"files/{file_id}/pdf"
    store.put(pdf_key, io.BytesIO(pdf), len(pdf), "application/pdf", pdf_sha)
    outcome = _finish(db, file_id, pdf=(pdf_key, len(pdf), pdf_sha))
    log.info("converted %s", file_id)
    return outcome


def _fetch_verified(store, key, sha, path):
    with open(path, "wb") as sink:
        _, actual = store.fetch_to(key, sink)
    if sha and actual != sha:
        raise ConversionError("checksum_mismatch")


def _by_public_id(session, file_id, lock=False):
    query = select(StoredFile).where(StoredFile.public_id == str(file_id))
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def _finish(db, file_id, pdf=None, failed=None):
    """Commit the outcome once (the row lock makes a racing delivery a no-op).

    Return the state committed (done, failed), or None when another delivery won.
    """
    with db.transaction() as session:
        row = _by_public_id(session, file_id, lock=True)
        if row is None or row.conversion != domain.PENDING:
            return None
        row.updated_at = utcnow()
        base = {"file_id": row.public_id, "dossier_id": row.dossier_id}
        if failed is not None:
            row.conversion = domain.FAILED
            row.conversion_reason = failed.reason
            event = contract.FILE_CONVERSION_FAILED
            body = {**base, "reason": failed.reason}
        else:
            row.conversion = domain.DONE
            row.pdf_key, row.pdf_size, row.pdf_sha256 = pdf
            event = contract.FILE_CONVERTED
            body = {**base, "pdf_size": row.pdf_size, "pdf_sha256": row.pdf_sha256}
        record_event(session, Outbox, event, body, province=row.province)
        return row.conversion
