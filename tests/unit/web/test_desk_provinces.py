"""The paper page's `may_receive` answers as the dossiers service's own checks do.

The page only decides which provinces to offer; the service decides at
registration. Both read the same facts of a procedure, so for every combination of
those facts a desk that the page offers a procedure to must be one the service lets
register it (as the resolving agency, or as the receiving desk of another), and the
other way round.
"""

import itertools
from types import SimpleNamespace

import pytest

from gateway.web.desk_provinces import may_receive, resolvable
from services.dossiers import references
from services.shared.errors import ServiceError

AGENCIES = {"A01": "01", "B01": "01", "C79": "79"}


class Directory:
    def agency(self, code):
        return {"province": AGENCIES[code], "valid_from": None, "valid_to": None}


def service_lets_register(version, province, desk):
    """Whether the service accepts `desk` receiving a dossier of `version` (of
    `province`): resolving it itself, or receiving it for a listed/any resolver."""
    try:
        references.receiving_agency(Directory(), version, province, desk)
        return True
    except ServiceError:
        pass
    try:  # received here for another agency of the procedure, resolved there
        references.receiving_desk(Directory(), version, desk, "resolver")
        return True
    except ServiceError:
        return False


CASES = list(
    itertools.product(
        (True, False),  # received_elsewhere
        ((), ("A01",), ("C79",)),  # the procedure's agencies
        ("01", "79"),  # its province
        sorted(AGENCIES),  # the desk
    )
)


@pytest.mark.parametrize(("elsewhere", "agencies", "province", "desk"), CASES)
def test_the_page_offers_what_the_service_accepts(elsewhere, agencies, province, desk):
    version = SimpleNamespace(received_elsewhere=elsewhere, agencies=list(agencies))
    proc = {
        "received_elsewhere": elsewhere,
        "agencies": [{"code": a} for a in agencies],
        "province": province,
    }
    assert may_receive(proc, desk, AGENCIES[desk]) == service_lets_register(
        version, province, desk
    )


def service_lets_resolve(version, province, desk, resolver):
    """Whether the service registers a dossier received at `desk` and resolved by
    `resolver` (the desk itself, or another agency it is transferred to)."""
    try:
        references.receiving_agency(Directory(), version, province, resolver)
        references.receiving_desk(Directory(), version, desk, resolver)
        return True
    except ServiceError:
        return False


def listed(elsewhere, agencies, province, desk):
    proc = {"received_elsewhere": elsewhere, "agencies": list(agencies),
            "province": province}  # fmt: skip
    return may_receive(proc, desk, AGENCIES[desk])


@pytest.mark.parametrize(
    ("elsewhere", "agencies", "province", "desk"), [c for c in CASES if listed(*c)]
)
def test_the_resolvers_offered_are_those_the_service_accepts(
    elsewhere, agencies, province, desk
):
    """For a procedure the page lists to this desk, the resolving agencies of its
    select (the province's agencies the procedure lists, or all of them) are
    exactly those the service accepts with this desk receiving."""
    version = SimpleNamespace(received_elsewhere=elsewhere, agencies=list(agencies))
    proc = {
        "received_elsewhere": elsewhere,
        "agencies": [{"code": a} for a in agencies],
        "province": province,
    }
    candidates = [
        (code, code)
        for code, where in sorted(AGENCIES.items())
        if where == province and (not agencies or code in agencies)
    ]
    offered = {code for code, _ in resolvable(proc, candidates, desk)}
    accepted = {
        code for code in AGENCIES if service_lets_resolve(version, province, desk, code)
    }
    assert offered == accepted
