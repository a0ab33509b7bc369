"""Errors of the search service, each with a stable code."""

from services.contracts.search import InvalidFilter  # noqa: F401 - the contract's
from services.shared.errors import ServiceError


class SearchUnavailable(ServiceError):
    """The search engine cannot be reached; lists answer 503, events wait."""

    code = "SEARCH_UNAVAILABLE"
    status = 503


class RebuildFailed(ServiceError):
    """The rebuilt index does not match its source; the alias was not switched."""

    code = "REBUILD_INCONSISTENT"
    status = 409
