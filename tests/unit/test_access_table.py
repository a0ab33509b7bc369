"""The access matrix's table reader: groups, order, gaps, and what it refuses."""

import pytest

from tests.e2e.access_table import cells, filled, path_of

TABLE = {
    "roles": ["owner", "desk", "anonymous"],
    "groups": {"people": ["owner", "desk"]},
    "variants": {"draft": {"dossier_id": "draft_id"}},
    "routes": {
        "/api/v1/dossiers/{dossier_id}": {
            "GET": {"default": 404, "people": [200, 404], "owner": 200},
            "GET draft": {
                "default": 404,
                "desk": {"expect": 404, "known_gap": "the desk reads drafts"},
            },
        },
        "/api/v1/provinces/{code}/holidays/{year:int(4)}": {
            "params": {"code": "province"},
            "PUT": {"json": {"holidays": "{days}"}, "default": 403},
        },
    },
}


def by_id(table=TABLE):
    return {c.id: c for c in cells(table)}


def test_later_keys_override_earlier_ones_and_groups_expand():
    found = by_id()
    assert found["GET /api/v1/dossiers/{dossier_id} as owner"].expect == {200}
    assert found["GET /api/v1/dossiers/{dossier_id} as desk"].expect == {200, 404}
    assert found["GET /api/v1/dossiers/{dossier_id} as anonymous"].expect == {404}


def test_a_known_gap_keeps_its_reason_and_the_intended_answer():
    cell = by_id()["GET /api/v1/dossiers/{dossier_id} (draft) as desk"]
    assert cell.known_gap == "the desk reads drafts" and cell.expect == {404}
    assert (
        by_id()["GET /api/v1/dossiers/{dossier_id} (draft) as owner"].known_gap is None
    )


def test_writes_default_to_phase_one_and_reads_to_phase_zero():
    found = by_id()
    assert found["GET /api/v1/dossiers/{dossier_id} as owner"].request["phase"] == 0
    put = "PUT /api/v1/provinces/{code}/holidays/{year:int(4)} as desk"
    assert found[put].request["phase"] == 1


def test_paths_are_filled_from_params_variants_and_names():
    values = {"dossier_id": "D1", "draft_id": "D2", "province": "01", "year": 2026}
    found = by_id()
    assert path_of(found["GET /api/v1/dossiers/{dossier_id} as desk"], values) == (
        "/api/v1/dossiers/D1"
    )
    draft = found["GET /api/v1/dossiers/{dossier_id} (draft) as desk"]
    assert path_of(draft, values) == "/api/v1/dossiers/D2"
    holidays = found["PUT /api/v1/provinces/{code}/holidays/{year:int(4)} as desk"]
    assert path_of(holidays, values) == "/api/v1/provinces/01/holidays/2026"


def test_a_body_string_naming_one_value_takes_the_value_itself():
    values = {"days": [{"date": "2026-09-02"}], "code": "X1"}
    assert filled({"holidays": "{days}", "name": "Mẫu {code}"}, values) == {
        "holidays": [{"date": "2026-09-02"}],
        "name": "Mẫu X1",
    }


def test_a_role_left_without_an_answer_is_refused():
    table = dict(TABLE, routes={"/healthz": {"GET": {"owner desk": 200}}})
    with pytest.raises(ValueError, match="anonymous"):
        cells(table)


def test_an_unknown_role_is_refused():
    table = dict(TABLE, routes={"/healthz": {"GET": {"default": 200, "clerk": 403}}})
    with pytest.raises(ValueError, match="clerk"):
        cells(table)
