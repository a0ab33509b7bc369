"""Procedures are versioned per province; holiday calendars start national."""

import uuid

import pytest

from services.shared.errors import ServiceError

from .conftest import FORM, OPERATOR, staff


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


def test_publishes_at_once_get_one_number_each(world):
    """The version's number is read under the procedure's lock: publishing twice at
    once wrote the same number twice (a 500 on the unique key)."""
    from concurrent.futures import ThreadPoolExecutor

    w = world
    current = w.call("get_procedure", OPERATOR, w.code, "01")
    body = {k: current[k] for k in ("name", "level", "processing_days", "agencies")}
    before = current["version"]

    def publish(n):
        edit = dict(body, name=f"Tên {n}", province="01")
        return w.call("update_procedure", OPERATOR, w.code, edit)["version"]

    with ThreadPoolExecutor(4) as pool:
        versions = sorted(pool.map(publish, range(4)))
    assert versions == [before + 1, before + 2, before + 3, before + 4]


def test_a_procedure_province_is_a_province_code(world):
    """A province that is not two digits is refused at its field (the audit trail
    keeps two characters: a longer one was a 500)."""
    with pytest.raises(ServiceError) as exc:
        world.call(
            "create_procedure",
            OPERATOR,
            {"code": "XP1", "name": "x", "level": 1, "processing_days": 1,
             "province": "ABCDEF"},
        )  # fmt: skip
    assert (exc.value.status, list(exc.value.details)) == (422, ["province"])


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


def _procedure(code, **changes):
    body = {
        "code": code,
        "name": "Cấp phép thử",
        "level": 2,
        "processing_days": 1,
        "province": "01",
        "templates": [{"name": "Tờ khai", "url": "/huong-dan/to-khai"}],
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"templates": [{"name": "T", "url": "javascript:alert(1)"}]},
         "templates.0.url"),
        ({"templates": [{"name": "T", "url": " JaVaScRiPt:alert(1)"}]},
         "templates.0.url"),
        ({"templates": [{"name": "T", "url": "data:text/html,<script>"}]},
         "templates.0.url"),
        ({"templates": [{"name": "T", "url": "https://evil.example/x"}]},
         "templates.0.url"),
        ({"templates": [{"name": "T", "url": "//evil.example/x"}]}, "templates.0.url"),
        ({"steps": ["Nộp tại javascript:alert(1)"]}, "steps.0"),
        ({"legal_basis": ["Xem https://evil.example/luat"]}, "legal_basis.0"),
    ],
)  # fmt: skip
def test_procedure_links_to_scripts_data_or_outside_hosts_are_refused(
    world, changes, field
):
    body = _procedure(f"L{uuid.uuid4().hex[:8]}", **changes)
    with pytest.raises(ServiceError) as exc:
        world.call("create_procedure", OPERATOR, body)
    assert (exc.value.code, list(exc.value.details)) == ("LINK_NOT_ALLOWED", [field])


def test_procedure_links_to_the_portal_or_an_allowed_host_are_kept(world):
    templates = [
        {"name": "Hướng dẫn", "url": "/huong-dan/to-khai"},
        {"name": "Mẫu", "url": "https://dichvucong.gov.vn/mau.docx"},
    ]
    body = _procedure(f"L{uuid.uuid4().hex[:8]}", templates=templates)
    created = world.call("create_procedure", OPERATOR, body)
    assert [t["url"] for t in created["templates"]] == [t["url"] for t in templates]


def test_an_allowed_host_of_one_province_is_refused_in_another(world):
    templates = [{"name": "Mẫu", "url": "https://dichvucong.gov.vn/mau.docx"}]
    body = _procedure(f"L{uuid.uuid4().hex[:8]}", templates=templates, province="79")
    with pytest.raises(ServiceError) as exc:
        world.call("create_procedure", OPERATOR, body)
    assert exc.value.code == "LINK_NOT_ALLOWED"


def test_republishing_with_a_javascript_link_is_refused(world):
    code = f"L{uuid.uuid4().hex[:8]}"
    world.call("create_procedure", OPERATOR, _procedure(code))
    bad = _procedure(code, templates=[{"name": "T", "url": "javascript:alert(1)"}])
    with pytest.raises(ServiceError) as exc:
        world.call("update_procedure", OPERATOR, code, bad)
    assert exc.value.code == "LINK_NOT_ALLOWED"


def test_an_anonymous_holiday_read_writes_nothing(world, stack):
    from sqlalchemy import create_engine, text

    from services.shared.caller import ANONYMOUS
    from services.shared.config import database_url

    code = "00"  # two digits, no province: nothing else reads or writes it
    engine = create_engine(database_url("dossiers", stack.env))
    count = text("SELECT count(*) FROM holiday_calendars WHERE province = :p")
    with engine.connect() as conn:
        assert conn.scalar(count, {"p": code}) == 0
    days = world.call("get_holidays", ANONYMOUS, code, 2026)
    assert "2026-02-17" in {h["date"] for h in days}  # the national list
    with engine.connect() as conn:
        assert conn.scalar(count, {"p": code}) == 0  # no calendar was created
    engine.dispose()


def test_a_withdrawn_procedure_is_read_by_its_managers_only(world):
    """Withdrawn, a procedure is not found, except by those who manage it, who get
    its last version and since when (they prepare it, its form templates, before
    publishing it again); a citizen asking for it so is refused."""
    w, code = world, f"WD{uuid.uuid4().hex[:6].upper()}"
    photo = {"slot": "photo", "name": "Ảnh", "required": False}
    body = {"code": code, "province": "01", "name": "Tạm ngừng", "level": 3,
            "processing_days": 3, "fee": 0, "agencies": [w.agency], "form": FORM,
            "documents": [photo]}  # fmt: skip
    w.call("create_procedure", OPERATOR, body)
    w.call("withdraw_procedure", OPERATOR, code, "01")
    for caller in (OPERATOR, w.citizen):
        with pytest.raises(ServiceError) as exc:
            w.call("get_procedure", caller, code, "01")
        assert exc.value.status == 404
    last = w.call("get_procedure", OPERATOR, code, "01", withdrawn=True)
    assert (last["code"], last["version"]) == (code, 1) and last["withdrawn_at"]
    mine = w.call("get_procedure", w.admin, code, None, withdrawn=True)
    assert mine["withdrawn_at"] == last["withdrawn_at"]  # the admin's province
    with pytest.raises(ServiceError) as exc:
        w.call("get_procedure", w.citizen, code, "01", withdrawn=True)
    assert exc.value.status == 403
    offered = w.call("get_procedure", OPERATOR, w.code, "01", withdrawn=True)
    assert "withdrawn_at" not in offered  # one offered now reads as before
