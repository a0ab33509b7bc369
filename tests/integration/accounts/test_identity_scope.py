"""Identities are read only in scope: accounts itself refuses the others (404).

Before, any staff member or API client of any province got any citizen's name and
e-mail from `accounts.get_user`. Callers here are the real caller dicts the gateway
gets from `authenticate`, sent over the run's RabbitMQ like the gateway sends them.
"""

import uuid

import pytest

from services.shared.caller import SYSTEM
from services.shared.errors import NotFound
from tests.conftest import Api

from .conftest import PASSWORD, active_citizen, token_of, unique_email


@pytest.fixture(scope="module")
def people(stack, operator, events, rpc):
    """Staff of agency A (province 01) and B (79), an API client of B, a citizen."""
    api = Api(stack.url)
    agencies = {"A": ("01", f"000.61.{uuid.uuid4().hex[:6]}.H26")}
    agencies["B"] = ("79", f"000.62.{uuid.uuid4().hex[:6]}.H26")
    callers, ids = {}, {}
    for name, (province, agency) in agencies.items():
        operator.post(
            "/api/v1/agencies",
            json={"code": agency, "name": "UBND", "province": province},
        )
        for role in ("desk", "admin"):
            email = unique_email(f"{role}{name}")
            created = operator.post(
                "/api/v1/staff",
                json={"email": email, "full_name": "Cán bộ", "password": PASSWORD}
                | {"role": role, "agency": agency},
            ).json()
            ids[f"{role}{name}"] = created["id"]
            token = token_of(api, email)
            callers[f"{role}{name}"] = rpc.call("accounts", "authenticate", token)
    client = operator.post(
        "/api/v1/api-clients",
        json={"name": "Một cửa B", "scopes": ["dossiers:read"]}
        | {"agency": agencies["B"][1]},
    ).json()
    granted = api.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"}
        | {k: client[k] for k in ("client_id", "client_secret")},
    ).json()
    callers["clientB"] = rpc.call("accounts", "authenticate", granted["access_token"])
    _, token = active_citizen(api, events, province="01")
    ids["citizen"] = api.as_user(token).get("/api/v1/accounts/me").json()["id"]
    return callers, ids


@pytest.mark.parametrize(
    "caller, target",
    [
        ("deskB", "citizen"),  # another province
        ("clientB", "citizen"),
        ("deskA", "citizen"),  # same province: applicants only through dossiers
        ("adminA", "citizen"),
        ("deskB", "deskA"),
        ("adminB", "adminA"),
        ("clientB", "deskA"),
    ],
)
def test_identity_out_of_scope_is_not_found(rpc, people, caller, target):
    callers, ids = people
    with pytest.raises(NotFound):
        rpc.call("accounts", "get_user", callers[caller], ids[target])


@pytest.mark.parametrize(
    "caller, target", [("adminA", "deskA"), ("deskA", "adminA"), ("clientB", "deskB")]
)
def test_staff_of_the_callers_own_scope_are_readable(rpc, people, caller, target):
    callers, ids = people
    found = rpc.call("accounts", "get_user", callers[caller], ids[target])
    assert found["id"] == ids[target] and found["email"]


def test_services_acting_for_the_portal_read_an_applicant(rpc, people):
    _, ids = people
    found = rpc.call("accounts", "get_user", SYSTEM, ids["citizen"])
    assert found["id"] == ids["citizen"] and found["email"]


def test_staff_lists_hold_only_the_callers_scope(rpc, people):
    callers, ids = people
    for caller in ("deskB", "clientB"):
        listed = {s["id"] for s in rpc.call("accounts", "list_staff", callers[caller])}
        assert ids["deskB"] in listed
        assert not listed & {ids["deskA"], ids["adminA"], ids["citizen"]}
