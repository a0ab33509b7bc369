"""Errors of the notify service, each with a stable code."""

from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed


class TemplateInvalid(ValidationFailed):
    code = "TEMPLATE_INVALID"


class TemplateUnsafe(ValidationFailed):
    """The source reaches for what the sandbox forbids (`__class__`, include...)."""

    code = "TEMPLATE_UNSAFE"


class TemplateVariableUnknown(ValidationFailed):
    """The source uses a name that is not a variable of its kind."""

    code = "TEMPLATE_VARIABLE_UNKNOWN"


class TemplateContentRefused(ValidationFailed):
    """Images, scripts, outside links... in what the template renders."""

    code = "TEMPLATE_CONTENT_REFUSED"


class TemplateProvinceForbidden(Forbidden):
    """Templates of a province are its own province admin's (or the operator's)."""

    code = "TEMPLATE_PROVINCE_FORBIDDEN"


class AttachmentRefused(ValidationFailed):
    """A dossier's file never leaves in a bulk mail."""

    code = "ATTACHMENT_REFUSED"


class BulkNotApproved(Conflict):
    """An uploaded recipient list waits for a province admin's approval."""

    code = "BULK_MAIL_NOT_APPROVED"


class BulkSelfApproval(Forbidden):
    """The uploader of a list may not approve it: a second person must."""

    code = "BULK_MAIL_SELF_APPROVAL"


class BulkApprovalForbidden(Forbidden):
    code = "BULK_MAIL_APPROVAL_FORBIDDEN"


# code → (error, detail field naming the reasons, message)
TEMPLATE_ERRORS = {
    "TEMPLATE_INVALID": (TemplateInvalid, "source", "Template does not render"),
    "TEMPLATE_UNSAFE": (
        TemplateUnsafe,
        "source",
        "Template reaches outside its sandbox",
    ),
    "TEMPLATE_VARIABLE_UNKNOWN": (
        TemplateVariableUnknown,
        "variables",
        "Template uses variables its kind does not have",
    ),
    "TEMPLATE_CONTENT_REFUSED": (
        TemplateContentRefused,
        "content",
        "Template contains content that is not allowed",
    ),
}


def template_error(refused):
    """The service error of a refused template (`sandbox.TemplateInvalid`)."""
    cls, field, message = TEMPLATE_ERRORS[refused.code]
    return cls(message, {field: refused.reasons})


class UnknownTemplate(NotFound):
    code = "TEMPLATE_NOT_FOUND"


class BulkNotFound(NotFound):
    code = "BULK_MAIL_NOT_FOUND"


class BulkStateConflict(Conflict):
    code = "BULK_MAIL_STATE"


class NoRecipients(ValidationFailed):
    code = "NO_RECIPIENTS"


class AttachmentUnavailable(ValidationFailed):
    code = "ATTACHMENT_UNAVAILABLE"


class CriteriaUnavailable(ValidationFailed):
    code = "CRITERIA_UNAVAILABLE"


class ReminderNotFound(NotFound):
    """No reminder of the caller's with this id (someone else's is not revealed)."""

    code = "REMINDER_NOT_FOUND"


class ReminderState(Conflict):
    """The reminder fired or was cancelled: it can no longer change."""

    code = "REMINDER_STATE"


class TaskNotFound(NotFound):
    """The task is not one of the dossier's that the caller sees."""

    code = "TASK_NOT_FOUND"
