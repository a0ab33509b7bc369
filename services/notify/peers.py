"""Facade over the other services notify asks: files, accounts, dossiers.

Every method names the intent and degrades gracefully: when a peer does not offer
a method yet (MethodNotFound), is not running, or times out, it returns None and the
caller carries on without that part (e.g. an e-mail goes without its slip).
"""

import base64
import logging

import eventlet
from nameko.exceptions import RemoteError, UnknownService

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

log = logging.getLogger(__name__)
MISSING = (UnknownService, eventlet.Timeout)


class Peers:
    def __init__(self, accounts, dossiers, files, timeout=10.0):
        self.accounts, self.dossiers, self.files = accounts, dossiers, files
        self.timeout = timeout

    def _call(self, proxy, method, *args, **kwargs):
        try:
            with eventlet.Timeout(self.timeout):
                return getattr(proxy, method)(*args, **kwargs)
        except RemoteError as exc:
            if exc.exc_type != "MethodNotFound":
                raise
            log.info("peer method %s is not offered yet", method)
        except MISSING as exc:
            log.warning("peer call %s failed: %s", method, type(exc).__name__)
        return None

    def read_file(self, caller, file_id):
        """Return {name, content_type, data} of a file, or None if unavailable."""
        found = self._call(self.files, "read_small", caller, file_id)
        if not found:
            return None
        return {
            "name": found["name"],
            "content_type": found.get("content_type") or "application/octet-stream",
            "data": base64.b64decode(found["content_b64"]),
            "kind": found.get("kind"),
            "dossier_id": found.get("dossier_id"),
        }

    def document(self, kind, dossier):
        """Generate a document (receipt slip, apology...) and return its bytes."""
        try:
            meta = self._call(self.files, "generate_document", SYSTEM, kind, dossier)
        except (RemoteError, ServiceError) as exc:
            log.warning("generate_document %s failed: %s", kind, exc)
            return None
        if not meta or not meta.get("id"):
            return None
        try:
            return self.read_file(SYSTEM, meta["id"])
        except (RemoteError, ServiceError) as exc:
            log.warning("read_small of %s failed: %s", meta["id"], exc)
            return None

    def dossier_files(self, dossier_id):
        """Return [{name}] of the files received with a dossier ([] if unknown)."""
        try:
            found = self._call(self.files, "list_files", SYSTEM, dossier_id)
        except (RemoteError, ServiceError) as exc:
            log.warning("list_files of %s failed: %s", dossier_id, exc)
            return []
        return [{"name": f.get("name"), "slot": f.get("slot")} for f in found or ()]

    def slot_files(self, dossier_id, slot):
        """Return the file metas of one slot of a dossier ([] if unknown)."""
        try:
            found = self._call(self.files, "list_files", SYSTEM, dossier_id)
        except (RemoteError, ServiceError) as exc:
            log.warning("list_files of %s failed: %s", dossier_id, exc)
            return []
        return [f for f in found or () if f.get("slot") == slot]

    def read_files(self, metas):
        """Return [{name, content_type, data}] of the files, or None if one fails."""
        read = []
        for meta in metas:
            try:
                found = self.read_file(SYSTEM, meta["id"])
            except (RemoteError, ServiceError) as exc:
                log.warning("read_small of %s failed: %s", meta.get("id"), exc)
                found = None
            if not found:
                return None
            read.append(found)
        return read

    def user(self, user_id):
        return self._call(self.accounts, "get_user", SYSTEM, user_id)

    def staff(self, caller, agency, department=None, role=None):
        """Return [{email, full_name, ...}] of staff; None if not offered."""
        return self._call(
            self.accounts,
            "list_staff",
            caller,
            agency=agency,
            department=department,
            role=role,
        )

    def applicants(self, caller, procedure, date_from, date_to):
        """Return [{email, full_name}] of applicants of a procedure in a period."""
        return self._call(
            self.dossiers,
            "list_applicants",
            caller,
            procedure=procedure,
            date_from=date_from,
            date_to=date_to,
        )

    def due_work(self, within_days):
        """Return due-soon and overdue work items for every officer, or None."""
        return self._call(self.dossiers, "list_due_work", SYSTEM, within_days)
