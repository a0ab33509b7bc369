"""A fully online (level-4) dossier's result in the browser: the officer drafts it,
the leader's approval signs it (SoftHSM2 token of the run), the desk returns it, the
citizen downloads the signed PDF and follows its QR link to the verification page,
which turns red once the stored file is tampered with. Then a late dossier is
rescheduled from the workspace and the apology letter reaches the citizen."""

import datetime as dt
import io
import re
import uuid

import pytest
from minio import Minio
from sqlalchemy import create_engine, text

from services.files import pki, signing
from services.shared.config import database_url
from tests.integration.dossiers.test_results import apology_attachment, pdf_text
from tests.integration.files.test_signing import validated

from .conftest import PASSWORD
from .test_accessibility import violations
from .test_journey import act, log_in

pytestmark = pytest.mark.e2e


def level_four(agency):
    """A procedure of the agency whose result is delivered online."""
    code = f"L4{uuid.uuid4().hex[:6].upper()}"
    body = dict(
        agency.procedure_body(),
        code=code,
        name=f"Trích lục khai sinh {code}",
        level=4,
        documents=[],
    )
    resp = agency.operator.post("/api/v1/procedures", json=body)
    assert resp.status_code == 201, resp.text
    return code


def citizen_with_dossier(api, mailbox, agency, code):
    """A citizen account (activated from its mail) and a submitted dossier."""
    email = f"ketqua-{uuid.uuid4().hex[:10]}@e2e.test"
    body = {"kind": "citizen", "full_name": "Trần Thị Mai", "email": email,
            "phone": "0912345671", "password": PASSWORD,
            "national_id": "001190123457", "province": "01"}  # fmt: skip
    assert api.post("/api/v1/accounts", json=body).status_code == 201
    mail = mailbox.wait_for(email)[0].get_body(("plain", "html")).get_content()
    token = re.search(r"/activate\?token=([\w.-]+)", mail).group(1)
    assert api.post("/api/v1/accounts/activate", json={"token": token}).ok
    login = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    me = api.as_user(login.json()["token"])
    form = {"child_name": "Trần Minh Khang", "copies": 2}
    draft = me.post(
        "/api/v1/dossiers",
        json={"procedure": code, "agency": agency.code, "province": "01", "form": form},
    )
    assert draft.status_code == 201, draft.text
    dossier_id = draft.json()["id"]
    submitted = me.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert submitted.status_code == 200, submitted.text
    return email, dossier_id


def tamper(stack, file_id, data):
    env = stack.env
    engine = create_engine(database_url("files", env), pool_size=1)
    with engine.connect() as conn:
        key = conn.execute(
            text("SELECT object_key FROM files WHERE public_id = :f"), {"f": file_id}
        ).scalar()
    engine.dispose()
    mangled = bytearray(data)
    at = data.index(b"/MediaBox") + 12
    mangled[at : at + 1] = b"7" if mangled[at : at + 1] != b"7" else b"8"
    Minio(
        env["PORTAL_S3_ENDPOINT"],
        access_key=env["PORTAL_S3_ACCESS_KEY"],
        secret_key=env["PORTAL_S3_SECRET_KEY"],
        secure=False,
    ).put_object(
        f"{env['PORTAL_BUCKET_PREFIX']}files", key, io.BytesIO(mangled), len(mangled)
    )


def test_draft_sign_return_download_verify(
    browser, stack, api, mailbox, agency, shots, tmp_path
):
    base = stack.url
    code = level_four(agency)
    email, dossier_id = citizen_with_dossier(api, mailbox, agency, code)
    # bypass_csp: axe-core is injected as an inline script (test_accessibility)
    people = {w: browser.new_context(locale="vi-VN", accept_downloads=True,
                                     bypass_csp=True)
              for w in ("citizen", "desk", "officer", "leader")}  # fmt: skip
    citizen, desk, officer, leader = (people[w].new_page() for w in people)

    log_in(desk, base, agency.staff["desk"])
    assert act(desk, base, dossier_id, "receive", shots, department="TP") == (
        "Đang xử lý"
    )
    log_in(officer, base, agency.staff["officer"])
    # not without a result: the refusal is shown on the workspace
    officer.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    officer.click("button[data-action=send_for_approval]")
    assert "soạn kết quả" in officer.locator("#error-summary").inner_text().lower()
    officer.click("#draft-result")
    officer.wait_for_url(re.compile(r"\?ok=result"))
    assert "dự thảo" in officer.locator("#result-state").inner_text()
    assert not violations(officer)  # axe-core on the workspace's result panel
    shots(officer, "result-drafted")
    act(officer, base, dossier_id, "send_for_approval", shots)

    log_in(leader, base, agency.staff["leader"])
    assert act(leader, base, dossier_id, "approve", shots) == "Đã phê duyệt"
    assert "Đã ký số" in leader.locator("#result-state").inner_text()
    assert act(desk, base, dossier_id, "return_result", shots) == "Đã trả kết quả"

    log_in(citizen, base, email)
    citizen.goto(f"{base}/ho-so/{dossier_id}")
    shots(citizen, "result-ready")
    with citizen.expect_download() as download:
        citizen.click("#result-download")
    signed = open(download.value.path(), "rb").read()

    roots = signing.trust_roots(pki.PkiSettings.from_env(stack.env))
    _, status = validated(signed, roots)
    assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"
    content = " ".join(pdf_text(signed).split())  # lines may wrap anywhere
    assert "Trần Minh Khang" in content and "Cán bộ leader" in content

    # the QR code's link, read from the signed PDF itself
    (url,) = signing.links_of(signed)
    assert url.startswith(f"{base}/xac-thuc/")
    citizen.goto(url)
    assert "hợp lệ" in citizen.locator("#verify-verdict").inner_text()
    assert citizen.locator("#verify-signer").inner_text() == "Cán bộ leader"
    assert citizen.locator("#verify-agency").inner_text() == "UBND xã Thử Nghiệm"
    assert not violations(citizen)
    shots(citizen, "verified")

    result = api.as_user(_token(api, email)).get(
        f"/api/v1/dossiers/{dossier_id}/result"
    )
    tamper(stack, result.json()["signed_file_id"], signed)
    citizen.reload()
    verdict = citizen.locator("#verify-verdict").inner_text()
    assert "KHÔNG hợp lệ" in verdict
    assert citizen.locator("#verify-hash-problem").count() == 1
    assert not violations(citizen)
    shots(citizen, "tampered")
    for context in people.values():
        context.close()


def _token(api, email):
    login = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    return login.json()["token"]


def test_late_dossier_rescheduled_from_the_workspace(
    browser, stack, api, mailbox, agency, shots
):
    base = stack.url
    email, dossier_id = citizen_with_dossier(api, mailbox, agency, level_four(agency))
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    log_in(page, base, agency.staff["desk"])
    act(page, base, dossier_id, "receive", shots, department="TP")
    log_in(page, base, agency.staff["officer"])
    page.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    new = dt.date.today() + dt.timedelta(days=30)
    page.fill("#reschedule-date", new.isoformat())
    page.fill("#reschedule-reason", "Chờ kết quả xác minh của Sở Tư pháp")
    page.click("#reschedule")
    page.wait_for_url(re.compile(r"\?ok=reschedule"))
    assert page.locator("#rescheduled-date").inner_text() == new.strftime("%d/%m/%Y")
    shots(page, "rescheduled")
    letter = pdf_text(apology_attachment(mailbox, email))
    assert new.strftime("%d/%m/%Y") in letter
    assert "Chờ kết quả xác minh" in letter
    context.close()
