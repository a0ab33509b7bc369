"""The hash chain's pure rules: stable hashes, and the first broken link named."""

import datetime as dt

from services.shared.audit import GENESIS, entry_hash, verify_rows
from services.shared.audit.__main__ import main, report

AT = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


def chain(count):
    rows, prev = [], GENESIS
    for i in range(1, count + 1):
        row = {
            "id": i,
            "at": AT + dt.timedelta(seconds=i),
            "actor": "u1",
            "action": "dossier.receive",
            "target": f"d{i}",
            "details": {"to": "processing", "from": "waiting_reception"},
            "prev_hash": prev,
        }
        row["hash"] = prev = entry_hash(prev, row)
        rows.append(row)
    return rows


def test_the_hash_ignores_key_order_time_zone_and_the_row_id():
    row = chain(1)[0]
    shuffled = dict(reversed(list(row.items())))
    shuffled["at"] = row["at"].astimezone(dt.timezone(dt.timedelta(hours=7)))
    shuffled["id"] = 99
    assert entry_hash(GENESIS, shuffled) == row["hash"]


def test_an_intact_chain_is_counted_with_its_head():
    rows = chain(4)
    assert verify_rows(rows) == (4, None, rows[-1]["hash"], True)


def test_a_changed_entry_is_the_first_broken_link():
    rows = chain(4)
    rows[1]["details"] = {"to": "completed"}
    assert verify_rows(rows)[:2] == (1, 2)


def test_a_removed_entry_breaks_the_next_one():
    rows = chain(4)
    del rows[2]
    assert verify_rows(rows)[:2] == (2, 4)


def test_swapped_entries_break_at_the_first_of_them():
    rows = chain(4)
    rows[1], rows[2] = rows[2], rows[1]
    assert verify_rows(rows)[:2] == (1, 3)


def test_a_rehashed_entry_still_breaks_its_successor():
    rows = chain(3)
    rows[0]["target"] = "forged"
    rows[0]["hash"] = entry_hash(GENESIS, rows[0])
    assert verify_rows(rows)[:2] == (1, 2)


def test_the_command_tells_usage_and_unreadable_databases_apart(monkeypatch, capsys):
    assert main(["check", "files"]) == 2
    unreachable = "postgresql+psycopg2://nobody:x@127.0.0.1:1/none"
    monkeypatch.setenv("PORTAL_FILES_DB_URL", unreachable)
    assert main(["verify", "files"]) == 3
    assert "ERROR files:" in capsys.readouterr().err


def test_an_anchor_cut_off_the_end_of_the_chain_is_reported():
    rows = chain(4)
    anchor = rows[2]["hash"]
    assert verify_rows(rows, anchor).anchored
    cut = verify_rows(rows[:2], anchor)
    assert cut.broken is None and not cut.anchored


def test_the_command_reports_a_lost_anchor_as_broken(capsys):
    rows = chain(2)
    assert report("files", verify_rows(rows, "f" * 64)) == 1
    assert report("files", verify_rows(rows, rows[1]["hash"])) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("BROKEN files:") and out[1].startswith("OK files: 2 ")
