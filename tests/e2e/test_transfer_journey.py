"""Received here, resolved there, in the browser (issue 18, item 2).

A desk of Hồ Chí Minh City (79) registers a paper dossier of a Hà Nội (01) agency's
procedure, choosing that agency by name, and transfers it; the Hà Nội desk accepts
it, its officer and leader process it, its desk returns the result to the receiving
desk, which hands it over. Each workspace names both agencies and shows each desk
only its own buttons. Declined: the Hà Nội agency sends the dossier back with a
reason, the Hồ Chí Minh City desk transfers it to another agency of the procedure,
whose desk accepts it; the first no longer sees it, and the applicant, who claimed
it with the slip's code, reads where to collect the result. The receiving desk
follows its work list's tabs ("Chờ chuyển hồ sơ", "Kết quả chuyển về") by their
links, and each tab's count is the number of its rows; the resolving desk filters
its work list by the receiving desk, chosen by name.
"""

import re
import uuid

from .conftest import PASSWORD
from .test_api_journey import register_citizen
from .test_journey import act, log_in

RECEIVING_NAME = "UBND phường Sài Gòn Thử Nghiệm"
OTHER_NAME = "UBND phường Ba Đình Thử Nghiệm"


def receiving_desk(agency):
    """An agency of province 79 with a desk account (made by the operator)."""
    code = f"T{uuid.uuid4().hex[:6].upper()}"
    agency._post(
        "/api/v1/agencies", {"code": code, "name": RECEIVING_NAME, "province": "79"}
    )
    email = f"desk79-{uuid.uuid4().hex[:8]}@e2e.test"
    agency._post(
        "/api/v1/staff",
        {"email": email, "full_name": "Cán bộ một cửa 79", "password": PASSWORD,
         "role": "desk", "agency": code, "province": "79"},
    )  # fmt: skip
    return code, email


def second_resolver(agency):
    """Another 01 agency (department, desk) listed by the procedure beside the first."""
    code = f"B{uuid.uuid4().hex[:6].upper()}"
    agency._post(
        "/api/v1/agencies", {"code": code, "name": OTHER_NAME, "province": "01"}
    )
    agency._post(
        "/api/v1/departments", {"code": "TP", "name": "Tư pháp", "agency": code}
    )
    email = f"desk01b-{uuid.uuid4().hex[:8]}@e2e.test"
    agency._post(
        "/api/v1/staff",
        {"email": email, "full_name": "Cán bộ một cửa Ba Đình", "password": PASSWORD,
         "role": "desk", "agency": code, "province": "01"},
    )  # fmt: skip
    body = dict(agency.procedure_body(), agencies=[agency.code, code])
    published = agency.operator.put(f"/api/v1/procedures/{agency.procedure}", json=body)
    assert published.status_code == 200, published.text
    return code, email


def received_there_only(agency, agencies=None):
    """A 01 procedure of the agency (and `agencies`) that only the desk of the
    agency resolving a dossier receives."""
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    body = dict(agency.procedure_body(), code=code, received_elsewhere=False,
                name=f"Chỉ tiếp nhận tại cơ quan giải quyết {code}")  # fmt: skip
    if agencies:
        body["agencies"] = agencies
    made = agency.operator.post("/api/v1/procedures", json=body)
    assert made.status_code == 201, made.text
    return code


def procedures_offered(page, base, province):
    page.goto(f"{base}/can-bo/ho-so-giay?tinh={province}")
    return [o.get_attribute("value") for o in page.locator("#thu_tuc option").all()]


def register_paper(page, base, agency, resolving):
    """The desk's paper page: the procedure of 01, resolved by `resolving`."""
    page.goto(f"{base}/can-bo/ho-so-giay?tinh=01&thu_tuc={agency.procedure}")
    page.select_option("#f-agency", resolving)
    assert agency.name in page.locator("#f-agency").inner_text()  # named
    page.fill("#f-applicant-full_name", "Phạm Văn Chuyển")
    page.fill("#f-applicant-national_id", "079190012345")
    page.fill("#f-applicant-phone", "0912345678")
    page.fill("#f-form-child_name", "Phạm Minh")
    page.fill("#f-form-copies", "1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/can-bo/ho-so/[\w-]+\?ok="))
    return page.url.split("/can-bo/ho-so/")[1].split("?")[0]


def buttons(page, base=None, dossier_id=None):
    """The workflow buttons the workspace shows (opened again when named)."""
    if dossier_id:
        page.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    return {b.get_attribute("data-action") for b in page.locator("[data-action]").all()}


def tab_of(page, base, tab, dossier_id=None, tries=40):
    """Open the work list and follow the link of its `tab` (as the desk clicks it),
    again until the index lists `dossier_id`; (the tab's text, its count, the ids
    of the dossiers its rows list)."""
    for _ in range(tries):
        page.goto(f"{base}/can-bo")
        link = page.locator(f'#tabs a[data-tab="{tab}"]')
        with page.expect_navigation():
            link.click()
        current = page.locator("#tabs a[aria-current=page]")
        assert current.get_attribute("data-tab") == tab, page.url
        text = current.inner_text()
        rows = page.locator("#work-list tbody tr").all()
        ids = [row.get_attribute("data-id") for row in rows]
        if dossier_id is None or dossier_id in ids:
            break
        page.wait_for_timeout(250)
    count = int(re.search(r"\((\d+)\)$", text).group(1))
    return text, count, ids


def received_at(page, base, code, dossier_id, tries=40):
    """The work list (every tab) filtered by the receiving agency `code`, chosen
    from the filter's list of names once the index lists `dossier_id`; (the name
    the option shows, the ids of the dossiers listed)."""
    for _ in range(tries):
        page.goto(f"{base}/can-bo?tab=")
        option = page.locator(f'#f-noi_tiep_nhan option[value="{code}"]')
        if option.count():
            name = option.inner_text()
            page.select_option("#f-noi_tiep_nhan", code)
            with page.expect_navigation():
                page.click("form.filters button[type=submit]")
            rows = page.locator("#work-list tbody tr").all()
            ids = [row.get_attribute("data-id") for row in rows]
            if dossier_id in ids:
                return name, ids
        page.wait_for_timeout(250)
    return None, []


def test_a_desk_receives_transfers_and_hands_back_a_dossier_resolved_elsewhere(
    browser, stack, agency, shots
):
    base = stack.url
    code, email = receiving_desk(agency)
    people = {who: browser.new_context(locale="vi-VN") for who in
              ("there", "desk", "officer", "leader")}  # fmt: skip
    there, desk, officer, leader = (people[w].new_page() for w in people)

    log_in(there, base, email)
    dossier_id = register_paper(there, base, agency, agency.code)  # by name
    assert there.locator("#dossier-status").inner_text().strip() == "Chờ chuyển hồ sơ"
    assert there.locator("#receiving-agency").inner_text() == RECEIVING_NAME
    assert "UBND xã Thử Nghiệm" in there.locator("#resolving-agency").inner_text()
    assert there.locator("#receipt-number").inner_text().startswith(code)
    assert "transfer" in buttons(there)
    shots(there, "to-transfer")
    # the desk's work list: a tab of what it must transfer, clicked; its count
    # is its rows' (the only dossier this new agency has)
    text, count, ids = tab_of(there, base, "to_transfer", dossier_id)
    assert ids == [dossier_id] and count == len(ids)
    assert text == "Chờ chuyển hồ sơ (1)"
    assert "Chờ chuyển hồ sơ" in there.locator("#work-list tbody").inner_text()
    status = act(there, base, dossier_id, "transfer", shots)
    assert status == "Đã chuyển, chờ cơ quan giải quyết tiếp nhận"
    assert "accept_transfer" not in buttons(there)

    log_in(desk, base, agency.staff["desk"])
    shown = buttons(desk, base, dossier_id)
    assert "accept_transfer" in shown and "transfer" not in shown
    assert "decline_transfer" in shown  # not competent: back to the receiving desk
    status = act(desk, base, dossier_id, "accept_transfer", shots,
                 department=agency.department)  # fmt: skip
    assert status == "Đang xử lý"
    # the resolving desk filters its list by the receiving desk, by its name
    assert received_at(desk, base, code, dossier_id) == (RECEIVING_NAME, [dossier_id])
    assert desk.locator("#f-noi_tiep_nhan option:checked").inner_text() == (
        RECEIVING_NAME
    )
    log_in(officer, base, agency.staff["officer"])
    act(officer, base, dossier_id, "send_for_approval", shots)
    log_in(leader, base, agency.staff["leader"])
    assert act(leader, base, dossier_id, "approve", shots) == "Đã phê duyệt"
    assert "return_result" not in buttons(desk, base, dossier_id)
    assert "return_to_desk" not in buttons(there, base, dossier_id)
    status = act(desk, base, dossier_id, "return_to_desk", shots)
    assert status == "Kết quả đã chuyển về nơi tiếp nhận"
    assert "return_result" not in buttons(desk)

    text, count, ids = tab_of(there, base, "returned", dossier_id)
    assert ids == [dossier_id] and count == len(ids)
    assert text == "Kết quả chuyển về (1)"
    # listed there as returned, so the index has it: nothing is left to transfer
    text, count, ids = tab_of(there, base, "to_transfer")
    assert (text, count, ids) == ("Chờ chuyển hồ sơ (0)", 0, [])
    assert there.locator("#no-dossiers").count() == 1
    assert act(there, base, dossier_id, "return_result", shots) == "Đã trả kết quả"
    for context in people.values():
        context.close()


def test_a_declined_dossier_goes_to_another_agency_and_the_applicant_sees_the_desk(
    browser, stack, api, mailbox, agency, shots
):
    base = stack.url
    code, email = receiving_desk(agency)
    other, other_desk = second_resolver(agency)
    people = {who: browser.new_context(locale="vi-VN") for who in
              ("there", "first", "second", "citizen")}  # fmt: skip
    there, first, second, citizen = (people[w].new_page() for w in people)

    log_in(there, base, email)
    # the provinces with procedures this desk may receive come first: its own
    # (79), then 01 (the smallest code), not the country in code order
    there.goto(f"{base}/can-bo/ho-so-giay?tinh=01&thu_tuc={agency.procedure}")
    offered = [o.get_attribute("value") for o in there.locator("#tinh option").all()]
    assert offered[:2] == ["79", "01"]
    # of 01's procedures, not one that only its own agency receives
    there_only = received_there_only(agency, [agency.code, other])
    procedures = procedures_offered(there, base, "01")
    assert agency.procedure in procedures and there_only not in procedures
    there.goto(f"{base}/can-bo/ho-so-giay?tinh=01&thu_tuc={there_only}")
    assert there.locator("#not-receivable").is_visible()
    assert there.locator("form.form").count() == 0  # no form the service refuses
    dossier_id = register_paper(there, base, agency, agency.code)
    receipt = there.locator("#receipt-number").inner_text()
    access_code = there.locator("#access-code").inner_text()
    assert act(there, base, dossier_id, "transfer", shots) == (
        "Đã chuyển, chờ cơ quan giải quyết tiếp nhận"
    )

    # the first agency is not competent: back to the receiving desk, with why
    reason = "Không thuộc thẩm quyền của xã; đề nghị chuyển UBND phường Ba Đình"
    log_in(first, base, agency.staff["desk"])
    assert there_only in procedures_offered(first, base, "01")  # its own desk's
    # resolved by the desk's own agency alone: the other agency the procedure
    # lists is not offered (the service would refuse it: not received elsewhere)
    first.goto(f"{base}/can-bo/ho-so-giay?tinh=01&thu_tuc={there_only}")
    options = first.locator("#f-agency option").all()
    assert [o.get_attribute("value") for o in options if o.get_attribute("value")] == [
        agency.code
    ]
    status = act(first, base, dossier_id, "decline_transfer", shots, reason=reason)
    assert status == "Chờ chuyển hồ sơ"

    # back in the tab of what the desk must transfer, the only one there
    text, count, ids = tab_of(there, base, "to_transfer", dossier_id)
    assert ids == [dossier_id] and count == len(ids) == 1
    there.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    assert reason in there.locator("#history").inner_text()
    choices = there.locator("#f-transfer-agency").inner_text()
    assert "UBND xã Thử Nghiệm" in choices and OTHER_NAME in choices
    there.select_option("#f-transfer-agency", other)  # by name
    shots(there, "transfer-elsewhere")
    there.click("button[data-action=transfer]")
    there.wait_for_url(re.compile(r"\?ok=transfer"))
    assert there.locator("#resolving-agency").inner_text() == OTHER_NAME

    log_in(second, base, other_desk)
    status = act(second, base, dossier_id, "accept_transfer", shots, department="TP")
    assert status == "Đang xử lý"
    # the agency that declined it no longer sees it
    gone = first.goto(f"{base}/can-bo/ho-so/{dossier_id}")
    assert gone.status == 404

    # the applicant claims it with the slip's code and reads where to collect it
    log_in(citizen, base, register_citizen(api, mailbox))
    citizen.goto(f"{base}/ho-so/nhan-ho-so-giay")
    citizen.fill("#f-receipt_number", receipt)
    citizen.fill("#f-access_code", access_code)
    citizen.click("form.form button[type=submit]")
    citizen.wait_for_url(re.compile(rf"/ho-so/{dossier_id}\?ok=claimed"))
    assert citizen.locator("#resolving-agency").inner_text() == OTHER_NAME
    assert RECEIVING_NAME in citizen.locator("#collect-at").inner_text()
    shots(citizen, "collect-at")
    for context in people.values():
        context.close()
