"""Administration through the gateway: tenants, staff, API clients, audit, roles."""

import uuid

import pytest

from tests.conftest import Api

from .conftest import PASSWORD, active_citizen, token_of, unique_email


def code(prefix):
    return f"{prefix}.{uuid.uuid4().hex[:6]}.H26"


def test_the_34_provinces_are_seeded_with_official_codes(api):
    body = api.get("/api/v1/provinces").json()
    assert body["total"] == 34
    codes = {p["code"] for p in body["items"]}
    assert {"01", "79", "48", "96"} <= codes and "02" not in codes
    assert api.get("/api/v1/provinces/79").json()["name_en"] == "Ho Chi Minh"
    assert api.get("/api/v1/provinces/02").status_code == 404


def test_operator_is_bootstrapped_from_the_environment(operator):
    me = operator.get("/api/v1/accounts/me").json()
    assert me["kind"] == "operator" and me["roles"] == ["operator"]


@pytest.fixture(scope="module")
def world(stack, operator, events):
    """Two provinces, three agencies, and one user of each role in agency A1."""
    api = Api(stack.url)
    a1, a2, b1 = code("000.01"), code("000.02"), code("000.79")
    for agency, province in ((a1, "01"), (a2, "01"), (b1, "79")):
        resp = operator.post(
            "/api/v1/agencies",
            json={"code": agency, "name": "UBND", "province": province},
        )
        assert resp.status_code == 201, resp.text
    for agency in (a1, a2, b1):
        operator.post(
            "/api/v1/departments",
            json={"code": "TPHT", "name": "Tư pháp", "agency": agency},
        )
    users = {"operator": operator}
    roles = {
        "province_admin": {"province": "01"},
        "admin": {"agency": a1},
        "desk": {"agency": a1},
        "officer": {"agency": a1, "department": "TPHT"},
    }
    for role, place in roles.items():
        email = unique_email(role)
        staff = {
            "email": email,
            "full_name": f"Cán bộ {role}",
            "password": PASSWORD,
            "role": role,
        } | place
        resp = operator.post("/api/v1/staff", json=staff)
        assert resp.status_code == 201, resp.text
        users[role] = Api(stack.url, token_of(api, email))
    users["citizen"] = Api(stack.url, active_citizen(api, events)[1])
    return {"users": users, "same": a1, "sibling": a2, "other": b1}


def create(world, action, target):
    """POST one administrative create aimed at `target` (same|sibling|other)."""
    agency = world[target]
    province = "79" if target == "other" else "01"
    unique = uuid.uuid4().hex[:6]
    bodies = {
        "agency": (
            "/api/v1/agencies",
            {"code": code(f"9{unique[:2]}"), "name": "Cơ quan", "province": province},
        ),
        "department": (
            "/api/v1/departments",
            {"code": f"D{unique}", "name": "Phòng", "agency": agency},
        ),
        "staff": (
            "/api/v1/staff",
            {
                "email": unique_email("new"),
                "full_name": "Cán bộ mới",
                "role": "desk",
                "agency": agency,
            },
        ),
        "api_client": (
            "/api/v1/api-clients",
            {"name": "Hệ thống một cửa", "scopes": ["dossiers:read"], "agency": agency},
        ),
    }
    path, body = bodies[action]
    return path, body


# role → action → (same agency, sibling agency in the same province, other province)
MATRIX = {
    "operator": {
        a: (201, 201, 201) for a in ("agency", "department", "staff", "api_client")
    },
    "province_admin": {
        "agency": (201, 201, 404),
        "department": (201, 201, 404),
        "staff": (201, 201, 404),
        "api_client": (403, 403, 403),
    },
    "admin": {
        "agency": (403, 403, 403),
        "department": (201, 404, 404),
        "staff": (201, 404, 404),
        "api_client": (403, 403, 403),
    },
}
for _role in ("desk", "officer", "citizen"):
    MATRIX[_role] = {
        a: (403, 403, 403) for a in ("agency", "department", "staff", "api_client")
    }
CASES = [
    (role, action, target, statuses[i])
    for role, actions in MATRIX.items()
    for action, statuses in actions.items()
    for i, target in enumerate(("same", "sibling", "other"))
]


@pytest.mark.parametrize("role, action, target, expected", CASES)
def test_permission_matrix(world, role, action, target, expected):
    path, body = create(world, action, target)
    resp = world["users"][role].post(path, json=body)
    assert resp.status_code == expected, resp.text


def test_anonymous_admin_request_answers_401(api):
    resp = api.post(
        "/api/v1/agencies", json={"code": "X1", "name": "X", "province": "01"}
    )
    assert resp.status_code == 401


def test_agency_admin_cannot_grant_a_wider_role(world):
    resp = world["users"]["admin"].post(
        "/api/v1/staff",
        json={
            "email": unique_email("x"),
            "full_name": "X",
            "role": "province_admin",
            "province": "01",
        },
    )
    assert resp.status_code == 403


def test_officer_needs_a_department(world, operator):
    resp = operator.post(
        "/api/v1/staff",
        json={
            "email": unique_email("x"),
            "full_name": "X",
            "role": "officer",
            "agency": world["same"],
        },
    )
    assert resp.status_code == 422
    assert "department" in resp.json()["error"]["details"]


def test_staff_list_is_limited_to_the_callers_scope(world):
    admin_view = world["users"]["admin"].get("/api/v1/staff").json()["items"]
    assert admin_view and {s["agency"] for s in admin_view} == {world["same"]}
    national = world["users"]["operator"].get("/api/v1/staff").json()["items"]
    assert len(national) > len(admin_view)
    assert world["users"]["citizen"].get("/api/v1/staff").status_code == 403


def test_deactivating_staff_of_another_province_answers_404(
    world, stack, operator, api
):
    email = unique_email("far")
    far = operator.post(
        "/api/v1/staff",
        json={
            "email": email,
            "full_name": "X",
            "role": "desk",
            "agency": world["other"],
        },
    ).json()
    resp = world["users"]["province_admin"].post(
        f"/api/v1/staff/{far['id']}/deactivate"
    )
    assert resp.status_code == 404


def test_agency_lists_its_departments(api, world):
    body = api.get(f"/api/v1/agencies/{world['same']}").json()
    assert body["province"] == "01"
    assert "TPHT" in {d["code"] for d in body["departments"]}


def test_duplicate_agency_code_answers_409(operator, world):
    resp = operator.post(
        "/api/v1/agencies", json={"code": world["same"], "name": "X", "province": "01"}
    )
    assert resp.status_code == 409


def test_api_client_gets_a_token_with_its_scopes_and_secret_is_shown_once(
    operator, api, world
):
    created = operator.post(
        "/api/v1/api-clients",
        json={
            "name": "Hệ thống A",
            "scopes": ["dossiers:read", "dossiers:write"],
            "agency": world["same"],
        },
    ).json()
    assert "client_secret" in created
    listed = operator.get("/api/v1/api-clients").json()["items"]
    assert all("client_secret" not in c and "secret_hash" not in c for c in listed)
    resp = api.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
            "scope": "dossiers:read",
        },
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "dossiers:read"
    caller = api.as_user(body["access_token"]).get("/api/v1/sessions/current").json()
    assert caller["kind"] == "client" and caller["agency"] == world["same"]
    assert caller["scopes"] == ["dossiers:read"]


def test_oauth_refuses_wrong_secret_unknown_grant_and_wider_scope(operator, api):
    created = operator.post(
        "/api/v1/api-clients", json={"name": "B", "scopes": ["dossiers:read"]}
    ).json()
    base = {
        "grant_type": "client_credentials",
        "client_id": created["client_id"],
        "client_secret": created["client_secret"],
    }
    wrong = api.post("/api/v1/oauth/token", json=base | {"client_secret": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "INVALID_CLIENT"
    grant = api.post("/api/v1/oauth/token", json=base | {"grant_type": "password"})
    assert grant.json()["error"]["code"] == "UNSUPPORTED_GRANT_TYPE"
    scope = api.post("/api/v1/oauth/token", json=base | {"scope": "dossiers:write"})
    assert scope.status_code == 400
    assert scope.json()["error"]["code"] == "INVALID_SCOPE"


def test_audit_records_logins_failures_and_admin_actions(operator, world):
    items = operator.get("/api/v1/audit?page_size=200").json()["items"]
    actions = {i["action"] for i in items}
    assert {"login", "staff.create", "agency.create"} <= actions
    assert world["users"]["desk"].get("/api/v1/audit").status_code == 403
    scoped = world["users"]["admin"].get("/api/v1/audit?page_size=200").json()["items"]
    assert scoped and all(i["agency"] == world["same"] for i in scoped)


def test_replacing_an_agency_closes_the_old_one_and_keeps_its_history(operator, api):
    old, new = code("000.50"), code("000.51")
    operator.post(
        "/api/v1/agencies", json={"code": old, "name": "UBND cũ", "province": "01"}
    )
    resp = operator.post(
        "/api/v1/agencies",
        json={"code": new, "name": "UBND mới", "province": "01", "replaces": old},
    )
    assert resp.status_code == 201, resp.text
    closed = api.get(f"/api/v1/agencies/{old}").json()
    assert closed["replaced_by"] == new and closed["valid_to"]
    current = {
        a["code"] for a in api.get("/api/v1/agencies?province=01").json()["items"]
    }
    assert new in current and old not in current


def test_staff_of_another_agency_is_not_found_for_an_officer(world, operator):
    far = operator.post(
        "/api/v1/staff",
        json={
            "email": unique_email("far"),
            "full_name": "X",
            "role": "desk",
            "agency": world["sibling"],
        },
    ).json()
    officer = world["users"]["officer"]
    assert officer.get(f"/api/v1/staff?agency={world['sibling']}").json()["items"] == []
    listed = world["users"]["province_admin"].get(
        f"/api/v1/staff?agency={world['sibling']}"
    )
    assert far["id"] in {s["id"] for s in listed.json()["items"]}
