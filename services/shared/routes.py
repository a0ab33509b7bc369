"""The portal's pages that anything outside the gateway links to, by name.

One table: the gateway registers these pages under these paths (its route lists read
them from here), and every link the services emit (e-mails, slips, QR codes) is built
with `url(base, name, ...)`. A test checks that every path here is a page the gateway
serves, so a link can no longer point to a page that does not exist.
"""

from urllib.parse import quote, urlencode

PAGES = {
    # the applicant's page of one dossier (citizen, business)
    "citizen_dossier": "/ho-so/{dossier_id}",
    # the agency's workspace of one dossier (desk, officers, leaders, admins)
    "staff_dossier": "/can-bo/ho-so/{dossier_id}",
    "staff_task": "/can-bo/ho-so/{dossier_id}/cong-viec/{task_id}",
    "my_work": "/can-bo/viec-cua-toi",
    # the signed-in user's notification list (reminders, colleagues' activity)
    "notifications": "/thong-bao",
    "activate": "/activate",
    "reset_password": "/reset-password",
    "forgot_password": "/quen-mat-khau",
    # anyone holding a receipt slip follows it here (?so=<receipt number>)
    "lookup": "/tra-cuu",
}


def path(name, **params):
    """The path of page `name` with its parameters filled in (quoted)."""
    values = {k: quote(str(v), safe="") for k, v in params.items()}
    return PAGES[name].format(**values)


def url(base, name, query=None, **params):
    """The absolute URL of page `name` under the portal's public `base`."""
    found = base.rstrip("/") + path(name, **params)
    return f"{found}?{urlencode(query)}" if query else found
