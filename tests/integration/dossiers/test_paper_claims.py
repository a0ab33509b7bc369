"""Paper dossiers the citizen can follow and the desk can supplement (issue 11, item 5).

Claims run against real accounts (the national ID on the claimant's own account is
read from accounts `get_user`), and the desk's resubmission through the real workflow.
"""

import random
import uuid

import pytest

from services.shared.errors import ServiceError

from .conftest import PROVINCE, citizen

PASSWORD = "Portal-Claim-2026"


def refused(call, *args, **kwargs):
    with pytest.raises(ServiceError) as excinfo:
        call(*args, **kwargs)
    return excinfo.value


def national_id():
    """A valid CCCD: Hà Nội (001), a man born in 1990, a random serial."""
    return f"00109{random.randrange(10**7):07d}"


def account(rpc, number):
    """A real citizen account with this national ID; its caller dict."""
    email = f"claim-{uuid.uuid4().hex[:10]}@dossiers.test"
    body = {
        "kind": "citizen",
        "full_name": "Phạm Thị Lan",
        "email": email,
        "phone": "0912345678",
        "password": PASSWORD,
        "national_id": number,
        "province": PROVINCE,
    }
    created = rpc.call("accounts", "register", {"kind": "anonymous"}, body)
    return dict(citizen(), user_id=created["id"], email=email)


def paper(world, number):
    body = {
        "procedure": world.code,
        "department": world.department,
        "applicant": {"full_name": "Phạm Thị Lan", "national_id": number,
                      "email": f"{uuid.uuid4().hex[:8]}@example.test"},
        "form": {"full_name": "Phạm Thị Lan", "copies": 1},
    }  # fmt: skip
    return world.call("register_paper_dossier", world.desk, body)


def claim(world, who, receipt, **proof):
    return world.call("claim_dossier", who, dict(proof, receipt_number=receipt))


def test_the_slip_code_makes_the_dossier_the_claimants(world):
    w = world
    d = paper(w, national_id())
    holder = citizen()
    assert refused(w.call, "get_dossier", holder, d["id"]).code == "DOSSIER_NOT_FOUND"
    code = d["access_code"]
    typed = f"{code[:4].lower()}-{code[4:]}"  # as read from the slip
    mine = claim(w, holder, d["receipt_number"], access_code=typed)
    assert mine["id"] == d["id"] and mine["applicant"]["id"] == holder["user_id"]
    assert "access_code" not in mine
    assert w.call("get_dossier", holder, d["id"])["status"] == "processing"
    assert [h["action"] for h in w.call("history", holder, d["id"])][-1] == "claim"
    listed = w.call("list_dossiers", holder, {})["items"]
    assert [x["id"] for x in listed] == [d["id"]]
    # claiming again is harmless; the code is spent for everyone else
    assert claim(w, holder, d["receipt_number"], access_code=code)["id"] == d["id"]
    err = refused(claim, w, citizen(), d["receipt_number"], access_code=code)
    assert err.code == "CLAIM_REFUSED"
    assert "access_code" not in w.call("get_dossier", w.desk, d["id"])


def test_the_national_id_claims_only_for_the_account_holding_it(world):
    w = world
    number = national_id()
    d = paper(w, number)
    stranger = account(w.rpc, national_id())
    err = refused(claim, w, stranger, d["receipt_number"], national_id=number)
    assert (err.code, list(err.details)) == ("CLAIM_REFUSED", ["claim"])
    owner = account(w.rpc, number)
    mine = claim(w, owner, d["receipt_number"], national_id=number)
    assert mine["applicant"]["id"] == owner["user_id"]


def test_every_wrong_claim_answers_the_same_and_they_are_limited(world):
    w = world
    d = paper(w, national_id())
    online = w.received()
    guesser = citizen()
    attempts = [
        (d["receipt_number"], {"access_code": "AAAAAAAA"}),
        ("NO-SUCH-RECEIPT", {"access_code": d["access_code"]}),
        (online["receipt_number"], {"access_code": "AAAAAAAA"}),
        (d["receipt_number"], {"national_id": "001090000000"}),
        (d["receipt_number"], {"access_code": "BBBBBBBB"}),
    ]
    for receipt, proof in attempts:
        err = refused(claim, w, guesser, receipt, **proof)
        assert (err.status, err.code, err.details) == (
            422,
            "CLAIM_REFUSED",
            {"claim": [err.details["claim"][0]]},
        )
    err = refused(claim, w, guesser, d["receipt_number"], access_code=d["access_code"])
    assert (err.status, err.code) == (429, "TOO_MANY_ATTEMPTS")
    assert int(err.details["retry_after"][0]) > 0
    # another account is not held back by the guesser's attempts
    assert claim(w, citizen(), d["receipt_number"], access_code=d["access_code"])


def test_a_claim_needs_one_proof_and_an_applicant_account(world):
    w = world
    d = paper(w, national_id())
    err = refused(claim, w, citizen(), d["receipt_number"])
    assert (err.code, list(err.details)) == ("VALIDATION_ERROR", ["national_id"])
    err = refused(claim, w, w.officer, d["receipt_number"], access_code="X")
    assert err.code == "FORBIDDEN"
    err = refused(claim, w, {"kind": "anonymous"}, d["receipt_number"], access_code="X")
    assert err.code == "UNAUTHENTICATED"


def test_the_desk_supplements_a_paper_dossier_for_its_applicant(world):
    w = world
    d = paper(w, national_id())
    asked = w.act(w.officer, d["id"], "request_supplement", note="Thiếu bản sao")
    assert "submit" in w.call("get_dossier", w.desk, d["id"])["actions"]
    fixed = w.call("update_dossier", w.desk, d["id"], {"form": {"copies": 2}})
    assert fixed["form"]["copies"] == 2
    again = w.call("act", w.desk, d["id"], "submit", expected_version=fixed["version"])
    assert again["status"] == "waiting_reception" and asked["status"] != "processing"
    back = w.act(w.desk, d["id"], "receive", department=w.department)
    assert back["status"] == "processing"
    assert back["receipt_number"] == d["receipt_number"]


def test_the_desk_does_not_submit_an_online_dossier_for_the_citizen(world):
    w = world
    d = w.received()
    w.act(w.officer, d["id"], "request_supplement", note="Thiếu ảnh")
    err = refused(w.act, w.desk, d["id"], "submit")
    assert err.code == "FORBIDDEN"
    err = refused(w.call, "update_dossier", w.desk, d["id"], {"form": {"copies": 2}})
    assert err.code == "FORBIDDEN"
