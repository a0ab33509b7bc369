"""The portal's pages (and file views) that anything links to, by name.

One table: the gateway registers these pages under these paths (its route lists read
them from here), and every link the services emit (e-mails, slips, QR codes) is built
with `url(base, name, ...)`; templates write theirs with `url_for(name, ...)`. A test
checks that every path here is a page the gateway serves, so a link can no longer
point to a page that does not exist.
"""

from urllib.parse import quote, urlencode

PAGES = {
    # the applicant's pages (citizen, business)
    "my_dossiers": "/ho-so",
    "new_dossier": "/ho-so/moi",
    "claim_paper": "/ho-so/nhan-ho-so-giay",
    "citizen_dossier": "/ho-so/{dossier_id}",
    "edit_dossier": "/ho-so/{dossier_id}/sua",
    "citizen_upload": "/ho-so/{dossier_id}/tep",
    # the agency's pages: the queue, and the workspace of one dossier (desk,
    # officers, leaders, admins) with the forms it posts to
    "queue": "/can-bo",
    "staff_dossier": "/can-bo/ho-so/{dossier_id}",
    "staff_act": "/can-bo/ho-so/{dossier_id}/xu-ly",
    "task_create": "/can-bo/ho-so/{dossier_id}/cong-viec",
    "comment": "/can-bo/ho-so/{dossier_id}/y-kien",
    "slip": "/can-bo/ho-so/{dossier_id}/giay-to/{kind}",
    "print_dossier": "/can-bo/ho-so/{dossier_id}/ban-in",
    "my_work": "/can-bo/viec-cua-toi",
    # the signed-in user's notification list (reminders, colleagues' activity)
    "notifications": "/thong-bao",
    "activate": "/activate",
    "reset_password": "/reset-password",
    "forgot_password": "/quen-mat-khau",
    # anyone holding a receipt slip follows it here (?so=<receipt number>)
    "lookup": "/tra-cuu",
    "procedure": "/thu-tuc/{code}",
    # the QR code on a signed result leads here: signature, chain and hash checked
    "verify_result": "/xac-thuc/{code}",
    "task": "/can-bo/ho-so/{dossier_id}/cong-viec/{task_id}",
    # files: shown inline (PDF, images) unless ?download=1; the print view
    "file_content": "/api/v1/files/{file_id}/content",
    "file_pdf": "/api/v1/files/{file_id}/pdf",
    "file_print": "/tep/{file_id}/ban-in",
    "template_content": "/api/v1/templates/{file_id}/content",
    "template_pdf": "/api/v1/templates/{file_id}/pdf",
    "dossier_files": "/api/v1/dossiers/{dossier_id}/files",
    # fees paid online: the applicant's pay button posts here and is sent to the
    # provider, which sends the browser back to the return page and calls the IPN
    "citizen_pay": "/ho-so/{dossier_id}/thanh-toan",
    "payment_return": "/thanh-toan/ket-qua",
    "payment_ipn": "/api/v1/payments/vnpay/ipn",
    "payment_reconciliation": "/quan-tri/doi-soat-thanh-toan",
    "staff_refund": "/can-bo/ho-so/{dossier_id}/hoan-phi",
    # staff add results and attachments from the workspace
    "staff_upload": "/can-bo/ho-so/{dossier_id}/tep",
    # the officer drafts the result; a late dossier is given a new date
    "staff_result": "/can-bo/ho-so/{dossier_id}/ket-qua",
    "staff_reschedule": "/can-bo/ho-so/{dossier_id}/hen-lai",
}


def path(name, **params):
    """The path of page `name` with its parameters filled in (quoted)."""
    values = {k: quote(str(v), safe="") for k, v in params.items()}
    return PAGES[name].format(**values)


def link(name, query=None, **params):
    """The path of page `name` with its query (a link within the portal)."""
    found = path(name, **params)
    return f"{found}?{urlencode(query)}" if query else found


def url(base, name, query=None, **params):
    """The absolute URL of page `name` under the portal's public `base`."""
    return base.rstrip("/") + link(name, query, **params)
