"""Paper dossier pages with a fake RPC pool: claim, public lookup, desk on behalf."""

import re

from services.dossiers.exceptions import ClaimRefused, TooManyClaims
from services.shared.errors import Unavailable

from .conftest import (
    CITIZEN,
    DESK,
    PROCEDURE,
    FakeRpc,
    make_client,
    session_cookies,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def claim(fake, body):
    cookies, csrf = session_cookies()
    return make_client(fake).simulate_post(
        "/ho-so/nhan-ho-so-giay", body=f"csrf_token={csrf}&{body}", headers=FORM,
        cookies=cookies,
    )  # fmt: skip


def test_claim_sends_the_receipt_number_and_code_and_opens_the_dossier():
    fake = FakeRpc(caller=CITIZEN)
    fake.answers[("dossiers", "claim_dossier")] = lambda *a, **kw: {"id": "d-9"}
    resp = claim(fake, "receipt_number=A-261201-0001&access_code=K7M2-QX9P")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/ho-so/d-9?ok=claimed"
    sent = fake.called("claim_dossier")[0][2][1]
    assert sent == {"receipt_number": "A-261201-0001", "access_code": "K7M2-QX9P"}


def test_a_refused_claim_is_shown_at_the_receipt_number():
    fake = FakeRpc(caller=CITIZEN)
    fake.answers[("dossiers", "claim_dossier")] = ClaimRefused(
        "The dossier could not be claimed",
        {"claim": ["claim_mismatch"]},
    )
    resp = claim(fake, "receipt_number=A-1&national_id=001090123456")
    assert resp.status_code == 422
    assert 'href="#f-receipt_number"' in resp.text
    assert 'id="f-receipt_number-error"' in resp.text and "không khớp" in resp.text


def test_too_many_claims_say_so_without_a_number_of_seconds():
    fake = FakeRpc(caller=CITIZEN)
    fake.answers[("dossiers", "claim_dossier")] = TooManyClaims(
        "Too many attempts", {"retry_after": ["3600"]}, params={"seconds": 3600}
    )
    resp = claim(fake, "receipt_number=A-1&access_code=X")
    assert "quá nhiều lần" in resp.text and "3600" not in resp.text


def test_the_claim_page_needs_a_login():
    resp = make_client(FakeRpc()).simulate_get("/ho-so/nhan-ho-so-giay")
    assert resp.status_code in (302, 303)


def test_anyone_looks_up_status_and_appointment_and_is_offered_the_claim():
    fake = FakeRpc()
    fake.answers[("dossiers", "lookup")] = {
        "receipt_number": "A-261201-0001",
        "status": "processing",
        "appointment_date": "2026-12-04",
    }
    resp = make_client(fake).simulate_get("/tra-cuu", params={"so": "A-261201-0001"})
    assert resp.status_code == 200
    assert "Đang xử lý" in resp.text and "04/12/2026" in resp.text
    assert 'href="/ho-so/nhan-ho-so-giay?so=A-261201-0001"' in resp.text


def test_the_desk_completes_a_supplemented_paper_dossier_for_its_applicant():
    fake = FakeRpc(caller=DESK)
    dossier = dict(fake.answers[("dossiers", "get_dossier")])
    dossier.update(
        paper=True, status="supplement_requested", actions=["cancel", "submit"],
        access_code="K7M2QX9P",
    )  # fmt: skip
    fake.answers[("dossiers", "get_dossier")] = dossier
    cookies, _ = session_cookies()
    resp = make_client(fake).simulate_get("/can-bo/ho-so/d-1", cookies=cookies)
    assert 'id="supplement-on-behalf" href="/ho-so/d-1/sua"' in resp.text
    assert 'id="access-code">K7M2QX9P<' in resp.text


def test_the_paper_form_asks_for_the_applicants_id_and_sends_no_account():
    fake = FakeRpc(caller=DESK)
    fake.answers[("accounts", "list_agencies")] = [{"code": "UBX", "name": "UBND X"}]
    fake.answers[("dossiers", "register_paper_dossier")] = lambda *a, **kw: {
        "id": "d-2"
    }
    cookies, csrf = session_cookies()
    client = make_client(fake)
    page = client.simulate_get(
        "/can-bo/ho-so-giay", params={"thu_tuc": "1.001193"}, cookies=cookies
    )
    assert 'id="f-applicant-national_id"' in page.text
    body = (
        f"csrf_token={csrf}&procedure=1.001193&kind=citizen&full_name=L%C3%AA+C"
        "&national_id=001090123456&phone=0912345678&department=TP"
        "&form.full_name=C&id=someone"
    )
    resp = client.simulate_post(
        "/can-bo/ho-so-giay", body=body, headers=FORM, cookies=cookies
    )
    assert resp.status_code == 303
    applicant = fake.called("register_paper_dossier")[0][2][1]["applicant"]
    assert applicant == {
        "kind": "citizen",
        "full_name": "Lê C",
        "national_id": "001090123456",
        "phone": "0912345678",
    }


def test_the_desk_picks_a_resolving_agency_of_another_province_by_name():
    """Received here, resolved there: the agency goes with its province; the desk's
    own agency is the default and sends none."""
    fake = FakeRpc(caller=DESK)
    fake.answers[("accounts", "list_agencies")] = lambda *a, **kw: [
        {"code": "UBX", "name": "UBND X"},
        {"code": "HCM-1", "name": "UBND phường Sài Gòn"},
    ]
    fake.answers[("dossiers", "register_paper_dossier")] = {"id": "d-3"}
    fake.answers[("dossiers", "get_procedure")] = dict(
        PROCEDURE, province="79", agencies=["HCM-1"]
    )
    cookies, csrf = session_cookies()
    client = make_client(fake)
    page = client.simulate_get(
        "/can-bo/ho-so-giay", params={"thu_tuc": "1.001193", "tinh": "79"},
        cookies=cookies,
    )  # fmt: skip
    assert 'id="f-agency"' in page.text and "UBND phường Sài Gòn" in page.text
    assert "UBND X<" not in page.text  # only the agencies the procedure lists
    assert 'name="province" value="79"' in page.text
    assert fake.called("list_procedures")[-1][3] == {"province": "79"}
    body = (
        f"csrf_token={csrf}&procedure=1.001193&province=79&agency=HCM-1"
        "&kind=citizen&full_name=L%C3%AA+C&national_id=001090123456"
        "&phone=0912345678&form.full_name=C"
    )
    resp = client.simulate_post(
        "/can-bo/ho-so-giay", body=body, headers=FORM, cookies=cookies
    )
    assert resp.status_code == 303
    sent = fake.called("register_paper_dossier")[-1][2][1]
    assert (sent["agency"], sent["province"], sent["department"]) == (
        "HCM-1", "79", None)  # fmt: skip
    fake.answers[("dossiers", "get_procedure")] = PROCEDURE
    resp = client.simulate_post(
        "/can-bo/ho-so-giay", body=body.replace("HCM-1", "UBX") + "&department=TP",
        headers=FORM, cookies=cookies,
    )  # fmt: skip
    sent = fake.called("register_paper_dossier")[-1][2][1]
    assert "agency" not in sent and sent["department"] == "TP"


def province_options(html):
    """(group id or None, code) of the paper page's province options, in order."""
    select = html.split('<select id="tinh"')[1].split("</select>")[0]
    found, group = [], None
    for piece in re.split(r"(?=<optgroup|<option)", select):
        if piece.startswith("<optgroup"):
            group = re.search(r'id="([\w-]+)"', piece).group(1)
        elif piece.startswith("<option"):
            found.append((group, re.search(r'value="(\d+)"', piece).group(1)))
    return found


# The national catalogue: 79's is received anywhere, 48's only by its own agency.
ELSEWHERE = [
    PROCEDURE,
    dict(PROCEDURE, province="79", agencies=[{"code": "HCM-1", "name": "UBND"}]),
    dict(PROCEDURE, province="48", agencies=["DN-1"], received_elsewhere=False),
]


def paper_page(fake, **params):
    cookies, _ = session_cookies()
    return make_client(fake).simulate_get(
        "/can-bo/ho-so-giay", params=params, cookies=cookies
    )


def test_the_paper_page_offers_only_the_provinces_the_desk_may_receive_from():
    """The whole catalogue read: its own province first, then 79; not 48 (its
    procedure stays with its own agency) nor a province without procedures."""
    fake = FakeRpc(caller=dict(DESK, province="96"))
    fake.answers[("search", "search_procedures")] = {"items": ELSEWHERE, "total": 3}
    options = province_options(paper_page(fake).text)
    assert options == [(None, "96"), (None, "01"), (None, "79")]
    asked = fake.called("search_procedures")[0][2][1:]
    assert asked == (None, "96", 1, 100)
    # a province asked for is shown even with nothing to receive
    assert (None, "48") in province_options(paper_page(fake, tinh="48").text)


def test_a_larger_catalogue_puts_those_provinces_first_and_keeps_the_others():
    fake = FakeRpc(caller=DESK)
    fake.answers[("search", "search_procedures")] = {"items": ELSEWHERE, "total": 900}
    options = province_options(paper_page(fake).text)
    first = [code for group, code in options if group == "provinces-receivable"]
    assert first == ["01", "79"]
    others = [code for group, code in options if group == "provinces-other"]
    assert "48" in others and "96" in others and len(options) == 34


def test_while_search_is_down_the_catalogue_list_decides_what_comes_first():
    """Without search (and without JavaScript) the page still works."""
    fake = FakeRpc(caller=dict(DESK, agency="DN-1", province="48"))
    fake.answers[("search", "search_procedures")] = Unavailable("down", {})
    fake.answers[("dossiers", "list_procedures")] = ELSEWHERE
    resp = paper_page(fake)
    assert resp.status_code == 200
    options = province_options(resp.text)
    first = [code for group, code in options if group == "provinces-receivable"]
    assert first == ["48", "01", "79"]  # its own agency receives 48's
    assert len(options) == 34
    national = [c[3] for c in fake.called("list_procedures") if c[3].get("national")]
    assert national == [{"province": "48", "national": True}]


def test_the_paper_page_lists_only_the_procedures_the_desk_may_receive():
    """Of another province's catalogue, a procedure received only by its own agency
    is not listed (the service would answer 422); named by hand, the page says so
    and shows no form. The desk's own agency is listed by it: there, it is."""
    anywhere = dict(PROCEDURE, province="48", agencies=["DN-1"])
    own_only = dict(anywhere, code="2.000048", received_elsewhere=False)
    fake = FakeRpc(caller=DESK)
    fake.answers[("dossiers", "list_procedures")] = [anywhere, own_only]
    fake.answers[("dossiers", "get_procedure")] = own_only

    def listed(resp):
        select = resp.text.split('<select id="thu_tuc"')[1].split("</select>")[0]
        return re.findall(r'value="([\d.]+)"', select)

    assert listed(paper_page(fake, tinh="48")) == ["1.001193"]
    named = paper_page(fake, tinh="48", thu_tuc="2.000048")
    assert named.status_code == 200 and 'id="not-receivable"' in named.text
    assert 'class="form"' not in named.text
    fake = FakeRpc(caller=dict(DESK, agency="DN-1", province="48"))
    fake.answers[("dossiers", "list_procedures")] = [anywhere, own_only]
    assert listed(paper_page(fake, tinh="48")) == ["1.001193", "2.000048"]
