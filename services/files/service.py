"""The files service's entrypoints (each: load → act → dump)."""

import base64
import uuid

from nameko.dependency_providers import Config

# The dossiers service's errors must arrive as local types (DossierNotFound is a
# NotFound), not as a RemoteError that would answer 500.
from services.contracts.files import (
    BeginTemplateUpload,
    BeginUpload,
    CheckDocument,
)
from services.dossiers.exceptions import DossierNotFound
from services.shared import audit, idempotency
from services.shared.caller import caller_from
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.entrypoint import contract_rpc
from services.shared.errors import ValidationFailed
from services.shared.metrics import Metrics
from services.shared.outbox import OutboxRelay
from services.shared.schemas import load

from . import generation, operations, reading, results, settings, templates
from .dependencies import Accounts, Dossiers, ObjectStore, Signer, Uno, storage_errors
from .models import AuditEntry, Outbox
from .schemas import dump_file

rpc = contract_rpc("files")


def known_dossier(dossier_id):
    """Refuse a dossier id that cannot name any dossier (ids are UUIDs)."""
    try:
        uuid.UUID(str(dossier_id))
    except ValueError:
        raise DossierNotFound("Dossier not found", {"id": [str(dossier_id)]}) from None


class FilesService:
    """File metadata, objects in MinIO, type sniffing, reading and lifecycle.

    Conversion to PDF runs in `files.converter:ConverterService`, scaled on its own.
    """

    name = "files"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    metrics = Metrics()
    idempotency_key = idempotency.IdempotencyKey()
    config = Config()
    store = ObjectStore()
    dossiers = Dossiers()
    accounts = Accounts()
    office = Uno()
    signer = Signer()

    @property
    def limits(self):
        return operations.Limits(self.config)

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        return {"files": "ok", "postgres": self.db.ping(), "minio": self.store.health()}

    @rpc
    @storage_errors
    def begin_upload(
        self, caller, dossier_id, slot, filename, declared_type, size, audience=None
    ):
        """Check permission, type, size and counts; return a presigned PUT URL."""
        known_dossier(dossier_id)
        upload = load(
            BeginUpload(),
            {
                "dossier_id": dossier_id,
                "slot": slot,
                "filename": filename,
                "declared_type": declared_type,
                "size": size,
                "audience": audience,
            },
        )
        return operations.begin_upload(
            self.db,
            self.store,
            self.dossiers,
            self.limits,
            caller_from(caller),
            upload,
            self.idempotency_key,
        )

    @rpc
    @storage_errors
    def complete_upload(self, caller, upload_id):
        """Verify the uploaded bytes and keep them; return the file's metadata."""
        return operations.complete_upload(
            self.db,
            self.store,
            self.limits,
            caller_from(caller),
            upload_id,
            self.idempotency_key,
        )

    @rpc
    @storage_errors
    def abort_upload(self, caller, upload_id):
        """Forget an upload whose bytes never arrived."""
        return operations.abort_upload(
            self.db, self.store, caller_from(caller), upload_id
        )

    @rpc
    def get_file(self, caller, file_id):
        """Return a visible file's metadata and conversion state."""
        row = operations.load_visible(
            self.db, self.dossiers, caller_from(caller), file_id
        )
        return dump_file(row)

    @rpc
    def list_audit(self, caller, page=1, page_size=50):
        """Return this database's audit entries in the caller's scope (downloads)."""
        with self.db.reader() as s:
            return audit.list_entries(
                s, AuditEntry, caller_from(caller), page, page_size
            )

    @rpc
    def list_files(self, caller, dossier_id):
        """Return the files of a dossier the caller may see."""
        known_dossier(dossier_id)
        return operations.list_files(
            self.db, self.dossiers, caller_from(caller), dossier_id
        )

    @rpc
    @storage_errors
    def open_file(self, caller, file_id, variant="original"):
        """Return a short-lived URL of the original or the PDF, with its checksum."""
        return reading.open_file(
            self.db, self.store, self.dossiers, caller_from(caller), file_id, variant
        )

    @rpc
    @storage_errors
    def read_small(self, caller, file_id):
        """Return a small original inline as base64 (e-mail attachments)."""
        return reading.read_small(
            self.db, self.store, self.dossiers, caller_from(caller), file_id
        )

    @rpc
    @storage_errors
    def delete_dossier_files(self, caller, dossier_id):
        """Delete the files of a deleted draft dossier."""
        return reading.delete_dossier_files(
            self.db, self.store, caller_from(caller), dossier_id
        )

    @rpc
    def list_for_index(self, caller, after=None, limit=500):
        """Every stored dossier file after `after`, for the index's rebuild."""
        return reading.list_for_index(self.db, caller_from(caller), after, limit)

    @property
    def slips(self):
        return generation.Slips(
            self.office,
            self.dossiers,
            self.accounts,
            self.config[settings.PUBLIC_URL.key],
        )

    @property
    def results(self):
        return results.Results(self.slips, self.signer.signer, self.signer.roots)

    @rpc
    @storage_errors
    def generate_document(self, caller, kind, dossier):
        """Render a one-stop slip of a dossier to PDF, once per dossier version."""
        return generation.generate_document(
            self.db, self.store, self.slips, caller_from(caller), kind, dossier
        )

    @rpc
    @storage_errors
    def draft_result(self, caller, dossier_id, data):
        """Officers: keep the result's draft (template filled in, or an upload)."""
        known_dossier(dossier_id)
        caller = caller_from(caller)
        return results.draft_result(
            self.db,
            self.store,
            self.results,
            caller,
            dossier_id,
            data,
        )

    @rpc
    @storage_errors
    def sign_result(self, caller, dossier_id):
        """Leaders (at approval): sign the draft with the agency's key."""
        known_dossier(dossier_id)
        return results.sign_result(
            self.db, self.store, self.results, caller_from(caller), dossier_id
        )

    @rpc
    def get_result(self, caller, dossier_id):
        """The dossier's result as the caller may see it."""
        known_dossier(dossier_id)
        return results.get_result(
            self.db, self.results, caller_from(caller), dossier_id
        )

    @rpc
    @storage_errors
    def verify_result(self, caller, code):
        """Anyone: check a signed result again (hash, signature, chain)."""
        return results.verify_result(self.db, self.store, self.results, code)

    @rpc
    def check_document(self, caller, data):
        """Anyone: verify the signature of a PDF one holds."""
        data = load(CheckDocument(), data)
        try:
            pdf = base64.b64decode(data["content_b64"], validate=True)
        except ValueError:
            raise ValidationFailed(
                "Invalid input", {"content_b64": ["not base64"]}
            ) from None
        return results.check_document(self.results, pdf)

    @rpc
    @storage_errors
    def begin_template_upload(
        self,
        caller,
        procedure_code,
        filename,
        declared_type,
        size,
        title=None,
        province=None,
    ):
        """Admins: start uploading a form template of a procedure."""
        upload = load(
            BeginTemplateUpload(),
            {
                "procedure_code": procedure_code,
                "filename": filename,
                "declared_type": declared_type,
                "size": size,
                "title": title,
                "province": province,
            },
        )
        return templates.begin_template_upload(
            self.db,
            self.store,
            self.dossiers,
            self.limits,
            caller_from(caller),
            upload,
            self.idempotency_key,
        )

    @rpc
    def list_templates(self, caller, procedure_code, province=None):
        """Anyone: the form templates of a province's procedure."""
        return templates.list_templates(
            self.db, caller_from(caller), procedure_code, province
        )
