"""Each kind of e-mail and the variables its template may use (nothing else).

No kind has a URL or a token among its variables: links are written with the
helpers of `links.py` (`portal_link` is the link of the kind, named in LINKS; the
system builds it). `lang`, `status_label`, `portal_link` and `dossier_link` are
available to every kind.
"""

COMMON = ("name", "lang", "status_label", "portal_link", "dossier_link")
# desks: {receiving, resolving} agency names of a dossier received at one agency's
# desk and resolved by another (domain.DESK_KINDS), else absent
DOSSIER = ("dossier", "receipt_number", "appointment_date", "status", "desks")
VARIABLES = {
    "account_activation": (),
    "password_reset": (),
    # security notices to an account's owner (not admin-editable)
    "registration_attempted": (),
    "login_failures": ("failures", "ip"),
    "dossier_submitted": ("dossier", "files"),
    "dossier_received": DOSSIER,
    "dossier_rejected": DOSSIER + ("reason",),
    "supplement_requested": DOSSIER + ("note",),
    "dossier_status_changed": DOSSIER + ("note", "reason"),
    "dossier_completed": DOSSIER + ("attached", "too_large"),
    # the result is back at the receiving desk, to be collected there
    "dossier_returned": DOSSIER,
    "dossier_apology": DOSSIER + ("reason", "note"),
    # the fee paid online, confirmed by the provider (the receipt is attached)
    "payment_received": ("dossier", "receipt_number", "payment"),
    "comment_added": ("dossier", "comment"),
    "dossier_submission_refused": ("dossier", "problems"),
    "task_assigned": ("dossier", "task"),
    # to the staff involved in a dossier's work: a comment, a task given or edited
    "work_activity": ("dossier", "activity", "actor", "comment", "task", "edits"),
    # a reminder a user set on a dossier or task, at the time they chose
    "reminder": ("dossier", "task", "note", "remind_at"),
    "reminder_digest": ("items",),
    "leader_digest": ("items", "departments"),
}
# What `portal_link()` points to, per kind (documentation and the admin page).
LINKS = {
    "account_activation": "activation page (with the activation token)",
    "password_reset": "password reset page (with the reset token)",
    "registration_attempted": "forgotten-password page (no token)",
    "login_failures": "forgotten-password page (no token)",
    "reminder_digest": "none: use dossier_link(item)",
    "leader_digest": "none: use dossier_link(item)",
}
KEYS = tuple(VARIABLES)


def allowed(key):
    """The variable names a template of `key` may use."""
    return set(COMMON) | set(VARIABLES.get(key, ()))


def context_for(key, context):
    """Keep only the variables of `key` (what the template is given)."""
    names = set(VARIABLES.get(key, ())) | {"name", "lang"}
    return {k: v for k, v in context.items() if k in names}
