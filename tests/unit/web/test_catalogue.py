"""The message catalogue is complete and the Vietnamese formats are right."""

import datetime as dt
import re
from pathlib import Path

from gateway.web.render import MESSAGES, fmt_date, fmt_datetime, fmt_number

TEMPLATES = Path(__file__).resolve().parents[3] / "gateway" / "templates"
WEB = Path(__file__).resolve().parents[3] / "gateway" / "web"
KEY = re.compile(r"""_\(\s*'([a-z_.0-9]+)'\s*\)""")
PY_KEY = re.compile(r'"((?:[a-z_]+\.)+[a-z_0-9]+)"')


def test_every_catalogue_entry_has_vietnamese_and_english():
    for key, texts in MESSAGES.items():
        assert len(texts) == 2 and all(t.strip() for t in texts), key


def test_every_label_a_template_uses_is_in_the_catalogue():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(KEY.findall(path.read_text()))
    assert used and not used - set(MESSAGES)


def test_every_catalogue_key_named_in_page_code_exists():
    named = set()
    for path in WEB.glob("*.py"):
        if not path.name.startswith("catalogue"):
            named |= {k for k in PY_KEY.findall(path.read_text()) if "." in k}
    prefixes = {p.split(".")[0] for p in MESSAGES}
    keys = {k for k in named if k.split(".")[0] in prefixes and not k.endswith(".html")}
    assert keys and not keys - set(MESSAGES)


def test_dates_are_day_month_year_and_numbers_use_dots():
    assert fmt_date("2026-03-05") == "05/03/2026"
    assert fmt_date(dt.date(2026, 12, 1), "en") == "01/12/2026"
    assert fmt_datetime("2026-03-05T01:30:00+00:00") == "05/03/2026 08:30"
    assert fmt_number(1234567) == "1.234.567"
    assert fmt_number(1234567, "en") == "1,234,567"
    assert fmt_date(None) == "" and fmt_number(None) == ""
