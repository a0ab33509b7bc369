"""The demo history's plan (deploy/local/history.py): deterministic, in time order,
on working days, never after now, and every life the workflow allows."""

import datetime as dt

from deploy.local import history
from services.dossiers import domain

TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
HOLIDAY = dt.date(2026, 11, 20)
PROCEDURES = [
    {"code": f"P{days}", "name": "Thủ tục", "processing_days": days, "level": level,
     "department": "TPHT", "documents": [],
     "form": {"fields": [
         {"name": "ho_ten", "type": "text", "required": True, "profile": "full_name"},
         {"name": "ngay", "type": "date", "required": True},
         {"name": "loai", "type": "select", "required": True, "options": ["A", "B"]},
     ]}}
    for days, level in ((0, 3), (3, 2), (10, 4))
]  # fmt: skip


def planned(count=600, seed=7):
    days = history.Days(TODAY - dt.timedelta(91), TODAY, [HOLIDAY])
    return history.plan(seed, PROCEDURES, days, count, NOW, online_share=0.2)


def test_the_same_seed_gives_the_same_history():
    first, again = planned(), planned()
    assert [(s.applicant, s.steps) for s in first] == [
        (s.applicant, s.steps) for s in again
    ]
    assert [s.steps for s in planned(seed=8)] != [s.steps for s in first]


def test_steps_are_in_time_order_before_now_and_start_on_working_days():
    for story in planned():
        moments = [step[0] for step in story.steps]
        assert moments == sorted(moments) and moments[-1] <= NOW
        start = moments[0].astimezone(history.VN_TZ).date()
        assert start.weekday() < 5 and start != HOLIDAY


def test_every_story_is_a_path_the_workflow_allows():
    moves = {"create": None, "register_paper": None, "resubmit": "submit",
             "receive_again": "receive"}  # fmt: skip
    for story in planned():
        state = None
        for _, _, action, _ in story.steps:
            if action not in history.STATUS_AFTER:
                continue
            if action in ("create", "register_paper"):
                state = history.STATUS_AFTER[action]
                continue
            move = domain.find(state, moves.get(action, action))
            assert move is not None, (story.index, state, action)
            assert move.target == history.STATUS_AFTER[action]
            state = move.target
        assert state == story.final


def test_the_history_has_every_state_and_online_only_where_allowed():
    stories = planned(count=2000)
    assert {s.outcome for s in stories} == set(history.OUTCOMES)
    assert set(history.tally(stories)) == {
        "completed", "cancelled", "rejected", "supplement_requested",
        "waiting_reception", "processing", "pending_approval", "approved",
    }  # fmt: skip
    assert all(s.procedure["level"] >= 3 for s in stories if s.online)
    assert any(a == "resubmit" for s in stories for _, _, a, _ in s.steps)


def test_form_values_fill_required_fields_and_take_the_applicant_s_profile():
    story = planned(count=5)[0]
    values = history.form_values(__import__("random").Random(1), PROCEDURES[0],
                                 story.applicant)  # fmt: skip
    assert values["ho_ten"] == story.applicant["full_name"]
    assert values["loai"] in ("A", "B")
    dt.date.fromisoformat(values["ngay"])


def test_a_result_delivered_online_is_drafted_before_it_goes_for_approval():
    drafted = 0
    for story in planned():
        actions = [step[2] for step in story.steps]
        if "send_for_approval" not in actions:
            continue
        needed = domain.needs_signed_result(story.procedure["level"], not story.online)
        before = actions[: actions.index("send_for_approval")]
        assert ("draft_result" in before) == needed, (story.index, actions)
        drafted += needed
    assert drafted > 0
