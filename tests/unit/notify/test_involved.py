"""Who of the staff involved is told of a comment or task change (pure rules)."""

from services.notify import domain
from services.notify.samples import DOSSIER

URL = "http://portal.test"


def person(user_id, role="officer", department="TP", **extra):
    return {
        "id": user_id,
        "kind": "staff",
        "roles": [role],
        "province": DOSSIER["province"],
        "agency": DOSSIER["agency"],
        "department": department,
        "email": f"{user_id}@x.vn",
        "full_name": user_id,
        "status": "active",
    } | extra


def comment_event(internal=True, author="o1"):
    return {
        "event_id": "e" * 36,
        "dossier": DOSSIER,
        "comment": {"body": "Ghi chú", "internal": internal, "author": {"id": author}},
    }


def told(planned):
    return [p.recipient for p in planned]


def test_everyone_in_scope_but_the_author_is_told_once():
    users = [person("o1"), person("l1", "leader"), person("o2")]
    planned = domain.plan_involved("comment", comment_event(), URL, users)
    assert told(planned) == ["l1@x.vn", "o2@x.vn"]
    assert all(p.key == "work_activity" and p.user_id for p in planned)
    assert len({p.event_key("e" * 36) for p in planned}) == 2
    assert planned[0].link == f"{URL}/can-bo/ho-so/{DOSSIER['id']}"


def test_an_internal_note_never_reaches_an_applicant_or_another_department():
    applicant = {
        "id": "c1",
        "kind": "citizen",
        "roles": ["citizen"],
        "email": "c1@x.vn",
        "status": "active",
    }
    users = [applicant, person("o3", department="KT"), person("l1", "leader")]
    planned = domain.plan_involved("comment", comment_event(), URL, users)
    assert told(planned) == ["l1@x.vn"]


def test_a_task_change_reaches_only_who_sees_the_task():
    event = {
        "event_id": "f" * 36,
        "dossier": DOSSIER,
        "actor": {"id": "l1"},
        "task": {"id": 1, "title": "T", "assignee": "o1", "created_by": "l1",
                 "status": "open"},
        "edits": [{"field": "status", "old": "open", "new": "done"}],
    }  # fmt: skip
    users = [person("o1"), person("o2"), person("l1", "leader"), person("l2", "leader")]
    planned = domain.plan_involved("task_updated", event, URL, users)
    # o2 is an officer: the rule shows him his own tasks only
    assert told(planned) == ["o1@x.vn", "l2@x.vn"]


def test_inactive_or_mailless_staff_and_those_skipped_are_not_told():
    users = [
        person("o2", status="disabled"),
        person("o3", email=None),
        person("l1", "leader"),
    ]
    planned = domain.plan_involved("comment", comment_event(), URL, users, ["l1"])
    assert planned == []
