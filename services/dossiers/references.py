"""References checked where they enter: agencies, assignees, levels, procedure scope.

Each check asks the source of the reference (accounts, through `Directory`) and fails
closed: a peer that does not answer is 503, never a pass. Errors name the field.
"""

from services.shared import permissions
from services.shared.errors import ValidationFailed, detail

from . import domain, store
from .exceptions import (
    AgencyClosed,
    AgencyNotListed,
    AgencyOutsideProvince,
    AgencyUnknown,
    AssigneeNotStaff,
    NotReceivedElsewhere,
    ProcedureNotOnline,
    ProcedureOutOfScope,
)

INVALID = "Invalid reference"
NOT_STAFF = detail("not_department_staff")
NO_DEPARTMENT = detail("no_department")
NOT_ONLINE = detail("not_online_at_level")
NOT_OWN_AGENCY = detail("procedure_not_own_agency")


def receiving_agency(directory, version, province, code):
    """Check that agency `code` may receive a dossier of `version` today."""
    info = directory.agency(code)
    if info is None:
        raise AgencyUnknown(INVALID, {"agency": [detail("unknown_agency")]})
    if not domain.agency_open(
        info.get("valid_from"), info.get("valid_to"), store.today()
    ):
        raise _closed(directory, code, info)
    if info.get("province") != province:
        raise AgencyOutsideProvince(
            INVALID, {"agency": [detail("agency_outside_province")]}
        )
    if version.agencies and code not in version.agencies:
        raise AgencyNotListed(INVALID, {"agency": [detail("agency_not_listed")]})
    return info


def receiving_desk(directory, version, code, resolving):
    """Check that agency `code` (any province) may receive a dossier of `version`
    resolved by `resolving` and transfer it there; None when they are the same."""
    if not code or code == resolving:
        return None
    info = directory.agency(code)
    if info is None:
        raise AgencyUnknown(INVALID, {"receiving_agency": [detail("unknown_agency")]})
    if not domain.agency_open(
        info.get("valid_from"), info.get("valid_to"), store.today()
    ):
        raise _closed(directory, code, info)
    if not version.received_elsewhere:
        raise NotReceivedElsewhere(
            INVALID, {"receiving_agency": [detail("not_received_elsewhere")]}
        )
    return info


def next_resolver(directory, version, dossier, code):
    """Check agency `code` as the new resolver of a dossier its receiving desk
    transfers again (the one it was sent to declined it): an agency of the
    procedure, as at creation, and not the receiving desk itself."""
    if code == dossier.receiving_agency:
        raise ValidationFailed(
            INVALID, {"agency": [detail("agency_is_receiving_desk")]}
        )
    return receiving_agency(directory, version, dossier.province, code)


def _closed(directory, code, info):
    """AGENCY_CLOSED; a merged or renamed agency names the one that receives its
    dossiers now (code, name and since when) in `details.successor`."""
    successor = info.get("replaced_by")
    if not successor:
        return AgencyClosed(
            INVALID,
            {"agency": [detail("agency_not_open")]},
            params={"agency": code, "successor": ""},
        )
    found = directory.agency(successor) or {}
    name = found.get("name") or successor
    since = domain.day_after(info.get("valid_to"))
    return AgencyClosed(
        INVALID,
        {
            "agency": [
                detail("agency_replaced", successor=successor, name=name, since=since)
            ],
            "successor": [successor],
        },
        params={"agency": code, "successor": successor, "successor_name": name},
    )


def online(version, what="submit"):
    """Refuse what the procedure's level does not offer online (1: read, 2: forms)."""
    if not domain.online_allows(version.level, what):
        raise ProcedureNotOnline(
            "Not available online",
            {"procedure": [NOT_ONLINE], "level": [str(version.level)]},
            params={"level": version.level},
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
        raise ValidationFailed("Invalid input", {"province": ["required"]})
    return province


def manages(caller, agencies):
    """An agency admin manages only procedures whose agency list has its agency.

    Province admins and operators manage every procedure of their scope.
    """
    if not permissions.manages_procedure(caller, agencies):
        raise ProcedureOutOfScope("Not permitted", {"agencies": [NOT_OWN_AGENCY]})
