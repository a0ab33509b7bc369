"""The 63 → 34 provincial codes (Nghị quyết 202/2025/QH15)."""

from services.shared import provinces


def test_there_are_34_units_in_force_formed_from_the_63():
    assert len(provinces.in_force()) == 34
    assert len(provinces.before_2025()) == 63
    formed = [c for unit in provinces.in_force().values() for c in unit["formed_from"]]
    assert sorted(formed) == sorted(provinces.before_2025())


def test_every_old_code_maps_to_a_code_in_force():
    for code, old in provinces.before_2025().items():
        assert provinces.current(code) == old["merged_into"]
        assert provinces.current(code) in provinces.in_force()


def test_merged_and_kept_codes():
    assert provinces.current("02") == "08"  # Hà Giang into Tuyên Quang
    assert provinces.current("08") == "08"  # the reused code is in force
    assert provinces.current("01") == "01"
    assert provinces.current("77") == "79"  # Bà Rịa - Vũng Tàu into Hồ Chí Minh
    assert provinces.current("XX") == "XX"


def test_counts_of_old_codes_are_counted_in_their_successor():
    rows = [
        {"key": "02", "count": 3, "overdue": 1},
        {"key": "08", "count": 4, "overdue": 0},
        {"key": "01", "count": 5, "overdue": 2},
    ]
    merged = provinces.merge_counts(rows, ("count", "overdue"))
    assert merged == [
        {"key": "08", "count": 7, "overdue": 1},
        {"key": "01", "count": 5, "overdue": 2},
    ]
