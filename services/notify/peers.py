"""Facade over the services notify asks: files, accounts, dossiers (each a
`services/shared/peers.py` client: contract-dumped arguments, one timeout).

Nothing degrades silently: a peer that does not answer raises 503
`<PEER>_UNAVAILABLE`, so an event handler does not complete (its message is retried
later; no e-mail goes without its parts) and an RPC answers 503. Only a document the
peer refuses (a 4xx: not generated for this dossier, not visible) is left out.
"""

import base64
import logging

from services.shared.caller import SYSTEM
from services.shared.errors import ServiceError

log = logging.getLogger(__name__)


def _refused(exc):
    """A peer's 4xx answer (the part is left out), not an outage (re-raised)."""
    return isinstance(exc, ServiceError) and exc.status < 500


class Peers:
    def __init__(self, accounts, dossiers, files):
        self.accounts, self.dossiers, self.files = accounts, dossiers, files

    def read_file(self, caller, file_id):
        """Return {name, content_type, data, kind, dossier_id} of a file."""
        found = self.files.read_small(caller, file_id)
        return {
            "name": found["name"],
            "content_type": found.get("content_type") or "application/octet-stream",
            "data": base64.b64decode(found["content_b64"]),
            "kind": found.get("kind"),
            "dossier_id": found.get("dossier_id"),
        }

    def document(self, kind, dossier):
        """Generate a document (receipt slip, apology...); None if it is refused."""
        try:
            meta = self.files.generate_document(SYSTEM, kind, dossier)
            return self.read_file(SYSTEM, meta["id"])
        except ServiceError as exc:
            if not _refused(exc):
                raise
            log.warning("document %s refused: %s", kind, exc)
            return None

    def _files(self, dossier_id):
        """The dossier's file metas ([] when files refuses: no such dossier)."""
        try:
            return self.files.list_files(SYSTEM, dossier_id)
        except ServiceError as exc:
            if not _refused(exc):
                raise
            log.warning("list_files of %s refused: %s", dossier_id, exc)
            return []

    def dossier_files(self, dossier_id):
        """Return [{name, slot}] of the files received with a dossier."""
        return [
            {"name": f["name"], "slot": f.get("slot")} for f in self._files(dossier_id)
        ]

    def slot_files(self, dossier_id, slot):
        """Return the file metas of one slot of a dossier."""
        return [f for f in self._files(dossier_id) if f.get("slot") == slot]

    def read_files(self, metas):
        """[{name, content_type, data}] of the files, or None if one is refused."""
        read = []
        for meta in metas:
            try:
                read.append(self.read_file(SYSTEM, meta["id"]))
            except ServiceError as exc:
                if not _refused(exc):
                    raise
                log.warning("read_small of %s refused: %s", meta.get("id"), exc)
                return None
        return read

    def agency_name(self, code):
        """The agency's display name (its code when accounts knows none)."""
        return (self.accounts.get_agency(SYSTEM, code) or {}).get("name") or code

    def user(self, user_id):
        return self.accounts.get_user(SYSTEM, user_id)

    def staff(self, caller, agency, department=None, role=None):
        """Return [{email, full_name, ...}] of staff."""
        return self.accounts.list_staff(
            caller, agency=agency, department=department, role=role
        )

    def applicants(self, caller, procedure, date_from, date_to):
        """Return [{email, full_name}] of applicants of a procedure in a period."""
        return self.dossiers.list_applicants(
            caller, procedure=procedure, date_from=date_from, date_to=date_to
        )

    def due_work(self, within_days):
        """Return due-soon and overdue work items for every officer."""
        return self.dossiers.list_due_work(SYSTEM, within_days)

    def dossier(self, caller, dossier_id):
        """The dossier as `caller` sees it (404 when they do not)."""
        return self.dossiers.get_dossier(caller, dossier_id)

    def task(self, caller, dossier_id, task_id):
        """The dossier's task if `caller` sees it, else None."""
        tasks = self.dossiers.list_tasks(caller, dossier_id)
        return next((t for t in tasks if t.get("id") == task_id), None)

    def staff_involved(self, user_ids):
        """The users behind `user_ids` (one no longer known is left out)."""
        found = []
        for user_id in user_ids:
            try:
                found.append(self.accounts.get_user(SYSTEM, user_id))
            except ServiceError as exc:
                if not _refused(exc):
                    raise
                log.warning("involved user %s refused: %s", user_id, exc)
        return found
