"""The 63 provincial codes before 1 July 2025 and the 34 after (Nghị quyết
202/2025/QH15; data and sources in `services/shared/data/`).

History and statistics count a record filed under an old code in the unit it became
part of: `current(code)` maps any code, old or new, to a code in force (a code
still in force maps to itself; an unknown one is returned unchanged).
"""

import csv
import functools
from pathlib import Path

DATA = Path(__file__).with_name("data")


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def in_force():
    """{code: {name, name_en, kind, formed_from: [old codes]}} of the 34 units."""
    return {
        row["code"]: {
            "name": row["name_vi"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "formed_from": [part.split()[0] for part in row["formed_from"].split(";")],
        }
        for row in _rows("provinces-2025.csv")
    }


@functools.cache
def before_2025():
    """{old code: {name, name_en, valid_to, merged_into}} of the 63 units."""
    return {
        row["code"]: {
            "name": row["name_vi"],
            "name_en": row["name_en"],
            "valid_to": row["valid_to"] or None,
            "merged_into": row["merged_into_code"],
        }
        for row in _rows("provinces-before-2025.csv")
    }


def current(code):
    """The code in force for `code`: itself when in force, else its successor.

    The 23 reused codes (e.g. 08 Tuyên Quang) are in force: a record filed under
    one of them counts in the new unit of that code, which it became part of.
    """
    if code in in_force():
        return code
    old = before_2025().get(code)
    return old["merged_into"] if old else code


def merge_counts(rows, keys=("count",)):
    """Rows keyed by province code, old codes counted in their successor (summing
    `keys`); order: largest count first, then code."""
    merged = {}
    for row in rows:
        code = current(row["key"])
        into = merged.setdefault(code, {"key": code, **{k: 0 for k in keys}})
        for k in keys:
            into[k] += row.get(k) or 0
    return sorted(merged.values(), key=lambda r: (-r.get("count", 0), r["key"]))


def province_label(value):
    """A province code as a metrics label: codes are short; anything else is
    'none' (labels stay bounded)."""
    text = str(value or "")
    return text if text and len(text) <= 8 and text.isalnum() else "none"
