"""References checked where they enter: agencies, assignees, levels, procedure scope.

Each check asks the source of the reference (accounts, through `Directory`) and fails
closed: a peer that does not answer is 503, never a pass. Errors name the field.
"""

from services.shared import permissions
from services.shared.errors import ValidationFailed

from . import domain, store
from .exceptions import (
    AgencyClosed,
    AgencyNotListed,
    AgencyOutsideProvince,
    AgencyUnknown,
    AssigneeNotStaff,
    ProcedureNotOnline,
    ProcedureOutOfScope,
)

INVALID = "Invalid reference"
NOT_STAFF = "Not active staff of the dossier's department."
NO_DEPARTMENT = "The dossier has no department yet."
NOT_ONLINE = "Not available online for this procedure's level."
NOT_OWN_AGENCY = "Only procedures your agency receives."


def receiving_agency(directory, version, province, code):
    """Check that agency `code` may receive a dossier of `version` today."""
    info = directory.agency(code)
    if info is None:
        raise AgencyUnknown(INVALID, {"agency": ["Unknown agency."]})
    if not domain.agency_open(
        info.get("valid_from"), info.get("valid_to"), store.today()
    ):
        raise AgencyClosed(INVALID, {"agency": ["The agency is not open on this day."]})
    if info.get("province") != province:
        raise AgencyOutsideProvince(
            INVALID, {"agency": ["The agency is not in the procedure's province."]}
        )
    if version.agencies and code not in version.agencies:
        raise AgencyNotListed(
            INVALID, {"agency": ["Unknown agency for this procedure."]}
        )
    return info


def online(version, what="submit"):
    """Refuse what the procedure's level does not offer online (1: read, 2: forms)."""
    if not domain.online_allows(version.level, what):
        raise ProcedureNotOnline(
            "Not available online",
            {"procedure": [NOT_ONLINE], "level": [str(version.level)]},
        )


def assignee(directory, dossier, user_id, field="assignee"):
    """Check that `user_id` is active staff of the dossier's department."""
    if not user_id:
        return
    if not dossier.department:
        raise AssigneeNotStaff(INVALID, {field: [NO_DEPARTMENT]})
    if not directory.is_staff(dossier.agency, dossier.department, user_id):
        raise AssigneeNotStaff(INVALID, {field: [NOT_STAFF]})


def procedure_province(province):
    """A procedure belongs to a province: national callers must name one."""
    if not province:
        raise ValidationFailed(
            "Invalid input", {"province": ["Missing data for required field."]}
        )
    return province


def manages(caller, agencies):
    """An agency admin manages only procedures whose agency list has its agency.

    Province admins and operators manage every procedure of their scope.
    """
    if not permissions.manages_procedure(caller, agencies):
        raise ProcedureOutOfScope("Not permitted", {"agencies": [NOT_OWN_AGENCY]})
