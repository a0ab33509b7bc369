"""The provinces a desk's paper-dossier page offers: those whose catalogue has a
procedure this desk may receive, its own first (issue 18, received here, resolved
there), and the procedures of the province it lists.

A desk receives a procedure of any province unless the procedure says
`received_elsewhere: false`; then only an agency that resolves it receives it (one
of its province it lists, or any of its province's when it lists none). The dossiers
service checks this again when the dossier is registered (`references.receiving_desk`
and `receiving_agency`); this only decides what the page offers (the procedures,
and for one the resolving agencies: `resolvable`), and
tests/unit/web/test_desk_provinces.py checks that both answer alike.

The national catalogue is read in one request: the search index's first page, or
while search is down the dossiers service's national list. When that page is the
whole catalogue, only those provinces are offered; otherwise (a large catalogue,
search down) they come first and every other province follows, so the desk never
loses a province it may need.
"""

import logging

from services.shared.errors import ServiceError

from .public import SEARCH_TIMEOUT, province_choices

log = logging.getLogger(__name__)
READ = 100  # procedures read: the search's largest page


def may_receive(proc, agency, province):
    """Whether the desk of `agency` (in `province`) may receive procedure `proc`
    (a search hit or a catalogue entry: agencies as objects or codes)."""
    if proc.get("received_elsewhere") is not False:
        return True
    listed = [a["code"] if isinstance(a, dict) else a for a in proc["agencies"] or []]
    return proc["province"] == province and (agency in listed if listed else True)


def receivable(req, procedures):
    """Those of `procedures` the caller's desk may receive: what the paper page
    lists (the service would refuse the others, 422)."""
    caller = req.context.caller
    own, agency = caller.get("province"), caller.get("agency")
    return [p for p in procedures if may_receive(p, agency, own)]


def resolvable(proc, resolvers, agency):
    """Those of `resolvers` ((code, name) of the procedure's resolving agencies)
    that the desk of `agency` may register a dossier of `proc` for: any when the
    procedure is received elsewhere, else only the desk's own agency (the service
    refuses a transfer of it: `not_received_elsewhere`)."""
    if proc.get("received_elsewhere") is not False:
        return list(resolvers)
    return [r for r in resolvers if r[0] == agency]


def offered(page, req, chosen):
    """(first, rest): the (code, name) provinces whose procedures the caller's
    desk may receive, its own first, and the others when the catalogue read was
    not the whole of it (else []). `chosen`, the province shown, is always first."""
    own = req.context.caller.get("province")
    items, whole = _catalogue(page, req, own)
    codes = {p["province"] for p in receivable(req, items)}
    codes |= {own, chosen} - {None}
    choices = province_choices(req)
    first = sorted((c for c in choices if c[0] in codes), key=lambda c: c[0] != own)
    rest = [] if whole else [c for c in choices if c[0] not in codes]
    return first, rest


def _catalogue(page, req, near):
    """(procedures, whether they are the whole national catalogue), `near`'s first."""
    try:
        found = page.call(
            req, "search", "search_procedures", None, near, 1, READ,
            timeout=SEARCH_TIMEOUT,
        )  # fmt: skip
        return found["items"], found["total"] <= len(found["items"])
    except ServiceError as exc:
        if exc.status < 500:
            raise
        log.warning("national search unavailable (%s): the catalogue's list", exc.code)
    # capped by the dossiers service: never taken for the whole catalogue
    items = page.call(req, "dossiers", "list_procedures", province=near, national=True)
    return items, False
