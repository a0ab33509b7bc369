"""The result's rules in the workflow (the documents themselves live in files).

A dossier whose result is delivered online (`domain.needs_signed_result`: a level-4
procedure, filed online) must have its result drafted before it is sent for
approval (409 `RESULT_NOT_DRAFTED`), and cannot be returned without the signed
result (409 `RESULT_NOT_SIGNED`). The leader's approval signs a drafted result
(any level): the files service signs it first, then the approval commits with the
signed file's id on the dossier and in its event. If the approval then fails (a
lost race), the signed file stays unused and the next approval answers it again.
Level 3 and paper dossiers without a draft move as before.
"""

from services.files.exceptions import ResultNotDrafted
from services.shared.errors import detail

from . import domain, store, workflow
from .exceptions import ResultNotSigned


def before_move(session, caller, dossier, data, files):
    """Check (and for an approval, sign) the result before the move is applied."""
    action = data["action"]
    if action not in ("send_for_approval", "approve", "return_result"):
        return
    workflow.check_version(dossier, data.get("expected_version"))
    workflow.resolve(caller, dossier, action)  # 403/409 before any signing
    procedure = store.version_of(session, dossier)
    needed = domain.needs_signed_result(procedure.level, dossier.paper)
    if action == "return_result":
        if needed and not dossier.result_file_id:
            raise ResultNotSigned(
                "The result must be signed before it is returned",
                {"result": [detail("result_not_signed")]},
            )
        return
    if action == "send_for_approval" and not needed:
        return  # a draft or none, it moves: files need not be asked
    found = files.result(str(dossier.public_id))
    if found is None:
        if needed:
            raise ResultNotDrafted(
                "Prepare the result before this step",
                {"result": [detail("result_not_drafted")]},
            )
        return
    if action == "approve":
        signed = files.sign(caller, str(dossier.public_id))
        dossier.result_file_id = signed["signed_file_id"]
