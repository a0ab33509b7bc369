"""The visibility table's meaning, case by case (the three renderings are checked
against each other on generated cases in tests/integration/shared)."""

import datetime as dt

import pytest

from services.shared import visibility

SUBMITTED = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
DOSSIER = {
    "province": "01",
    "agency": "SO-TP",
    "department": "HT",
    "owner": "citizen-1",
    "assignees": [],
    "submitted_at": SUBMITTED,
}


def staff(role, **extra):
    return {
        "kind": "staff",
        "roles": [role],
        "user_id": f"{role}-1",
        "province": "01",
        "agency": "SO-TP",
        "department": "HT",
    } | extra


CITIZEN = {"kind": "citizen", "roles": ["citizen"], "user_id": "citizen-1"}
OTHER_CITIZEN = {"kind": "citizen", "roles": ["citizen"], "user_id": "citizen-2"}


def sees(caller, kind="dossier", **changes):
    return visibility.sees(caller, kind, DOSSIER | changes)


@pytest.mark.parametrize("role", ["desk", "officer", "leader", "admin", "operator"])
def test_a_draft_is_the_applicants_alone(role):
    assert sees(CITIZEN, submitted_at=None)
    assert not sees(staff(role), submitted_at=None)


@pytest.mark.parametrize("kind", ["comment", "history", "file", "slip"])
def test_the_applicant_sees_public_records_never_internal_ones(kind):
    assert sees(CITIZEN, kind, audience="public")
    assert not sees(CITIZEN, kind, audience="internal")
    assert not sees(OTHER_CITIZEN, kind, audience="public")


@pytest.mark.parametrize("kind", ["comment", "history", "file", "slip"])
def test_staff_in_scope_see_both_audiences(kind):
    for audience in visibility.AUDIENCES:
        assert sees(staff("officer"), kind, audience=audience)


def test_tasks_are_never_the_applicants():
    assert not sees(CITIZEN, "task")


@pytest.mark.parametrize("role", ["officer", "desk"])
def test_officers_and_desk_see_their_own_tasks_only(role):
    me = staff(role)
    assert sees(me, "task", assignee=me["user_id"])
    assert sees(me, "task", assignee="someone", created_by=me["user_id"])
    assert not sees(me, "task", assignee="someone", created_by="else")


@pytest.mark.parametrize("role", ["leader", "admin", "province_admin"])
def test_leaders_and_admins_see_every_task_in_scope(role):
    assert sees(staff(role), "task", assignee="someone", created_by="else")


def test_an_officer_sees_his_department_and_what_he_is_assigned_to():
    officer = staff("officer")
    assert not sees(officer, department="OTHER")
    assert sees(officer, department="OTHER", assignees=["officer-1"])
    assert not sees(officer, agency="OTHER-AGENCY", assignees=["officer-1"])


def test_desk_sees_the_agency_province_admin_the_province():
    assert sees(staff("desk"), department="OTHER")
    assert not sees(staff("desk"), agency="OTHER")
    assert sees(staff("province_admin"), agency="OTHER")
    assert not sees(staff("province_admin"), province="79")


def test_api_clients_see_public_records_of_their_scope_only():
    client = {"kind": "client", "roles": [], "province": "01", "agency": "SO-TP"}
    assert sees(client)
    assert sees(client, "file", audience="public")
    assert not sees(client, "file", audience="internal")
    assert not sees(client, submitted_at=None)
    assert not sees(client, agency="OTHER")


# A dossier resolved by SO-TP of province 01, received at the desk of X-79 in 79.
ELSEWHERE = {"receiving_province": "79", "receiving_agency": "X-79"}


def test_both_agencies_staff_see_a_dossier_received_elsewhere():
    there = {"province": "79", "agency": "X-79", "department": "TN"}
    assert sees(staff("desk"), **ELSEWHERE)
    assert sees(staff("desk", **there), **ELSEWHERE)
    assert sees(staff("province_admin", **there), "file", **ELSEWHERE)
    assert sees(staff("desk", **there), "comment", audience="internal", **ELSEWHERE)
    # the receiving agency's department staff work for the resolving agency only
    assert not sees(staff("officer", **there), **ELSEWHERE)
    # a third agency, even of one of the two provinces, does not
    assert not sees(staff("desk", agency="THIRD"), **ELSEWHERE | {"agency": "Y"})
    assert not sees(staff("desk", province="79", agency="THIRD"), **ELSEWHERE)
    client = {"kind": "client", "roles": [], "province": "79", "agency": "X-79"}
    assert sees(client, **ELSEWHERE)


def test_sides_say_which_agency_a_caller_works_for():
    record = DOSSIER | ELSEWHERE
    there = staff("desk", province="79", agency="X-79")
    assert visibility.sides(staff("desk"), record) == {"resolving"}
    assert visibility.sides(there, record) == {"receiving"}
    assert visibility.sides(staff("desk"), DOSSIER | {
        "receiving_province": "01", "receiving_agency": "SO-TP"}
    ) == {"receiving", "resolving"}  # fmt: skip
    assert visibility.sides(staff("desk", agency="THIRD"), record) == set()


def test_anonymous_sees_nothing_and_the_system_everything():
    assert not sees({"kind": "anonymous", "roles": []})
    system = {"kind": "operator", "roles": ["system"]}
    assert sees(system, "file", submitted_at=None, audience="internal")


def test_unknown_predicates_are_refused():
    with pytest.raises(ValueError):
        visibility.matches(("maybe",), {})


def test_identities_staff_in_scope_and_ones_own_never_an_applicants():
    colleague = {"owner": "desk-9", "user_kind": "staff"} | {
        k: DOSSIER[k] for k in ("province", "agency", "department")
    }
    applicant = colleague | {"owner": "citizen-9", "user_kind": "applicant"}
    assert visibility.sees(staff("desk"), "identity", colleague)
    assert not visibility.sees(staff("desk"), "identity", applicant)
    assert not visibility.sees(staff("desk", province="79"), "identity", colleague)
    assert visibility.sees(CITIZEN | {"user_id": "citizen-9"}, "identity", applicant)
    assert not visibility.sees(CITIZEN, "identity", applicant)


def _fields_read(predicate):
    if predicate[0] in ("all", "none"):
        return set()
    if predicate[0] in ("eq", "has", "set"):
        return {predicate[1]}
    return set().union(*(_fields_read(p) for p in predicate[1:]))


@pytest.mark.parametrize(
    "caller",
    [CITIZEN]
    + [staff(role) for role in ("officer", "leader", "desk", "admin")]
    + [staff("province_admin", agency=None, department=None)],
)
def test_a_dossier_part_carries_every_field_the_dossier_rule_reads(caller):
    """Files and the search index copy DOSSIER_SCOPE_FIELDS of a dossier to judge its
    records: the dossier rule must read no field outside them."""
    fields = _fields_read(visibility.rule(caller, "dossier"))
    assert fields and fields <= set(visibility.DOSSIER_SCOPE_FIELDS)
