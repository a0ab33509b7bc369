"""Checks the resources share: the client's address, the sign-in guards."""

import ipaddress

import falcon

from .errors import CodedHTTPError
from .middleware import cross_site


def client_ip(req):
    """The client's address; X-Forwarded-For is trusted only from a local proxy."""
    remote = req.remote_addr or ""
    forwarded = req.get_header("X-Forwarded-For")
    try:
        trusted = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        trusted = False
    if trusted and forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return remote


def not_cross_site(req):
    """Refuse (403 CSRF_TOKEN_INVALID) a sign-in that another site's page sent.

    Without it a hostile page could sign a visitor in to the attacker's account
    (login CSRF) and collect what the victim then types into the portal.
    """
    if cross_site(req):
        raise CodedHTTPError(
            falcon.HTTP_403, "CSRF_TOKEN_INVALID", "CSRF token missing or invalid"
        )


def json_only(req):
    """Refuse (415) any body but JSON: HTML forms cannot send JSON across sites."""
    if (req.content_type or "").split(";")[0].strip().lower() != "application/json":
        raise CodedHTTPError(
            falcon.HTTP_415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type"
        )
