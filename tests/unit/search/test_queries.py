"""Pure query building: scope per role, filter validation, documents, dashboards."""

import pytest

from services.contracts.search import FiltersSchema, PagingSchema
from services.search import dashboards, mapping, queries
from services.search.exceptions import InvalidFilter
from services.search.service import _validated
from services.shared import visibility

PROVINCE, AGENCY, DEPT = "01", "SO-TP", "HT"


def caller(role, **extra):
    base = {
        "user_id": "u1",
        "kind": "staff",
        "roles": [role],
        "province": PROVINCE,
        "agency": AGENCY,
        "department": DEPT,
    }
    base.update(extra)
    return base


def flatten(clause):
    return repr(clause)


SUBMITTED = {"exists": {"field": "submitted_at"}}


def test_citizen_scope_is_own_dossiers_only():
    clause = queries.scope_clause(caller("citizen", kind="citizen"))
    assert clause == {"term": {"owner": "u1"}}


def test_citizen_without_user_id_sees_nothing():
    clause = queries.scope_clause({"kind": "citizen", "roles": ["citizen"]})
    assert clause == queries.NOTHING


def test_officer_scope_is_department_or_his_tasks_within_agency():
    text = flatten(queries.scope_clause(caller("officer")))
    for part in ("'province': '01'", "'agency': 'SO-TP'", "'department': 'HT'"):
        assert part in text
    assert "'assignees': 'u1'" in text


@pytest.mark.parametrize("role", ["desk", "admin"])
def test_desk_and_admin_scope_is_their_agency_never_drafts(role):
    text = flatten(queries.scope_clause(caller(role)))
    assert "'province': '01'" in text and "'agency': 'SO-TP'" in text
    assert "'department'" not in text
    assert flatten(SUBMITTED) in text


def test_province_admin_scope_is_the_province():
    text = flatten(queries.scope_clause(caller("province_admin")))
    assert "'province': '01'" in text and "'agency'" not in text


def test_operator_sees_every_submitted_dossier_and_the_system_all():
    operator = caller("operator", kind="operator")
    assert flatten(queries.scope_clause(operator)).count("'term'") == 1  # own only
    assert flatten(SUBMITTED) in flatten(queries.scope_clause(operator))
    assert queries.scope_clause({"kind": "operator", "roles": ["system"]}) is None


def test_staff_without_province_sees_only_their_own():
    clause = queries.scope_clause(caller("desk", province=None))
    assert clause == {"term": {"owner": "u1"}}


def test_unknown_filter_is_invalid_filter_with_field_details():
    with pytest.raises(InvalidFilter) as info:
        _validated((FiltersSchema(), {"colour": "red"}), (PagingSchema(), {}))
    assert info.value.code == "INVALID_FILTER"
    assert "colour" in info.value.details


def test_bad_status_date_and_page_are_reported_together():
    with pytest.raises(InvalidFilter) as info:
        _validated(
            (FiltersSchema(), {"status": "flying", "submitted_from": "31/12"}),
            (PagingSchema(), {"page": 0, "sort": "colour"}),
        )
    assert {"status", "submitted_from", "page", "sort"} <= set(info.value.details)


def test_reversed_date_range_is_invalid():
    with pytest.raises(InvalidFilter) as info:
        _validated(
            (
                FiltersSchema(),
                {"submitted_from": "2025-02-01", "submitted_to": "2025-01-01"},
            ),
        )
    assert "submitted_to" in info.value.details


def test_comma_separated_filters_become_terms():
    filters, paging = _validated(
        (FiltersSchema(), {"status": "processing,completed"}),
        (PagingSchema(), {"sort": "time_left", "page": "2", "page_size": "10"}),
    )
    body = queries.search_body(caller("operator"), filters, paging)
    assert {"terms": {"status": ["processing", "completed"]}} in body["query"]["bool"][
        "filter"
    ]
    assert body["from"] == 10
    assert body["sort"][0] == {"appointment_date": {"order": "asc", "missing": "_last"}}


def test_document_keeps_only_listed_fields():
    snapshot = {
        "id": "d1",
        "applicant": {"id": "u1", "kind": "citizen", "full_name": "A", "email": "a@x"},
        "national_id": "001099012345",
        "procedure": {"code": "P1", "name": "Khai sinh", "version": 1, "form": {}},
        "assignees": ["o1"],
    }
    doc = mapping.document_from(snapshot)
    assert "national_id" not in doc
    assert "email" not in doc["applicant"]
    assert doc["applicant"]["full_name"] == "A"
    assert doc["procedure"] == {"code": "P1", "name": "Khai sinh", "version": 1}


def test_the_event_version_is_the_top_level_one():
    assert mapping.version_of({"version": 5, "dossier": {"version": 4}}) == 5


def test_on_time_rate_is_on_time_over_completed():
    agg = {"buckets": {"on_time": {"doc_count": 3}, "late": {"doc_count": 1}}}
    assert dashboards.read_group("on_time_rate", agg)["rate"] == 0.75


def test_on_time_rate_without_completed_dossiers_is_none():
    agg = {"buckets": {"on_time": {"doc_count": 0}, "late": {"doc_count": 0}}}
    assert dashboards.read_group("on_time_rate", agg)["rate"] is None


# --- the dashboards' scope: own work for officers and the desk ------------------
def _dossier(**fields):
    base = {
        "province": PROVINCE,
        "agency": AGENCY,
        "department": DEPT,
        "owner": "c1",
        "assignees": [],
        "submitted_at": "2026-03-02T08:00:00+00:00",
        "received_by": None,
    }
    base.update(fields)
    return base


MINE = _dossier(assignees=["u1"], received_by="u1")
COLLEAGUES = _dossier(assignees=["u2"], received_by="u2")
OTHER_DEPT = _dossier(department="KT", assignees=["u2"], received_by="u2")
OTHER_AGENCY = _dossier(agency="SO-KH", department="KT", received_by="u2")
OTHER_PROVINCE = _dossier(province="79", agency="X", department="Y")
DRAFT = _dossier(submitted_at=None, assignees=["u1"], received_by="u1")
RECORDS = [MINE, COLLEAGUES, OTHER_DEPT, OTHER_AGENCY, OTHER_PROVINCE, DRAFT]


def _seen(who):
    predicate = queries.stats_predicate(who)
    return [r for r in RECORDS if visibility.matches(predicate, r)]


@pytest.mark.parametrize(
    "who, expected",
    [
        (caller("officer"), [MINE]),  # assigned to him, not his department's others
        (caller("desk"), [MINE]),  # received by him
        (caller("leader"), [MINE, COLLEAGUES]),  # his department
        (caller("admin"), [MINE, COLLEAGUES, OTHER_DEPT]),  # the agency
        (
            caller("province_admin"),
            [MINE, COLLEAGUES, OTHER_DEPT, OTHER_AGENCY],
        ),
        (
            caller("operator"),
            [MINE, COLLEAGUES, OTHER_DEPT, OTHER_AGENCY, OTHER_PROVINCE],
        ),
    ],
    ids=["officer", "desk", "leader", "admin", "province_admin", "operator"],
)
def test_each_role_counts_its_own_scope(who, expected):
    assert _seen(who) == expected


def test_officer_assigned_outside_his_department_counts_that_work():
    elsewhere = _dossier(department="KT", assignees=["u1"])
    predicate = queries.stats_predicate(caller("officer"))
    assert visibility.matches(predicate, elsewhere)


def test_own_work_needs_a_user_and_a_role_that_has_one():
    assert _seen(caller("officer", user_id=None)) == []
    assert queries.own_work(caller("citizen")) == visibility.NONE


def test_the_stats_scope_renders_as_an_engine_clause():
    clause = queries.stats_scope_clause(caller("desk"))
    assert {"term": {"received_by": "u1"}} in clause["bool"]["filter"]
    assert queries.stats_scope_clause(caller("system")) is None
