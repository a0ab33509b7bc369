"""The demo seed creates the tenant once and its users can log in."""

from deploy.local import seed_accounts

from .conftest import login


def test_seed_is_idempotent_and_its_staff_can_log_in(rpc, api):
    first, second = {"users": []}, {"users": []}
    seed_accounts.seed(rpc, first)
    seed_accounts.seed(rpc, second)
    assert first == second
    assert first["agency"] == "000.00.01.H26" and first["province"] == "01"
    agency = api.get(f"/api/v1/agencies/{first['agency']}").json()
    assert {d["code"] for d in agency["departments"]} == {"TPHT", "KTHT"}
    desk = next(u for u in first["users"] if u["role"] == "desk")
    session = login(api, desk["email"], desk["password"])
    assert session.status_code == 201
    assert session.json()["user"]["agency"] == "000.00.01.H26"
