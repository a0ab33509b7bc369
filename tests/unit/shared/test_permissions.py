"""The role → action table and the scope rules every service applies."""

import pytest

from services.shared.errors import Forbidden, NotFound, Unauthenticated
from services.shared.permissions import (
    can,
    require,
    require_visible,
    scope_of,
    sees,
)

OFFICER = {
    "kind": "staff",
    "roles": ["officer"],
    "user_id": "u-off",
    "province": "01",
    "agency": "A1",
    "department": "D1",
}
DESK = {
    "kind": "staff",
    "roles": ["desk"],
    "user_id": "u-desk",
    "province": "01",
    "agency": "A1",
}
CITIZEN = {
    "kind": "citizen",
    "roles": ["citizen"],
    "user_id": "u-cit",
    "province": "01",
}
OPERATOR = {"kind": "operator", "roles": ["operator"], "user_id": "u-op"}
CLIENT = {
    "kind": "client",
    "scopes": ["dossiers:read"],
    "province": "01",
    "agency": "A1",
}


def test_desk_may_receive_but_officer_may_not():
    assert can(DESK, "dossier.receive")
    assert not can(OFFICER, "dossier.receive")


def test_require_raises_forbidden_with_the_action_named():
    with pytest.raises(Forbidden) as err:
        require(CITIZEN, "staff.manage")
    assert err.value.details == {"action": ["staff.manage"]}


def test_api_client_actions_come_from_its_scopes():
    assert can(CLIENT, "dossier.read")
    assert not can(CLIENT, "dossier.receive")


@pytest.mark.parametrize(
    ("caller", "scope"),
    [
        (CITIZEN, "own"),
        (OFFICER, "department"),
        (DESK, "agency"),
        (OPERATOR, "national"),
    ],
)
def test_scope_of_each_role(caller, scope):
    assert scope_of(caller) == scope


def test_officer_sees_only_his_department():
    assert sees(OFFICER, province="01", agency="A1", department="D1")
    assert not sees(OFFICER, province="01", agency="A1", department="D2")
    assert not sees(OFFICER, province="79", agency="A1", department="D1")


def test_citizen_sees_only_his_own_records():
    assert sees(CITIZEN, province="01", owner="u-cit")
    assert not sees(CITIZEN, province="01", owner="someone-else")


def test_out_of_scope_is_not_found_not_forbidden():
    with pytest.raises(NotFound):
        require_visible(DESK, province="79", agency="B9")


def test_operator_sees_every_province():
    assert sees(OPERATOR, province="79", agency="X", department="Y")


def test_anonymous_caller_is_asked_to_log_in():
    with pytest.raises(Unauthenticated):
        require({"kind": "anonymous", "roles": []}, "dossier.read")
