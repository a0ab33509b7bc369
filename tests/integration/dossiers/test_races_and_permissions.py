"""Receipt numbers under concurrency, competing officers, the permission matrix."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from gateway.rpc import RpcPool
from services.shared.errors import ServiceError

from .conftest import PROVINCE, citizen, staff


def test_50_concurrent_receptions_get_unique_gap_free_numbers(world, stack):
    w = world
    ids = [w.submitted(citizen())["id"] for _ in range(50)]
    pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=10, timeout=60)

    def receive(dossier_id):
        return pool.call(
            "dossiers",
            "act",
            w.desk,
            dossier_id,
            "receive",
            department=w.department,
        )["receipt_number"]

    try:
        with ThreadPoolExecutor(max_workers=10) as executor:
            numbers = list(executor.map(receive, ids))
    finally:
        pool.close()
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequences == list(range(1, 51))
    assert len({n.rsplit("-", 1)[0] for n in numbers}) == 1


def test_two_officers_at_once_one_wins_nothing_half_applied(world, stack):
    w = world
    d = w.received()
    pool = RpcPool(stack.env["PORTAL_AMQP_URI"], size=2, timeout=30)
    moves = [
        (w.officer, "send_for_approval", {}),
        (w.officer2, "request_supplement", {"note": "Thiếu giấy tờ"}),
    ]

    def attempt(move):
        who, action, extra = move
        try:
            return pool.call(
                "dossiers",
                "act",
                who,
                d["id"],
                action,
                expected_version=d["version"],
                **extra,
            )
        except ServiceError as exc:
            return exc

    try:
        with ThreadPoolExecutor(max_workers=2) as executor:
            results = list(executor.map(attempt, moves))
    finally:
        pool.close()
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, ServiceError)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].code == "CONCURRENT_UPDATE" and losses[0].status == 409
    now = w.call("get_dossier", w.admin, d["id"])
    assert now["status"] == wins[0]["status"]
    assert now["version"] == d["version"] + 1
    history = w.call("history", w.admin, d["id"])
    assert [h["action"] for h in history].count("request_supplement") + [
        h["action"] for h in history
    ].count("send_for_approval") == 1


def error_of(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ServiceError as exc:
        return exc.status, exc.code
    return 200, None


def test_permission_matrix(world):
    w = world
    d = w.submitted()
    other_province = staff("admin", w.agency, province="79")
    other_department = staff("officer", w.agency, "KHAC")
    assert error_of(w.call, "get_dossier", other_province, d["id"])[1] == (
        "DOSSIER_NOT_FOUND"
    )
    assert error_of(w.call, "get_dossier", citizen(), d["id"])[0] == 404
    # the officer does not see a dossier not yet given to his department
    assert error_of(w.call, "get_dossier", w.officer, d["id"])[0] == 404
    assert error_of(w.act, w.citizen, d["id"], "receive", department="PTP")[0] == 403
    assert error_of(w.act, w.leader, d["id"], "approve")[0] == 404
    assert error_of(w.act, w.desk, d["id"], "approve")[0] == 403
    assert error_of(w.act, w.desk, d["id"], "send_for_approval")[0] == 403
    d = w.act(w.desk, d["id"], "receive", department=w.department)
    assert error_of(w.act, w.leader, d["id"], "approve") == (409, "INVALID_TRANSITION")
    assert error_of(w.act, other_department, d["id"], "send_for_approval")[0] == 404
    assert error_of(w.act, w.citizen, d["id"], "cancel", reason="x")[0] == 403
    assert error_of(w.call, "get_dossier", w.officer, d["id"]) == (200, None)
    assert error_of(w.call, "get_dossier", w.citizen, d["id"]) == (200, None)
    province_admin = staff("province_admin", "OTHER", province=PROVINCE)
    assert error_of(w.call, "get_dossier", province_admin, d["id"]) == (200, None)


def test_receive_with_unknown_department_is_refused(world):
    w = world
    d = w.submitted()
    status, _ = error_of(w.act, w.desk, d["id"], "receive", department="KHONGCO")
    pytest.importorskip("services.accounts.tenancy")
    assert status == 422
    assert w.call("get_dossier", w.desk, d["id"])["receipt_number"] is None
