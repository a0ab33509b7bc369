"""Procedures are versioned per province; holiday calendars start national."""

import pytest

from services.shared.errors import ServiceError

from .conftest import OPERATOR, staff


def test_procedure_update_publishes_a_new_version_and_old_dossiers_keep_theirs(world):
    w = world
    d = w.draft()
    body = w.call("get_procedure", OPERATOR, w.code, "01")
    body = {
        k: body[k]
        for k in ("name", "level", "processing_days", "agencies", "form", "documents")
    }
    updated = w.call(
        "update_procedure", OPERATOR, w.code, dict(body, name="Tên mới", province="01")
    )
    assert updated["version"] == 2
    assert w.call("get_dossier", w.citizen, d["id"])["procedure"]["version"] == 1
    listed = w.call("list_procedures", {"kind": "anonymous"}, "01", w.agency)
    assert [p["name"] for p in listed if p["code"] == w.code] == ["Tên mới"]


def test_only_admins_manage_procedures(world):
    with pytest.raises(ServiceError) as exc:
        world.call(
            "create_procedure",
            world.desk,
            {"code": "X1", "name": "x", "level": 1, "processing_days": 1},
        )
    assert exc.value.status == 403


def test_duplicate_procedure_code_conflicts(world):
    with pytest.raises(ServiceError) as exc:
        world.call(
            "create_procedure",
            OPERATOR,
            {
                "code": world.code,
                "name": "x",
                "level": 1,
                "processing_days": 1,
                "province": "01",
            },
        )
    assert exc.value.code == "PROCEDURE_EXISTS"


def test_holidays_seeded_nationally_and_editable_per_province(world):
    days = world.call("get_holidays", world.desk, "44", 2026)
    assert "2026-02-17" in {h["date"] for h in days}
    admin = staff("province_admin", "X", province="44")
    new = [
        {"date": "2026-02-17", "name": "Tết"},
        {"date": "2026-11-24", "name": "Ngày Văn hóa"},
    ]
    saved = world.call("put_holidays", admin, "44", 2026, new)
    assert [h["date"] for h in saved] == ["2026-02-17", "2026-11-24"]
    assert "2026-11-24" not in {
        h["date"] for h in world.call("get_holidays", world.desk, "45", 2026)
    }
    with pytest.raises(ServiceError) as exc:
        world.call("put_holidays", admin, "01", 2026, new)
    assert exc.value.status == 403


def test_seed_loads_the_seven_procedures_idempotently(rpc):
    from deploy.local import seed_dossiers

    ctx = {"province": "46", "agency": "SEEDAG"}
    codes = seed_dossiers.seed(rpc, ctx)
    assert seed_dossiers.seed(rpc, ctx) == codes and len(codes) == 7
    listed = rpc.call("dossiers", "list_procedures", OPERATOR, "46", "SEEDAG")
    assert {p["code"] for p in listed} == set(codes)
    birth = rpc.call("dossiers", "get_procedure", OPERATOR, "1.001193", "46")
    assert birth["after_15h_next_working_day"] is True
    assert "Đăng ký khai sinh" in birth["name"]
