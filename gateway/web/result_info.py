"""The dossier's result as a page shows it (workspace and the applicant's page)."""

from services.shared.errors import NotFound


def result_of(web, req, dossier_id):
    """The dossier's result as the caller may see it, None when none (or hidden)."""
    try:
        return web.call(req, "files", "get_result", dossier_id)
    except NotFound:
        return None
