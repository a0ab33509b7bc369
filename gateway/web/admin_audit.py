"""The audit page: one service's hash-chained log, newest first (`audit.read`).

Each service keeps its own chain (services/shared/audit/); the page lists the one
chosen, in the caller's scope as the service decides, with each entry's hash so that
a reader can compare it with `python -m services.shared.audit verify <service>`.
"""

from .base import Page, page

LOGS = ("accounts", "dossiers", "files")
PAGE_SIZE = 50
LAST_PAGE = 1_000_000  # beyond any real log; a larger number is not a page


class AuditLog(Page):
    @page(login=True)
    def on_get(self, req, resp):
        """List a page of the chosen chain (accounts unless `log` names another)."""
        log = req.get_param("log") or "accounts"
        if log not in LOGS:
            log = "accounts"
        number = min(max(req.get_param_as_int("trang", default=1) or 1, 1), LAST_PAGE)
        found = self.call(req, log, "list_audit", number, PAGE_SIZE)
        self.render(
            req, resp, "admin_audit.html", entries=found["items"],
            total=found["total"], log=log, logs=LOGS, page_number=number,
            page_size=PAGE_SIZE, pager_extra=f"&log={log}",
        )  # fmt: skip


def routes(web):
    return [("/quan-tri/nhat-ky", AuditLog(web))]
