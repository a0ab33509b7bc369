"""/api/v1/accounts/me belongs to people: an API client has no profile (403)."""

import pytest

from tests.unit.web.conftest import FakeRpc, make_client

CLIENT = {
    "user_id": "cl_0123456789abcdef",
    "kind": "client",
    "roles": [],
    "province": "01",
    "agency": "UBX",
    "scopes": ["dossiers:read"],
    "full_name": "Hệ thống một cửa",
}


@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_an_api_client_asking_for_its_profile_is_refused(method):
    rpc = FakeRpc(caller=CLIENT)
    resp = make_client(rpc).simulate_request(
        method,
        "/api/v1/accounts/me",
        headers={"Authorization": "Bearer client-token"},
        json={"full_name": "X"} if method == "PATCH" else None,
    )
    assert resp.status_code == 403
    assert resp.json["error"]["code"] == "FORBIDDEN"
    assert not rpc.called("get_user") and not rpc.called("update_profile")
