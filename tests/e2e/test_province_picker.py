"""File anywhere (issue 18, item 2): the public pages pick a province (kept in a
cookie) or search the whole country, the citizen's own province first; a citizen of
Hà Nội files a dossier with an agency of Hồ Chí Minh City from the new-dossier page."""

import re
import time
import uuid

import pytest
import requests

from .test_api_journey import login, register_citizen
from .test_journey import log_in

pytestmark = pytest.mark.e2e


def far_procedure(agency, name):
    """A procedure of province 79 (Hồ Chí Minh City) with an agency of its own."""
    far = f"Q{uuid.uuid4().hex[:6].upper()}"
    made = agency.operator.post("/api/v1/agencies", json={
        "code": far, "name": "UBND phường Sài Gòn", "province": "79",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    body = dict(agency.procedure_body(), province="79", agencies=[far], name=name,
                documents=[])  # fmt: skip
    made = agency.operator.post("/api/v1/procedures", json=body)
    assert made.status_code == 201, made.text
    return far


def nationally_indexed(stack, code, count, timeout=30):
    """Whether the national search finds `count` procedures of `code` in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = requests.get(
            f"{stack.url}/api/v1/search/procedures", params={"q": code}, timeout=10
        )
        if found.ok and found.json()["total"] >= count:
            return True
        time.sleep(0.2)
    return False


def test_a_visitor_picks_a_province_or_the_whole_country(browser, stack, agency):
    base, code = stack.url, agency.procedure
    name = f"Khai sinh phía Nam {code}"
    far_procedure(agency, name)

    page = browser.new_context().new_page()
    page.goto(f"{base}/thu-tuc?q={code}")
    cards = page.locator("ul.cards li")
    assert cards.count() == 1  # the portal's province (01) only
    page.select_option("#tinh", "79")
    page.click("form.search button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("ul.cards li").all_inner_texts()[0].startswith(name)
    page.goto(f"{base}/thu-tuc?q={code}")  # the choice is kept
    assert page.locator("#tinh").input_value() == "79"
    assert page.locator("ul.cards li").count() == 1

    # the national search reads the search index, which follows the catalogue's
    # events: wait until both provinces' procedures are in it
    assert nationally_indexed(stack, code, 2)
    page.select_option("#tinh", "toan-quoc")
    page.click("form.search button[type=submit]")
    page.wait_for_load_state()
    texts = page.locator("ul.cards li").all_inner_texts()
    assert len(texts) == 2
    assert "Hà Nội" in texts[0] and "Hồ Chí Minh" in texts[1]  # near first
    page.click(f"ul.cards li >> text={name}")
    page.wait_for_load_state()
    assert name in page.locator("h1").inner_text()


def test_a_citizen_files_with_an_agency_of_another_province(
    browser, stack, api, mailbox, agency
):
    base = stack.url
    name = f"Khai sinh phía Nam {agency.procedure}"
    far = far_procedure(agency, name)
    page = browser.new_context().new_page()
    email = register_citizen(api, mailbox)
    log_in(page, base, email)
    assert nationally_indexed(stack, agency.procedure, 2)
    page.goto(f"{base}/ho-so/moi?thu_tuc={agency.procedure}")
    assert page.locator("#tinh").input_value() == "01"
    # the picker offers the provinces that have the procedure (national search)
    offered = page.locator("#tinh option").evaluate_all("os => os.map(o => o.value)")
    assert offered == ["01", "79"]
    page.select_option("#tinh", "79")
    page.click("#province-picker button[type=submit]")
    page.wait_for_load_state()
    assert name in page.locator("h1").inner_text()
    page.fill("#f-form-child_name", "Trần Minh")
    page.fill("#f-form-copies", "1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+/sua\?ok=created"))
    dossier_id = page.url.split("/ho-so/")[1].split("/")[0]
    shown = login(api, email).get(f"/api/v1/dossiers/{dossier_id}")
    assert shown.status_code == 200, shown.text
    assert (shown.json()["agency"], shown.json()["province"]) == (far, "79")
