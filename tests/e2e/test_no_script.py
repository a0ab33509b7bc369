"""A citizen with JavaScript disabled uploads through the plain multipart form.

The edit page's upload form posts `multipart/form-data` to `/ho-so/{id}/tep`
(`csrf_token` part first); the page streams the file through the files upload flow
and comes back to the edit page, where the file is listed.
"""

import re
import uuid

import pytest

from tests.integration.files.samples import docx

from .test_journey import log_in, register, upload

pytestmark = pytest.mark.e2e


def new_dossier(page, base, agency):
    page.goto(f"{base}/ho-so/moi?thu_tuc={agency.procedure}")
    page.fill("#f-form-child_name", "Trần Văn Bình")
    page.fill("#f-form-copies", "1")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert re.search(r"/ho-so/[\w-]+/sua", page.url), page.content()


def test_citizen_without_javascript_uploads_a_file_through_the_plain_form(
    browser, stack, mailbox, agency, shots, tmp_path
):
    base = stack.url
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    email = f"binh-{uuid.uuid4().hex[:10]}@e2e.test"
    register(page, base, mailbox, shots, email)
    log_in(page, base, email)
    new_dossier(page, base, agency)
    shots(page, "edit-page-no-script")

    upload(page, "to_khai", tmp_path / "to-khai-no-script.docx", docx("Tờ khai"))

    # only the page's own redirect says so (the script reloads the page instead)
    assert "ok=uploaded" in page.url
    files = page.locator(".files", has_text="to-khai-no-script.docx")
    assert files.count() >= 1
    shots(page, "uploaded-no-script")
    context.close()
