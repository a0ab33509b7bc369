"""axe-core finds no serious or critical WCAG 2.1 AA violation on the main pages.

axe is injected into the page, which our CSP (script-src 'self') would refuse: this
test's browser context bypasses CSP for that reason only. axe-core comes from npm
(`deploy/local/install` puts it under $PORTAL_CACHE/node).
"""

import os
import re
import uuid
from pathlib import Path

import pytest

from .conftest import PASSWORD
from .test_journey import CCCD, log_in

pytestmark = pytest.mark.e2e
AXE = Path(
    os.environ.get("PORTAL_CACHE", Path.home() / ".cache" / "portal"),
    "node/node_modules/axe-core/axe.min.js",
)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page):
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))",
        TAGS,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def check(page, url, shots, name, problems):
    if url:
        page.goto(url)
    page.wait_for_load_state()
    shots(page, name)
    for item in violations(page):
        problems.append((name, item))


def citizen_account(api, mailbox):
    email = f"a11y-{uuid.uuid4().hex[:10]}@e2e.test"
    body = {
        "kind": "citizen",
        "full_name": "Trần Văn Bảo",
        "email": email,
        "phone": "0912345679",
        "password": PASSWORD,
        "national_id": CCCD,
        "province": "01",
    }
    assert api.post("/api/v1/accounts", json=body).status_code == 201
    text = mailbox.wait_for(email)[0].get_body(("plain", "html")).get_content()
    token = re.search(r"/activate\?token=([\w.-]+)", text).group(1)
    assert api.post("/api/v1/accounts/activate", json={"token": token}).ok
    return email


def test_main_pages_have_no_serious_accessibility_violations(
    browser, stack, api, mailbox, agency, shots
):
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed at {AXE} (run deploy/local/install)")
    base, problems = stack.url, []
    anonymous = browser.new_context(bypass_csp=True).new_page()
    for name, path in (
        ("home", "/"),
        ("procedure", f"/thu-tuc/{agency.procedure}"),
        ("login", "/dang-nhap"),
        ("lookup", "/tra-cuu"),
        ("register", "/dang-ky"),
    ):
        check(anonymous, base + path, shots, name, problems)
    anonymous.click("form.form button[type=submit]")  # empty form: every error
    check(anonymous, None, shots, "register-errors", problems)
    anonymous.goto(f"{base}/?lang=en")
    check(anonymous, None, shots, "home-en", problems)

    citizen = browser.new_context(bypass_csp=True).new_page()
    log_in(citizen, base, citizen_account(api, mailbox))
    citizen.goto(f"{base}/ho-so/moi?thu_tuc={agency.procedure}")
    citizen.click("form.form button[type=submit]")  # required fields missing
    check(citizen, None, shots, "new-dossier-errors", problems)
    citizen.fill("#f-form-child_name", "Trần Minh")
    citizen.fill("#f-form-copies", "1")
    citizen.click("form.form button[type=submit]")
    check(citizen, None, shots, "edit-dossier", problems)
    dossier = citizen.url.split("/ho-so/")[1].split("/")[0]
    check(citizen, f"{base}/ho-so/{dossier}", shots, "dossier", problems)
    check(citizen, f"{base}/ho-so", shots, "my-dossiers", problems)
    check(citizen, f"{base}/ho-so/nhan-ho-so-giay", shots, "claim", problems)
    citizen.click("form.form button[type=submit]")  # nothing typed: refused
    check(citizen, None, shots, "claim-errors", problems)
    check(citizen, f"{base}/thong-bao", shots, "notifications", problems)

    desk = browser.new_context(bypass_csp=True).new_page()
    log_in(desk, base, agency.staff["desk"])
    check(desk, None, shots, "desk-queue", problems)
    check(desk, f"{base}/can-bo/ho-so-giay?thu_tuc={agency.procedure}", shots,
          "paper", problems)  # fmt: skip
    desk.fill("#f-applicant-full_name", "Lê Thị Hoa")
    desk.fill("#f-applicant-national_id", "001190012345")
    desk.fill("#f-applicant-phone", "0912345678")
    desk.select_option("#f-department", agency.department)
    desk.fill("#f-form-child_name", "Lê Minh")
    desk.fill("#f-form-copies", "1")
    desk.click("form.form button[type=submit]")
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[\w-]+\?ok="))
    check(desk, None, shots, "workspace", problems)
    check(desk, f"{base}/thong-bao", shots, "staff-notifications", problems)
    assert problems == [], problems
