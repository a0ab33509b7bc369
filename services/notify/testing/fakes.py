"""Stand-ins for the peers notify calls, for the notify service's own tests only.

Each runs as its own process on the test's vhost under the real service's name:
`python -m services.shared.runner notify.testing.fakes:FakeFilesService` (and
FakeAccountsService, FakeDossiersService). They answer exactly the RPCs notify's
`peers.py` facade uses, from data the test registers, so notify's behaviour is
tested against the real broker, database and SMTP sink without the peers' own
dependencies (MinIO, LibreOffice, workflow).
"""

import base64
import uuid

from nameko.rpc import rpc

from services.shared.errors import EXPECTED, NotFound

FILES = {}
STAFF = []
APPLICANTS = {}
DUE_WORK = {}


class FakeFilesService:
    name = "files"
    migrates = False

    @rpc
    def health(self):
        return {"files": "ok", "postgres": "ok"}

    @rpc
    def put(self, name, content_type, content_b64, dossier_id=None):
        """Keep a file in memory; return its id."""
        file_id = str(uuid.uuid4())
        FILES[file_id] = {
            "name": name,
            "content_type": content_type,
            "content_b64": content_b64,
            "dossier_id": dossier_id,
        }
        return file_id

    @rpc
    def list_files(self, caller, dossier_id):
        return [
            {"id": key, "name": f["name"]}
            for key, f in FILES.items()
            if f["dossier_id"] == dossier_id
        ]

    @rpc(expected_exceptions=EXPECTED)
    def read_small(self, caller, file_id):
        if file_id not in FILES:
            raise NotFound("Not found")
        found = FILES[file_id]
        return {k: found[k] for k in ("name", "content_type", "content_b64")}

    @rpc
    def generate_document(self, caller, kind, dossier):
        body = f"%PDF-1.4 {kind} {dossier.get('receipt_number')}".encode()
        name = f"Giấy biên nhận {dossier.get('receipt_number')}.pdf"
        file_id = self.put(name, "application/pdf", base64.b64encode(body).decode())
        return {"id": file_id, "name": name, "content_type": "application/pdf"}


class FakeAccountsService:
    name = "accounts"
    migrates = False

    @rpc
    def health(self):
        return {"accounts": "ok", "postgres": "ok"}

    @rpc
    def authenticate(self, token):
        return None

    @rpc
    def add_staff(self, person):
        STAFF.append(person)

    @rpc
    def get_user(self, caller, user_id):
        for person in STAFF:
            if person.get("id") == user_id:
                return person
        return None

    @rpc
    def list_staff(self, caller, agency=None, department=None, role=None):
        return [
            s
            for s in STAFF
            if (agency is None or s.get("agency") == agency)
            and (department is None or s.get("department") == department)
        ]


class FakeDossiersService:
    name = "dossiers"
    migrates = False

    @rpc
    def health(self):
        return {"dossiers": "ok", "postgres": "ok"}

    @rpc
    def set_applicants(self, procedure, people):
        APPLICANTS[procedure] = people

    @rpc
    def list_applicants(self, caller, procedure, date_from=None, date_to=None):
        return APPLICANTS.get(procedure, [])

    @rpc
    def set_due_work(self, work):
        DUE_WORK.clear()
        DUE_WORK.update(work)

    @rpc
    def list_due_work(self, caller, within_days):
        return dict(DUE_WORK)
