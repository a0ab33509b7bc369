"""The notify tests run on the whole real system (the root stack and mailbox).

Every peer notify calls is the real service now: files (`list_files`, `read_small`,
`generate_document`), accounts (`get_user`, `list_staff`) and dossiers
(`list_applicants`, `list_due_work`, and the events of real dossiers). One agency with
its desk, officer and leader (created through the gateway, as the e2e tests do) serves
the whole module set.
"""

import uuid

import pytest

from tests.conftest import Api
from tests.e2e.conftest import PASSWORD, Agency


class Staff(Agency):
    """The e2e agency plus logged-in clients of its staff, admin and province admin.

    Bulk mail is the agency admin's (officers no longer send it); an uploaded list
    is approved by the province admin.
    """

    def __init__(self, api, stack):
        super().__init__(api, stack)
        self.staff["admin"] = self._staff("admin")
        self.staff["province_admin"] = self._province_admin()
        self.clients = {role: self.login(api, e) for role, e in self.staff.items()}

    def _province_admin(self):
        email = f"province-admin-{uuid.uuid4().hex[:8]}@e2e.test"
        body = {
            "email": email,
            "full_name": "Quản trị tỉnh",
            "password": PASSWORD,
            "role": "province_admin",
            "province": "01",
        }
        self._post("/api/v1/staff", body)
        return email

    @staticmethod
    def login(api, address):
        resp = api.post(
            "/api/v1/sessions", json={"email": address, "password": PASSWORD}
        )
        assert resp.status_code == 201, resp.text
        return api.as_user(resp.json()["token"])

    def caller(self, role):
        """The caller dict the gateway resolves for this member of staff."""
        resp = self.clients[role].get("/api/v1/sessions/current")
        assert resp.status_code == 200, resp.text
        return resp.json()


@pytest.fixture(scope="session")
def agency(stack):
    return Staff(Api(stack.url), stack)
