"""A stand-in for the dossiers service, for the files service's own tests only.

Run it with `python -m services.shared.runner
files.testing.fake_dossiers:FakeDossiersService` and point the files service at it with
PORTAL_FILES_DOSSIERS_SERVICE=files_fake_dossiers. It answers `check_upload` and
`get_dossier` like the real service, from dossiers registered by the test.
"""

from services.shared import visibility
from services.shared.errors import (
    EXPECTED,
    Conflict,
    NotFound,
    ValidationFailed,
    detail,
)
from services.shared.permissions import require
from services.shared.rpc import rpc

DOSSIERS = {}
PROCEDURES = {}


def call(pool, method, *args):
    """Call the stand-in through a gateway `RpcPool` by name: it is a test double
    with no contract, so the pool's contract-checked `call` does not know it."""
    with pool.client(timeout=5) as client:
        return getattr(client.files_fake_dossiers, method)(*args)


class FakeDossiersService:
    name = "files_fake_dossiers"
    migrates = False

    @rpc
    def health(self):
        return {"files_fake_dossiers": "ok"}

    @rpc
    def register(self, dossier):
        """Keep a dossier: {id, owner, province, agency, department, status, slots}."""
        DOSSIERS[dossier["id"]] = dossier
        return dossier

    @rpc
    def register_procedure(self, code, province="01", agencies=("A1",)):
        PROCEDURES[code] = {"code": code, "province": province, "agencies": agencies}
        return PROCEDURES[code]

    @rpc(expected_exceptions=EXPECTED)
    def get_procedure(self, caller, code, province=None, withdrawn=False):
        if code not in PROCEDURES:
            raise NotFound("Not found")
        return PROCEDURES[code]

    @rpc(expected_exceptions=EXPECTED)
    def get_dossier(self, caller, dossier_id):
        dossier = DOSSIERS.get(dossier_id)
        if dossier is None:
            raise NotFound("Not found")
        # like the real service: a draft is the applicant's alone until submitted
        submitted = dossier.get("status", "draft") != "draft" or None
        record = dossier | {"submitted_at": submitted and "2026-01-05T08:00:00+00:00"}
        if not visibility.sees(caller, "dossier", record):
            raise NotFound("Not found")
        return record

    @rpc(expected_exceptions=EXPECTED)
    def check_upload(self, caller, dossier_id, slot):
        require(caller, "file.upload")
        dossier = self.get_dossier(caller, dossier_id)
        if slot not in dossier["slots"]:
            raise ValidationFailed("Invalid input", {"slot": [detail("unknown_slot")]})
        if dossier.get("status", "draft") not in ("draft", "supplement_requested"):
            raise Conflict("Closed", {"status": [dossier["status"]]})
        policy = dossier["slots"][slot]
        return {
            "accept": policy.get("accept") or [],
            "max_count": policy.get("max_count") or 10,
            "province": dossier["province"],
            "agency": dossier["agency"],
            "department": dossier.get("department"),
            "owner": dossier["owner"],
        }
