"""The applicant's profile prefills the fields a procedure maps to it, editable.

A business signs up (name, phone, tax code, business name, address) and adds its
owner's date of birth to the profile; a procedure maps six of its fields to profile
keys (and one date field to a text-only key, which must stay empty). The new-dossier
page shows the values in the inputs (server-rendered: the browser runs without
JavaScript); the applicant changes one and saves, and the draft keeps what was on
the page, the change included. axe-core finds nothing serious on the page.
"""

import re
import uuid

import pytest

from services.accounts import domain

from .conftest import ACCEPT, PASSWORD
from .test_accessibility import AXE, violations
from .test_journey import log_in

pytestmark = pytest.mark.e2e


def tax_code():
    body = next(
        f"{n:09d}"
        for n in range(10_000_000, 99_999_999, 7919)
        if domain.mst_check_digit(f"{n:09d}") is not None
    )
    return body + str(domain.mst_check_digit(body))


def business(api, mailbox):
    email = f"prefill-{uuid.uuid4().hex[:10]}@e2e.test"
    body = {
        "kind": "business",
        "full_name": "Nguyễn Thị Hằng",
        "email": email,
        "phone": "0912345670",
        "password": PASSWORD,
        "tax_code": tax_code(),
        "business_name": "Hộ kinh doanh Hằng Nga",
        "address": "12 phố Đội Cấn, phường Ba Đình, Hà Nội",
        "province": "01",
    }
    assert api.post("/api/v1/accounts", json=body).status_code == 201
    text = mailbox.wait_for(email)[0].get_body(("plain", "html")).get_content()
    token = re.search(r"/activate\?token=([\w.-]+)", text).group(1)
    assert api.post("/api/v1/accounts/activate", json={"token": token}).ok
    login = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    me = api.as_user(login.json()["token"])
    changed = me.patch("/api/v1/accounts/me", json={"date_of_birth": "1988-03-09"})
    assert changed.status_code == 200, changed.text
    return email, body


def mapped_procedure(agency):
    code = f"PF{uuid.uuid4().hex[:6].upper()}"
    fields = [
        ("owner_name", "Họ tên chủ hộ", "text", "full_name"),
        ("owner_born", "Ngày sinh chủ hộ", "date", "date_of_birth"),
        ("owner_phone", "Điện thoại", "text", "phone"),
        ("shop_name", "Tên hộ kinh doanh", "text", "business_name"),
        ("shop_tax", "Mã số thuế", "text", "tax_code"),
        ("shop_address", "Địa chỉ", "textarea", "address"),
        ("opened", "Ngày bắt đầu", "date", "tax_code"),  # wrong type: not filled
        ("lines", "Ngành nghề", "textarea", None),
    ]
    body = dict(
        agency.procedure_body(),
        code=code,
        name=f"Đăng ký hộ kinh doanh {code}",
        documents=[
            {"slot": "giay_to", "name": "Giấy tờ", "required": False,
             "accept": ACCEPT, "max_count": 2},
        ],
        form={"fields": [
            dict({"name": n, "label": lbl, "type": t}, **({"profile": p} if p else {}))
            for n, lbl, t, p in fields
        ]},
    )  # fmt: skip
    resp = agency.operator.post("/api/v1/procedures", json=body)
    assert resp.status_code == 201, resp.text
    shown = agency.operator.get(f"/api/v1/procedures/{code}?province=01").json()
    assert shown["form"]["fields"][0]["profile"] == "full_name"
    return code


def test_profile_prefills_the_mapped_fields_and_they_stay_editable(
    browser, stack, api, mailbox, agency, shots
):
    email, profile = business(api, mailbox)
    code = mapped_procedure(agency)
    page = browser.new_context(java_script_enabled=False).new_page()
    log_in(page, stack.url, email)
    page.goto(f"{stack.url}/ho-so/moi?thu_tuc={code}")
    shots(page, "new-dossier-prefilled")
    assert page.locator("#prefilled").is_visible()
    expected = {
        "owner_name": profile["full_name"],
        "owner_born": "1988-03-09",
        "owner_phone": profile["phone"],
        "shop_name": profile["business_name"],
        "shop_tax": profile["tax_code"],
        "shop_address": profile["address"],
        "opened": "",
        "lines": "",
    }
    shown = {name: page.input_value(f"#f-form-{name}") for name in expected}
    assert shown == expected

    page.fill("#f-form-owner_phone", "0987654321")
    page.fill("#f-form-lines", "Bán lẻ tạp hóa")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+/sua\?ok=created"))
    dossier_id = page.url.split("/ho-so/")[1].split("/")[0]
    login = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    saved = api.as_user(login.json()["token"]).get(f"/api/v1/dossiers/{dossier_id}")
    expected.update(owner_phone="0987654321", lines="Bán lẻ tạp hóa")
    assert saved.json()["form"] == {k: v for k, v in expected.items() if v}


def test_nothing_is_prefilled_without_a_mapping_or_for_staff_and_axe_is_clean(
    browser, stack, api, mailbox, agency, shots
):
    email, _ = business(api, mailbox)
    code = mapped_procedure(agency)
    if AXE.is_file():  # the prefilled page, looked at by axe-core
        citizen = browser.new_context(bypass_csp=True).new_page()
        log_in(citizen, stack.url, email)
        citizen.goto(f"{stack.url}/ho-so/moi?thu_tuc={code}")
        assert citizen.locator("#prefilled").is_visible()
        assert violations(citizen) == []
        citizen.goto(f"{stack.url}/ho-so/moi?thu_tuc={agency.procedure}")
        assert citizen.locator("#prefilled").count() == 0  # nothing mapped
    page = browser.new_context().new_page()
    log_in(page, stack.url, agency.staff["desk"])
    page.goto(f"{stack.url}/ho-so/moi?thu_tuc={agency.procedure}")
    shots(page, "new-dossier-staff")
    assert page.locator("#prefilled").count() == 0
    assert page.input_value("#f-form-child_name") == ""
