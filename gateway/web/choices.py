"""Agency and department names for the admin forms' dropdowns.

The options come from accounts (`list_agencies` of the province, the departments of
the chosen agency from `get_agency`, or `list_departments` of everything in scope).
When accounts cannot answer a list, that field falls back to a text input of codes
and tables show the codes: the form stays usable and accounts still checks them.
"""

import logging

from nameko.exceptions import RemoteError

from services.shared.errors import ServiceError, Unauthenticated

log = logging.getLogger(__name__)


class Choices:
    """(code, label) options, or None when accounts could not list them."""

    def __init__(self, agencies=None, departments=None, names=None):
        self.agencies, self.departments = agencies, departments
        self.names = names or dict(departments or ())

    def with_values(self, agency=None, department=None):
        """Keep a posted code that is not among the options (never drop input)."""
        for attr, code in (("agencies", agency), ("departments", department)):
            options = getattr(self, attr)
            if options and code and code not in dict(options):
                options.append((code, code))
        return self

    def agency_name(self, code):
        return dict(self.agencies or ()).get(code, code)

    def department_name(self, code):
        return self.names.get(code, code)


def _attempt(web, req, method, *args, **kwargs):
    try:
        return web.call(req, "accounts", method, *args, **kwargs)
    except Unauthenticated:
        raise
    except (ServiceError, RemoteError) as exc:
        log.warning("accounts %s failed; showing codes: %s", method, exc)
        return None


def _agencies(web, req):
    found = _attempt(web, req, "list_agencies", province=web.province_of(req))
    return [(a["code"], a.get("name") or a["code"]) for a in found] if found else None


def _departments(web, req, agency):
    """([(code, label)], {code: name}); the label names the agency when mixed."""
    if agency:
        found = _attempt(web, req, "get_agency", agency)
        items = (found or {}).get("departments") or []
    else:
        items = _attempt(web, req, "list_departments") or []
    names = {d["code"]: d.get("name") or d["code"] for d in items}
    options = [
        (d["code"], names[d["code"]] + ("" if agency else f" ({d.get('agency')})"))
        for d in items
    ]
    return options or None, names


def load(web, req, agency=None, departments=True):
    """The options of an admin form: agencies, and departments of `agency`."""
    options, names = _departments(web, req, agency) if departments else (None, {})
    return Choices(_agencies(web, req), options, names)
