"""An agency admin's procedure outside its agency is refused at the agency list."""

from services.dossiers.exceptions import ProcedureOutOfScope

from .conftest import FakeRpc, make_client, session_cookies
from .test_admin import ADMIN


def test_a_procedure_of_another_agency_is_shown_at_the_agencies_field():
    fake = FakeRpc(caller=ADMIN)
    fake.answers[("dossiers", "create_procedure")] = ProcedureOutOfScope(
        "Not permitted", {"agencies": ["procedure_not_own_agency"]}
    )
    cookies, csrf = session_cookies()
    resp = make_client(fake).simulate_post(
        "/quan-tri/thu-tuc/moi",
        body=f"csrf_token={csrf}&code=P1&name=X&level=3&processing_days=5&agencies=KHAC",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        cookies=cookies,
    )
    assert resp.status_code == 403
    assert 'id="f-agencies-error"' in resp.text
    assert "Chỉ được quản lý thủ tục do cơ quan mình tiếp nhận." in resp.text
