"""Authorisation as data: which role may do which action, and over what scope.

One table, imported by every service (rule 5 of DESIGN.md): the gateway uses it to hide
what a caller cannot do, and each service checks it again before acting.
"""

from .errors import Forbidden, NotFound, Unauthenticated

APPLICANT = {
    "procedure.read",
    "dossier.create",
    "dossier.read",
    "dossier.update",
    "dossier.submit",
    "dossier.cancel_own",
    "dossier.claim",  # a paper dossier by its receipt number and slip code or ID
    "payment.pay",  # the fee of one's own level-4 dossier, online
    "comment.write",
    "file.upload",
    "file.read",
    "account.self",
}
STAFF = {
    "procedure.read",
    "dossier.read",
    "file.read",
    "file.upload",
    "account.self",
    "comment.write",
    "task.read",
    "delivery.read",
    "stats.own",  # the statistics of one's own work (my_work.my_stats)
    "staff.read",  # colleagues in scope (names, e-mails: assignees, recipients)
}
DESK = STAFF | {
    "dossier.receive",
    "dossier.reject",
    "dossier.register_paper",
    "dossier.return_result",
    "dossier.transfer",  # send a dossier received here on to its resolving agency
    "dossier.cancel",
}
OFFICER = STAFF | {
    "dossier.request_supplement",
    "dossier.send_for_approval",
    "dossier.reschedule",
    "task.manage",
}
LEADER = OFFICER | {"dossier.approve", "dossier.send_back", "stats.read"}
ADMIN = (
    DESK
    | LEADER
    | {
        "department.manage",
        "staff.manage",
        "procedure.manage",
        "audit.read",
        "stats.read",
        "bulk_mail.send",
        "agency.read",
    }
)
# Province-wide settings (holidays, e-mail templates, agencies) belong to the province
# admin: an agency admin manages its own agency's staff, procedures and reports only.
PROVINCE_ADMIN = ADMIN | {
    "agency.manage",
    "holiday.manage",
    "template.manage",
    "bulk_mail.approve",  # an uploaded recipient list needs a second person
    "payment.refund",  # money goes back through the province's merchant account
    "payment.reconcile",  # the day's payments against the provider's books
}
OPERATOR = PROVINCE_ADMIN | {"province.manage", "api_client.manage"}

ROLE_ACTIONS = {
    "citizen": APPLICANT,
    "business": APPLICANT,
    "desk": DESK,
    "officer": OFFICER,
    "leader": LEADER,
    "admin": ADMIN,
    "province_admin": PROVINCE_ADMIN,
    "operator": OPERATOR,
    "system": OPERATOR,
}

# How far a role sees: its own dossiers, its department, agency, province, or all.
ROLE_SCOPE = {
    "citizen": "own",
    "business": "own",
    "officer": "department",
    "leader": "department",
    "desk": "agency",
    "admin": "agency",
    "province_admin": "province",
    "operator": "national",
    "system": "national",
}
SCOPE_RANK = {"own": 0, "department": 1, "agency": 2, "province": 3, "national": 4}

# API clients act through OAuth scopes instead of roles.
CLIENT_SCOPE_ACTIONS = {
    "dossiers:read": {
        "procedure.read",
        "dossier.read",
        "file.read",
        "stats.read",
        "staff.read",
        "webhook.manage",  # its own webhook subscriptions (services/webhooks)
        "event.read",  # the event feed, within the client's scope
    },
    "dossiers:write": {
        "dossier.register_paper",
        "dossier.receive",
        "dossier.reject",
        "dossier.return_result",
        "dossier.transfer",
        "file.upload",
        "comment.write",
        "staff.read",
    },
    "procedures:read": {"procedure.read"},
}
CLIENT_SCOPES = tuple(CLIENT_SCOPE_ACTIONS)


def actions_of(caller):
    """Return the set of actions the caller may perform."""
    if caller.get("kind") == "client":
        allowed = set()
        for scope in caller.get("scopes") or ():
            allowed |= CLIENT_SCOPE_ACTIONS.get(scope, set())
        return allowed
    allowed = set()
    for role in caller.get("roles") or ():
        allowed |= ROLE_ACTIONS.get(role, set())
    return allowed


def can(caller, action):
    return action in actions_of(caller)


def require(caller, action):
    """Raise unless the caller may perform `action`: 401 when nobody is logged in."""
    if can(caller, action):
        return
    if caller.get("kind") in (None, "anonymous"):
        raise Unauthenticated("Authentication required")
    raise Forbidden("Not permitted", {"action": [action]})


def scope_of(caller):
    """Return the widest scope among the caller's roles ("own" when none)."""
    if caller.get("kind") == "client":
        return "agency" if caller.get("agency") else "province"
    levels = [ROLE_SCOPE.get(r, "own") for r in caller.get("roles") or ()]
    return max(levels, key=SCOPE_RANK.get, default="own")


def sees(caller, *, province, agency=None, department=None, owner=None):
    """Tell whether a record with these scope attributes is visible to the caller."""
    scope = scope_of(caller)
    if scope == "national":
        return True
    if scope == "own":
        return owner is not None and owner == caller.get("user_id")
    if province != caller.get("province"):
        return False
    if scope == "province":
        return True
    if agency != caller.get("agency"):
        return False
    if scope == "agency":
        return True
    return department is not None and department == caller.get("department")


def scope_query(query, caller, model):
    """Restrict a query on a table with province/agency columns to the caller's
    scope (staff, audit entries: the admin records outside a dossier)."""
    scope = scope_of(caller)
    if scope == "national":
        return query
    query = query.where(model.province == caller.get("province"))
    if scope in ("agency", "department"):
        query = query.where(model.agency == caller.get("agency"))
    return query


def manages_procedure(caller, agencies):
    """Tell whether the caller may manage a procedure received by `agencies`: an
    agency admin only those its own agency receives, wider admins all in scope."""
    return scope_of(caller) != "agency" or caller.get("agency") in (agencies or [])


def require_visible(caller, **scope_attrs):
    """Raise NotFound (never reveal existence) when the record is out of scope."""
    if not sees(caller, **scope_attrs):
        raise NotFound("Not found")
