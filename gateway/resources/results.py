"""Results, their signatures and their verification; a late dossier's new date.

The rules live in the services: files drafts, signs (at the leader's approval,
through dossiers' `approve`) and verifies; dossiers reschedules. Anyone may verify
a signed result by the code its QR carries, or a PDF they hold.
"""

from services.contracts.dossiers import RescheduleSchema
from services.contracts.files import CheckDocument, DraftResult
from services.contracts.resources import dossiers as dossiers_res
from services.contracts.resources import files as res

from ..apidoc import PUBLIC, op
from .common import call, json_object

BY_ID = "/api/v1/dossiers/{dossier_id}"


class Result:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, dossier_id):
        """The dossier's result as the caller may see it (the draft: staff)."""
        resp.media = call(self.rpc, req, "files", "get_result", dossier_id)

    def on_post(self, req, resp, dossier_id):
        """Draft the result: `{file_id?}` (an uploaded PDF, else the template)."""
        body = json_object(req) if req.content_length else {}
        resp.media = call(self.rpc, req, "files", "draft_result", dossier_id, body)


class Reschedule:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp, dossier_id):
        """`{new_date, reason, expected_version?}`: the apology letter follows."""
        resp.media = call(
            self.rpc, req, "dossiers", "reschedule", dossier_id, json_object(req)
        )


class Verification:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, code):
        """What the signed result with this code is, checked again now."""
        resp.media = call(self.rpc, req, "files", "verify_result", code)


class SignatureCheck:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp):
        """`{content_b64}`: verify the signature of a PDF one holds."""
        resp.media = call(self.rpc, req, "files", "check_document", json_object(req))


def routes(rpc):
    return [
        (f"{BY_ID}/result", Result(rpc)),
        (f"{BY_ID}/reschedule", Reschedule(rpc)),
        ("/api/v1/results/{code}/verification", Verification(rpc)),
        ("/api/v1/signatures/check", SignatureCheck(rpc)),
    ]


OPERATIONS = {
    f"GET {BY_ID}/result": op(
        "The dossier's result: draft (staff only) or signed, with its "
        "verification URL.",
        ok=res.Result,
        description="404 RESULT_NOT_FOUND when none is drafted or the caller may "
        "not see it (the applicant sees the signed result only).",
    ),
    f"POST {BY_ID}/result": op(
        "Draft the result: from the procedure's template filled with the "
        "dossier's data, or an uploaded PDF of the dossier (`file_id`).",
        body=DraftResult,
        body_required=False,
        ok=res.Result,
        errors=(409,),
        description="Officers, leaders, admins of the dossier. 409 "
        "RESULT_NOT_EDITABLE outside processing or once signed; 422 names "
        "`file_id`. The leader's `approve` action signs it (503 "
        "SIGNER_UNAVAILABLE when the token cannot sign: nothing is approved).",
    ),
    f"POST {BY_ID}/reschedule": op(
        "Give a dossier that will be late a new date, with the reason; the "
        "applicant is mailed the apology letter.",
        body=RescheduleSchema,
        ok=dossiers_res.Dossier,
        errors=(409,),
        description="The appointment date stays the legal deadline (the dossier "
        "is still counted late); `rescheduled_date` is the new promise. 422 "
        "RESCHEDULE_REFUSED names `new_date` (not after the promised one) or "
        "`reason`; 409 INVALID_TRANSITION outside processing.",
    ),
    "GET /api/v1/results/{code}/verification": op(
        "Verify a signed result by the code of its QR: the stored file's hash, "
        "the signature and its chain to the CA; who signed what and when.",
        ok=res.Verification,
        auth=PUBLIC,
        description="404 RESULT_NOT_FOUND for an unknown code.",
    ),
    "POST /api/v1/signatures/check": op(
        "Verify the signature of a PDF one holds (base64).",
        body=CheckDocument,
        ok=res.DocumentCheck,
        auth=PUBLIC,
    ),
}
