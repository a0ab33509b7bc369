"""From planned e-mails to queued messages: once per event, in one transaction.

`EventMailer.mail` records the event id (`first_delivery`), renders each planned
e-mail (the province override first, the file template if the override fails on real
data) and inserts the queued messages, then wakes the sender. Documents to attach
(receipt slip, apology letter) are fetched before the transaction opens.
"""

import logging

from services.shared.outbox import first_delivery

from . import domain, inbox, links, store
from .models import ProcessedEvent

log = logging.getLogger(__name__)


class EventMailer:
    def __init__(self, db, templates, peers, sender, max_bytes=10 * 1024 * 1024):
        self.db, self.templates, self.peers, self.sender = db, templates, peers, sender
        self.max_bytes = max_bytes

    def mail(self, payload, planned):
        """Render and queue the planned e-mails of one event, once per event id."""
        event_id = str(payload.get("event_id") or "")
        if any(item.document or item.files for item in planned):
            # a redelivery must not fetch the documents again (peer RPCs); the
            # transaction's first_delivery below is what de-duplicates
            with self.db.reader() as session:
                if store.already_processed(session, event_id):
                    return
        self._desks(planned)
        documents = self._documents(planned)
        for item in planned:
            if item.files:
                self._attach_files(item, documents)
        with self.db.transaction() as session:
            if not first_delivery(session, ProcessedEvent, payload):
                return
            for item in planned:
                self._queue(session, event_id, payload, item, documents)
        if planned:
            self.sender.wake()

    def _desks(self, planned):
        """Name the receiving desk and the resolving agency where a mail says them
        (accounts not answering: 503, the event is retried, no mail goes without)."""
        for item in planned:
            codes = domain.desk_codes(item.key, item.context.get("dossier") or {})
            if codes:
                receiving, resolving = (self.peers.agency_name(c) for c in codes)
                item.context["desks"] = {"receiving": receiving, "resolving": resolving}

    def _documents(self, planned):
        found = {}
        for item in planned:
            if item.document and item.document not in found:
                dossier = item.context.get("dossier") or {}
                if (
                    item.document in domain.REASON_DOCUMENTS
                ):  # the reason is the letter's own text
                    dossier = dict(dossier, reason=item.context.get("reason") or "")
                found[item.document] = self.peers.document(item.document, dossier)
        return found

    def _attach_files(self, item, documents):
        """Fetch the dossier's files of `item.files` if they fit; say so in context.

        Too big in total (or unreadable): no attachment, the e-mail keeps its link.
        """
        metas = self.peers.slot_files(item.scope.get("dossier_id"), item.files)
        read = None
        if domain.attachable(metas, self.max_bytes):
            read = self.peers.read_files(metas)
        documents[("files", item.key)] = read or []
        item.context["attached"] = [f["name"] for f in read or ()]
        item.context["too_large"] = bool(metas) and not read

    def _queue(self, session, event_id, payload, item, documents):
        if item.once_per and store.mailed_recently(
            session, item.scope.get("dossier_id"), item.key, item.once_per
        ):
            log.info("%s for %s throttled", item.key, item.scope.get("dossier_id"))
            return
        province = item.scope.get("province") or payload.get("province")
        override = store.override_source(session, province, item.key, item.lang)
        rendered = self._render(item, override)
        if rendered is None:
            return
        refs = []
        if documents.get(item.document):
            refs.append(store.save_attachment(session, documents[item.document]))
        for found in documents.get(("files", item.key), ()):
            refs.append(store.save_attachment(session, found))
        store.queue(session, item.event_key(event_id) or None, item, rendered, refs)
        if item.user_id:
            inbox.add(
                session, item.user_id, item.event_key(event_id), item.key,
                rendered.subject, None, item.scope.get("dossier_id"),
                links.path_of(item.link, self.templates.public_url),
            )  # fmt: skip

    def _render(self, item, override):
        """Render with the province override, falling back to the file template."""
        for source in (override, None) if override else (None,):
            try:
                return self.templates.render(
                    item.key, item.lang, item.context, source, item.link
                )
            except Exception:  # noqa: BLE001 - a bad template or datum never blocks
                log.exception(
                    "template %s failed (override: %s)", item.key, bool(source)
                )
        return None
