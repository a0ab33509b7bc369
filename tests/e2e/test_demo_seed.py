"""The demo seeder, small, on the test stack: the history it plays is the history the
services keep, index and count, back-dated, and a second run adds nothing.

`deploy/local/seed.py`'s areas run as `deploy/local/up` runs them (accounts, the
catalogue, then the history), with 36 stories over 30 days instead of ~2,400 over
91. Then, for every status, the number of stories that end in it must be what the
dossiers service lists, what the search index finds and what both statistics
(`dossiers.stats`, `search.dashboard`) count; the deadline states of the index and
of the service's statistics agree; the first step of each story is the moment its
dossier was stamped with, so nothing is dated today.
"""

import datetime as dt
import os
import time

import pytest

from deploy.local import seed_accounts, seed_dossiers, seed_history
from gateway.rpc import RpcPool
from services.shared.caller import SYSTEM

pytestmark = pytest.mark.e2e
STORIES, DAYS = 36, 30


@pytest.fixture(scope="module")
def seeded(stack):
    rpc = RpcPool(stack.env["PORTAL_AMQP_URI"], size=seed_history.WORKERS, timeout=60)
    ctx = {"users": []}
    # the sink's folder, and this stack's links in it (not another stack's)
    kept = ("PORTAL_MAIL_DIR", "PORTAL_PUBLIC_URL")
    previous = {name: os.environ.get(name) for name in kept}
    os.environ.update({name: stack.env[name] for name in kept})
    # the demo's payments are confirmed with the run's merchant secret
    os.environ["PORTAL_PAYMENT_SECRET"] = stack.env["PORTAL_PAYMENT_SECRET"]
    try:
        seed_accounts.seed(rpc, ctx)
        seed_dossiers.seed(rpc, ctx)
        started = time.monotonic()
        stories = seed_history.seed(rpc, ctx, count=STORIES, days_back=DAYS)
        ctx["seconds"] = time.monotonic() - started
        yield rpc, ctx, stories
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        rpc.close()


def expected(ctx, stories):
    """Final status → count, leaving out stories a step of which was refused."""
    stopped = {index for index, _, _ in ctx["history_errors"]}
    assert not stopped, ctx["history_errors"]
    counts = {}
    for story in stories:
        counts[story.final] = counts.get(story.final, 0) + 1
    return counts


def listed(rpc, agency):
    counts = {}
    page = 1
    while True:
        query = {"agency": agency, "page": page, "page_size": 200}
        found = rpc.call("dossiers", "list_dossiers", SYSTEM, query)
        for item in found["items"]:
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        if page * 200 >= found["total"]:
            return counts, found["total"]
        page += 1


def indexed(rpc, agency, want, timeout=60):
    """The search index's board once its status counts are `want` (or time is up).

    The index follows the events: a dossier is there from its first one, its last
    status a moment after the seeder's last step, so the counts, not the total, are
    what is waited for."""
    deadline = time.monotonic() + timeout
    while True:
        board = rpc.call("search", "dashboard", SYSTEM, {"agency": agency},
                         ["status", "deadline_state"])  # fmt: skip
        if buckets(board, "status") == want or time.monotonic() > deadline:
            return board
        time.sleep(0.5)


def buckets(board, group):
    return {b["key"]: b["count"] for b in board["groups"][group] if b["count"]}


def test_history_is_what_the_services_keep_index_and_count(seeded):
    rpc, ctx, stories = seeded
    assert len(stories) >= STORIES * 0.9  # a story planned after now is dropped
    want = expected(ctx, stories)
    assert len(want) >= 4, want  # several states, not one
    counts, total = listed(rpc, ctx["agency"])
    assert counts == want
    assert total == sum(want.values())
    board = indexed(rpc, ctx["agency"], want)
    assert buckets(board, "status") == want
    stats = rpc.call("dossiers", "stats", SYSTEM, group_by="status",
                     agency=ctx["agency"])  # fmt: skip
    assert {k: v for k, v in stats_counts(stats).items() if v} == want
    # the seeder's closing sweep re-announces what time moved (on time → overdue);
    # the index takes those events in a moment
    live, board = agreeing_deadlines(rpc, ctx["agency"])
    assert buckets(board, "deadline_state") == live
    assert live.get("overdue") and live.get("completed_on_time"), live


def agreeing_deadlines(rpc, agency, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        stats = rpc.call("dossiers", "stats", SYSTEM, group_by="deadline_state",
                         agency=agency)  # fmt: skip
        live = {k: v for k, v in stats_counts(stats).items() if v and k}
        board = rpc.call("search", "dashboard", SYSTEM, {"agency": agency},
                         ["deadline_state"])  # fmt: skip
        if buckets(board, "deadline_state") == live or time.monotonic() > deadline:
            return live, board
        time.sleep(0.5)


def stats_counts(stats):
    rows = stats.get("items", stats) if isinstance(stats, dict) else stats
    return {row["key"]: row["count"] for row in rows}


def test_each_dossier_is_stamped_with_its_story_s_moments(seeded):
    rpc, _, stories = seeded
    today = dt.datetime.now(dt.UTC).date()
    first = min(s.steps[0][0] for s in stories)
    assert (today - first.date()).days >= DAYS // 2
    for story in stories[:12]:
        dossier = rpc.call("dossiers", "get_dossier", SYSTEM, story.dossier_id)
        lines = rpc.call("dossiers", "history", SYSTEM, story.dossier_id)
        moments = [s[0] for s in story.steps if s[2] in ("register_paper", "submit")]
        stamped = dt.datetime.fromisoformat(dossier["submitted_at"])
        assert abs(stamped - moments[0]) < dt.timedelta(seconds=1)
        for line in lines:
            assert dt.datetime.fromisoformat(line["at"]) <= story.steps[-1][0] + (
                dt.timedelta(days=1)
            )
        assert dossier["status"] == story.final


def test_a_second_run_adds_nothing(seeded):
    rpc, ctx, _ = seeded
    before = listed(rpc, ctx["agency"])[1]
    assert seed_history.seed(rpc, dict(ctx, users=[]), count=STORIES) == []
    assert listed(rpc, ctx["agency"])[1] == before
