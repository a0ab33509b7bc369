"""A hostile page cannot sign its visitor in to the attacker's account (login CSRF).

A real Chromium opens a page of another origin whose form posts the attacker's
credentials to the API's `/sessions`. Before, the form-encoded body was accepted and
the browser kept the attacker's session cookie; now nothing is set. The portal's
own login page, with its form token, still signs the visitor in.
"""

import html

import pytest

from .test_journey import log_in

pytestmark = pytest.mark.e2e


def session_cookies(context, base):
    return [c for c in context.cookies(base) if c["name"] == "portal_session"]


def test_another_sites_form_cannot_sign_the_visitor_in(browser, stack):
    base = stack.url
    attacker = stack.env["PORTAL_ADMIN_EMAIL"], stack.env["PORTAL_ADMIN_PASSWORD"]
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_content(
        f'<form method="post" action="{html.escape(base)}/api/v1/sessions">'
        f'<input name="email" value="{html.escape(attacker[0])}">'
        f'<input name="password" value="{html.escape(attacker[1])}"></form>'
    )
    with page.expect_navigation():
        page.evaluate("document.forms[0].submit()")
    assert session_cookies(context, base) == []
    assert "CSRF_TOKEN_INVALID" in page.content()
    log_in(page, base, *attacker)  # the portal's own page still works
    assert session_cookies(context, base)
    context.close()
