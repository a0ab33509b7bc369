"""A read keeps a province's calendar between calls, yet follows every change of it.

get_dossier reads the calendar's revision with the dossier row and rebuilds the kept
calendar only when it moved: a change committed by another instance (written here
straight into the database, as its `put_holidays` commits it) and one made through
this service are both seen by the next read.
"""

import datetime as dt

from sqlalchemy import text

from .conftest import OPERATOR, staff
from .test_deadlines import days_ago, db, set_row  # noqa: F401 - the fixture

PROVINCE = "47"  # no other test gives this province a calendar


def test_a_read_follows_a_calendar_changed_on_any_instance(world, db):  # noqa: F811
    d = world.received()
    set_row(db, "dossiers", d["id"], received_at=days_ago(20), province=PROVINCE)
    before = world.call("get_dossier", OPERATOR, d["id"])
    assert before["deadline_state"] == "overdue" and before["days_late"] > 0
    assert world.call("get_dossier", OPERATOR, d["id"]) == before  # kept: the same

    # Another instance makes every day of the last four weeks a holiday.
    today = dt.date.today()
    days = [today - dt.timedelta(days=n) for n in range(28)]
    with db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO holiday_calendars (province, seeded_at, revision)"
                " VALUES (:p, now(), 1)"
            ),
            {"p": PROVINCE},
        )
        conn.execute(
            text("INSERT INTO holidays (province, day, name) VALUES (:p, :d, 'Nghỉ')"),
            [{"p": PROVINCE, "d": day} for day in days],
        )
    during = world.call("get_dossier", OPERATOR, d["id"])
    assert during["deadline_state"] != "overdue" and during["days_late"] == 0

    # This instance takes them away again through the service.
    admin = staff("province_admin", "X", province=PROVINCE)
    for year in sorted({day.year for day in days}):
        assert world.call("put_holidays", admin, PROVINCE, year, []) == []
    after = world.call("get_dossier", OPERATOR, d["id"])
    assert after["deadline_state"] == "overdue"
    assert after["days_late"] == before["days_late"]
