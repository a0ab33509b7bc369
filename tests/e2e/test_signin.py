"""Sign-in through the pages, in Chromium: no lock-out, no registered-or-not answer.

Two findings of issue 11, as a person meets them: five wrong passwords typed from
one address used to lock the account for 15 minutes, even for its owner typing the
right one elsewhere; and registering an address that already has an account
answered "already registered", telling anyone who is a user of the portal.
Each browser context has its own client address (X-Forwarded-For, trusted by the
gateway from the local test client).
"""

import re
import uuid

import pytest

from .conftest import PASSWORD
from .test_journey import log_in, register

pytestmark = pytest.mark.e2e


def context_from(browser, address):
    return browser.new_context(
        locale="vi-VN", extra_http_headers={"X-Forwarded-For": address}
    )


def test_wrong_passwords_elsewhere_do_not_lock_the_owner_out(
    browser, stack, mailbox, shots
):
    base, email = stack.url, f"chu-{uuid.uuid4().hex[:10]}@e2e.test"
    owner = context_from(browser, "10.77.0.1").new_page()
    register(owner, base, mailbox, shots, email)
    attacker = context_from(browser, "10.77.0.2").new_page()
    for _ in range(5):
        log_in(attacker, base, email, "Sai-mat-khau-1")
        assert "/dang-nhap" in attacker.url
    shots(attacker, "attacker-refused")
    log_in(owner, base, email, PASSWORD)
    assert owner.url.endswith("/ho-so"), owner.content()
    shots(owner, "owner-signed-in")


def test_registering_a_taken_address_answers_like_a_new_one(
    browser, stack, mailbox, shots
):
    base, email = stack.url, f"lan-{uuid.uuid4().hex[:10]}@e2e.test"
    page = context_from(browser, "10.77.0.3").new_page()
    register(page, base, mailbox, shots, email)
    stranger = context_from(browser, "10.77.0.4").new_page()
    stranger.goto(f"{base}/dang-ky")
    stranger.fill("#f-full_name", "Người lạ")
    stranger.fill("#f-email", email)
    stranger.fill("#f-phone", "0912345678")
    stranger.fill("#f-password", PASSWORD)
    stranger.fill("#f-national_id", "001090123456")
    stranger.click("form.form button[type=submit]")
    assert stranger.locator(".notice").is_visible(), stranger.content()
    assert stranger.locator("#error-summary").count() == 0
    shots(stranger, "taken-address-same-answer")
    # activation, then "someone tried to register", whose link the owner follows
    notice = mailbox.wait_for(email, count=2)[-1]
    text = notice.get_body(("plain",)).get_content()
    (link,) = re.findall(r"https?://[^\s<>\"]+", text)
    assert link == f"{base}/quen-mat-khau" and "token" not in link
    assert page.goto(link).status == 200
    assert page.locator("#f-email").count() == 1
