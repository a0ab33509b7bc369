"""Fees paid online through the real adapter against the local provider simulator
(deploy/local/payment_simulator.py, started by tests/stack.py): the callback, not
the browser's return, decides; each callback is applied once; forged, replayed,
wrong-amount and unknown callbacks change nothing."""

import datetime as dt
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from services.shared.clock import VN_TZ
from services.shared.config import database_url
from services.shared.errors import ServiceError

from .conftest import FORM, OPERATOR, PROVINCE, World, staff

pytestmark = pytest.mark.integration
FEE = 10000


def level4(world, rule):
    """A level-4 procedure of the world's agency with this fee rule."""
    code = f"{world.code}F{rule.get('due', 's')[0]}{rule['kind'][0]}"
    world.call(
        "create_procedure",
        OPERATOR,
        {
            "code": code, "province": PROVINCE, "name": "Đăng ký thường trú",
            "level": 4, "processing_days": 3, "agencies": [world.agency],
            "form": FORM, "fee_rule": rule,
        },
    )  # fmt: skip
    return code


def draft(world, code, form=None):
    return world.call(
        "create_dossier",
        world.citizen,
        {"procedure": code, "agency": world.agency, "province": PROVINCE,
         "form": form or {"full_name": "Nguyễn Văn Bình", "copies": 2}},
    )  # fmt: skip


class Provider:
    """The simulator's pages and test controls."""

    def __init__(self, stack):
        self.url = stack.payment_url

    def mode(self, ipn, delay=1.0):
        requests.post(f"{self.url}/_control/mode", json={"ipn": ipn, "delay": delay},
                      timeout=5).raise_for_status()  # fmt: skip

    def pay(self, redirect_url, outcome="success"):
        """Open the payment page and press a button; the browser's return URL."""
        page = requests.get(redirect_url, timeout=10)
        assert page.status_code == 200, page.text
        ref = dict(parse_qsl(urlsplit(redirect_url).query))["vnp_TxnRef"]
        form = {"ref": ref, "outcome": outcome}
        done = requests.post(
            f"{self.url}/paymentv2/pay", data=form, allow_redirects=False, timeout=20
        )
        assert done.status_code == 303
        return done.headers["Location"]

    def ipn(self, ref, **options):
        got = requests.post(f"{self.url}/_control/ipn", json={"ref": ref, **options},
                            timeout=20)  # fmt: skip
        got.raise_for_status()
        return got.json()["answer"]["RspCode"]

    def transaction(self, ref):
        found = requests.get(f"{self.url}/_control/transactions", timeout=5).json()
        return next(t for t in found if t["ref"] == ref)


@pytest.fixture
def provider(stack):
    simulator = Provider(stack)
    simulator.mode("now")
    yield simulator
    simulator.mode("now")


def start(world, dossier):
    started = world.call("start_payment", world.citizen, dossier["id"])
    assert (
        started["payment"]["amount"] == FEE and started["payment"]["state"] == "pending"
    )
    params = dict(parse_qsl(urlsplit(started["redirect_url"]).query))
    assert params["vnp_Amount"] == str(FEE * 100)
    return started, params["vnp_TxnRef"]


def get(world, dossier):
    return world.call("get_dossier", world.citizen, dossier["id"])


def test_a_fee_rule_must_fit_the_form(rpc):
    world = World(rpc)
    with pytest.raises(ServiceError) as exc:
        level4(world, {"kind": "by_field", "field": "nope", "amounts": {"1": 5}})
    assert (
        exc.value.code == "VALIDATION_ERROR" and "fee_rule.field" in exc.value.details
    )


def kept_callbacks(stack, ref):
    """{outcome: count} of the callbacks the service kept for a reference."""
    engine = create_engine(database_url("dossiers", stack.env), pool_size=1)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT outcome, count(*) FROM payment_callbacks WHERE ref = :r"
                     " GROUP BY outcome"), {"r": ref},
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    return dict(rows)


def test_the_callback_not_the_return_submits_and_nothing_applies_twice(
    rpc, provider, stack
):
    world = World(rpc)
    code = level4(world, {"kind": "fixed", "amount": FEE, "due": "submission"})
    dossier = world.call("submit_dossier", world.citizen, draft(world, code)["id"])
    assert (dossier["status"], dossier["payment_state"]) == ("draft", "due")
    assert dossier["fee_amount"] == FEE
    started, ref = start(world, dossier)

    provider.mode("none")  # the provider's callback has not come yet
    back = provider.pay(started["redirect_url"])
    shown = world.call("payment_return", None, dict(parse_qsl(urlsplit(back).query)))
    assert shown["verified"] and shown["provider_success"]
    assert shown["payment_state"] == "pending"  # the browser's word decides nothing
    assert get(world, dossier)["status"] == "draft"

    assert provider.ipn(ref, forge=True) == "97"
    assert provider.ipn(ref, amount=str(FEE * 10)) == "04"
    assert provider.ipn("261201NOSUCHREF") == "01"
    assert get(world, dossier)["payment_state"] == "pending"

    assert provider.ipn(ref) == "00"
    paid = get(world, dossier)
    assert (paid["status"], paid["payment_state"]) == ("waiting_reception", "paid")
    assert provider.ipn(ref) == "02"  # replayed
    assert provider.ipn(ref, response_code="24") == "02"  # a stale failure
    again = get(world, dossier)
    assert again["version"] == paid["version"] and again["payment_state"] == "paid"
    assert kept_callbacks(stack, ref) == {
        "invalid_signature": 1, "invalid_amount": 1, "confirmed": 1,
        "already_confirmed": 2,
    }  # fmt: skip
    history = [h["action"] for h in world.call("history", world.citizen, dossier["id"])]
    assert history.count("submit") == 1 and "payment_paid" in history
    received = world.act(world.desk, dossier["id"], "receive", department="PTP")
    assert received["status"] == "processing"


def test_a_late_or_duplicated_callback_is_applied_once(rpc, provider):
    world = World(rpc)
    code = level4(world, {"kind": "fixed", "amount": FEE})
    dossier = world.call("submit_dossier", world.citizen, draft(world, code)["id"])
    started, ref = start(world, dossier)
    provider.mode("late", delay=1.0)
    provider.pay(started["redirect_url"])
    assert get(world, dossier)["payment_state"] == "pending"
    deadline = time.monotonic() + 20
    while get(world, dossier)["payment_state"] != "paid":
        assert time.monotonic() < deadline, "the late callback was not applied"
        time.sleep(0.2)
    assert provider.transaction(ref)["ipn_answers"][-1]["RspCode"] == "00"

    second = draft(world, code)
    second = world.call("submit_dossier", world.citizen, second["id"])
    started, ref = start(world, second)
    provider.mode("twice")
    provider.pay(started["redirect_url"])
    answers = [a["RspCode"] for a in provider.transaction(ref)["ipn_answers"]]
    assert answers == ["00", "02"]
    assert get(world, second)["status"] == "waiting_reception"


def test_a_failed_payment_may_be_paid_again(rpc, provider):
    world = World(rpc)
    code = level4(world, {"kind": "fixed", "amount": FEE})
    dossier = world.call("submit_dossier", world.citizen, draft(world, code)["id"])
    started, ref = start(world, dossier)
    provider.pay(started["redirect_url"], outcome="cancel")
    assert get(world, dossier)["payment_state"] == "failed"
    started, second = start(world, dossier)
    assert second != ref
    provider.pay(started["redirect_url"])
    assert get(world, dossier)["payment_state"] == "paid"
    payments = world.call("list_payments", world.citizen, dossier["id"])
    assert [p["state"] for p in payments] == ["failed", "paid"]


def test_an_older_attempt_confirmed_late_is_kept_and_flagged(rpc, provider):
    world = World(rpc)
    code = level4(world, {"kind": "fixed", "amount": FEE})
    dossier = world.call("submit_dossier", world.citizen, draft(world, code)["id"])
    first, old_ref = start(world, dossier)
    requests.get(first["redirect_url"], timeout=10).raise_for_status()
    second, new_ref = start(world, dossier)  # a second tab, paid first
    provider.pay(second["redirect_url"])
    paid = get(world, dossier)
    assert paid["payment_state"] == "paid"
    provider.mode("none")
    provider.pay(first["redirect_url"])
    assert provider.ipn(old_ref) == "00"  # the money was taken: kept, not refused
    assert get(world, dossier)["version"] == paid["version"]  # the dossier as it was
    admin = staff("province_admin", world.agency)
    today = dt.datetime.now(VN_TZ).date().isoformat()
    rows = {
        r["ref"]: r for r in world.call("reconcile_payments", admin, today)["items"]
    }
    assert rows[old_ref]["duplicate"] and rows[new_ref]["duplicate"]


def test_a_fee_due_at_the_end_holds_the_return_until_paid(rpc, provider):
    world = World(rpc)
    table = {"1": 5000, "2": FEE}
    rule = {"kind": "by_field", "field": "copies", "amounts": table, "due": "result"}
    code = level4(world, rule)
    dossier = world.call("submit_dossier", world.citizen, draft(world, code)["id"])
    assert (dossier["status"], dossier["payment_state"]) == ("waiting_reception", "due")
    world.act(world.desk, dossier["id"], "receive", department="PTP")
    # a level-4 result is drafted before approval (and signed by it)
    rpc.call("files", "draft_result", world.officer, dossier["id"], {})
    world.act(world.officer, dossier["id"], "send_for_approval")
    world.act(world.leader, dossier["id"], "approve")
    with pytest.raises(ServiceError) as exc:
        world.act(world.desk, dossier["id"], "return_result")
    assert exc.value.code == "PAYMENT_REQUIRED" and exc.value.status == 409
    started, _ = start(world, dossier)
    provider.pay(started["redirect_url"])
    done = world.act(world.desk, dossier["id"], "return_result")
    assert (done["status"], done["payment_state"]) == ("completed", "paid")


def test_refund_and_reconciliation_against_the_providers_books(rpc, provider, mailbox):
    world = World(rpc)
    code = level4(world, {"kind": "fixed", "amount": FEE})
    dossier = world.call("submit_dossier", world.citizen, draft(world, code)["id"])
    started, ref = start(world, dossier)
    provider.pay(started["redirect_url"])
    # the receipt (biên lai): rendered by the files service, mailed by notify
    mail = mailbox.wait_for(world.citizen["email"], subject_contains="lệ phí")[0]
    (receipt,) = list(mail.iter_attachments())
    assert receipt.get_filename().startswith("bien-lai-")
    assert receipt.get_content().startswith(b"%PDF")
    kept = rpc.call("files", "list_files", world.citizen, dossier["id"])
    assert [f["name"] for f in kept] == [receipt.get_filename()]  # on their page too
    admin = staff("province_admin", world.agency)
    today = dt.datetime.now(VN_TZ).date().isoformat()
    rows = {
        r["ref"]: r for r in world.call("reconcile_payments", admin, today)["items"]
    }
    assert rows[ref]["agrees"] and rows[ref]["provider_state"] == "paid"

    with pytest.raises(ServiceError) as exc:
        world.call("refund_payment", world.desk, dossier["id"], {"reason": "x"})
    assert exc.value.status == 403
    refunded = world.call(
        "refund_payment", admin, dossier["id"], {"reason": "Nộp nhầm thủ tục"}
    )
    assert (
        refunded["state"] == "refunded"
        and provider.transaction(ref)["status"] == "refunded"
    )
    assert get(world, dossier)["payment_state"] == "refunded"
    rows = {
        r["ref"]: r for r in world.call("reconcile_payments", admin, today)["items"]
    }
    assert rows[ref]["agrees"] and rows[ref]["provider_state"] == "refunded"
    with pytest.raises(ServiceError) as exc:
        world.call("refund_payment", admin, dossier["id"], {"reason": "again"})
    assert exc.value.code == "PAYMENT_NOT_REFUNDABLE"
