"""Errors of the dossiers service, each with a stable code."""

from services.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    Unavailable,
    ValidationFailed,
)


class DossierNotFound(NotFound):
    code = "DOSSIER_NOT_FOUND"


class ProcedureNotFound(NotFound):
    code = "PROCEDURE_NOT_FOUND"


class TaskNotFound(NotFound):
    code = "TASK_NOT_FOUND"


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"


class ConcurrentUpdate(Conflict):
    code = "CONCURRENT_UPDATE"


class LinkNotAllowed(ValidationFailed):
    """A procedure links to a script, data or a host its province does not allow."""

    code = "LINK_NOT_ALLOWED"


class ProcedureExists(Conflict):
    code = "PROCEDURE_EXISTS"


class UploadsClosed(Conflict):
    code = "UPLOADS_CLOSED"


class DossierInvalid(ValidationFailed):
    code = "DOSSIER_INVALID"


class AssigneeNotStaff(ValidationFailed):
    """The assignee is not active staff of the dossier's department."""

    code = "ASSIGNEE_NOT_STAFF"


class AgencyUnknown(ValidationFailed):
    code = "AGENCY_UNKNOWN"


class NotReceivedElsewhere(ValidationFailed):
    """The procedure is received only by the agencies that resolve it."""

    code = "NOT_RECEIVED_ELSEWHERE"


class AgencyClosed(ValidationFailed):
    """The agency was closed (merged, renamed) or is not open yet on that day."""

    code = "AGENCY_CLOSED"


class AgencyOutsideProvince(ValidationFailed):
    code = "AGENCY_OUTSIDE_PROVINCE"


class AgencyNotListed(ValidationFailed):
    """The agency is not one of those the procedure names."""

    code = "AGENCY_NOT_LISTED"


class ProcedureNotOnline(ValidationFailed):
    """The procedure's level does not allow this online (levels 1 and 2)."""

    code = "PROCEDURE_NOT_ONLINE"


class ProcedureOutOfScope(Forbidden):
    """An agency admin manages only procedures its own agency receives."""

    code = "PROCEDURE_OUT_OF_SCOPE"


class ClaimRefused(ValidationFailed):
    """Receipt number and national ID or access code do not match (same answer)."""

    code = "CLAIM_REFUSED"


class TooManyClaims(ServiceError):
    code = "TOO_MANY_ATTEMPTS"
    status = 429


class ResultNotSigned(Conflict):
    """A result delivered online must be signed before the dossier is returned."""

    code = "RESULT_NOT_SIGNED"


class RescheduleRefused(ValidationFailed):
    code = "RESCHEDULE_REFUSED"


class PeerUnavailable(Unavailable):
    """A service the check depends on did not answer: refuse rather than pass."""


class PaymentRequired(Conflict):
    """The dossier's fee is owed: it is not returned (or received) before it is paid."""

    code = "PAYMENT_REQUIRED"


class PaymentNotDue(Conflict):
    """Nothing to pay now (no online fee, already paid, or the dossier is closed)."""

    code = "PAYMENT_NOT_DUE"


class NotRefundable(Conflict):
    """No confirmed payment of the dossier to refund."""

    code = "PAYMENT_NOT_REFUNDABLE"


class ProviderUnavailable(Unavailable):
    """The payment provider did not answer (or refused a merchant request)."""

    code = "PAYMENT_PROVIDER_UNAVAILABLE"
