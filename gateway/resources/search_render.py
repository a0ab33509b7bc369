"""Render search lists and dashboard groups as CSV, XLSX, printable HTML and SVG.

Charts are plain SVG drawn on the server by `gateway/charts.py`: no JavaScript, so
they print, embed in e-mails and pass the strict Content-Security-Policy unchanged.
A group's rows carry the key (for programs) and its label (names, not codes).
"""

import csv
import io

from jinja2 import Environment
from openpyxl import Workbook

from .. import charts

LIST_COLUMNS = (
    ("receipt_number", "Số biên nhận"),
    ("procedure.code", "Mã thủ tục"),
    ("procedure.name", "Thủ tục"),
    ("applicant.full_name", "Người nộp"),
    ("agency", "Cơ quan"),
    ("department", "Phòng ban"),
    ("status", "Trạng thái"),
    ("deadline_state", "Tiến độ"),
    ("days_late", "Số ngày trễ"),
    ("submitted_at", "Ngày nộp"),
    ("appointment_date", "Ngày hẹn trả"),
    ("fee", "Phí"),
)
GROUP_COLUMNS = (("key", "Nhóm"), ("count", "Số hồ sơ"))
# dashboard groups: the key for programs, its name for people
LABELLED_COLUMNS = (("key", "Mã"), ("label", "Tên"), ("count", "Số hồ sơ"))
ATTENTION_COLUMNS = LABELLED_COLUMNS + (
    ("due_soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
)
PERFORMANCE_COLUMNS = LABELLED_COLUMNS + (
    ("completed", "Đã giải quyết"),
    ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"),
    ("rate", "Tỷ lệ đúng hạn"),
    ("overdue", "Quá hạn"),
)
LINE_GROUPS = ("month", "overdue_series", "due_soon_series")

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

HTML = _env.from_string(
    """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
{% if chart %}<div>{{ chart }}</div>{% endif %}
<table border="1" cellspacing="0" cellpadding="4">
<thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></body></html>
"""
)


def _pick(item, dotted):
    for part in dotted.split("."):
        item = (item or {}).get(part) if isinstance(item, dict) else None
    return "" if item is None else item


def table(items, columns):
    """Return (headers, rows) for items under the given (field, header) columns."""
    headers = [header for _, header in columns]
    rows = [[_pick(item, field) for field, _ in columns] for item in items]
    return headers, rows


def group_columns(group):
    if group.startswith("attention_"):
        return ATTENTION_COLUMNS
    if group.startswith("performance_"):
        return PERFORMANCE_COLUMNS
    return GROUP_COLUMNS if group == "on_time_rate" else LABELLED_COLUMNS


def group_rows(group, value):
    """Rows of one dashboard group (the on-time figures become a one-row table)."""
    if isinstance(value, dict):
        return [{"key": k, "count": v} for k, v in value.items()]
    return value


def to_csv(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()  # BOM: Excel opens Vietnamese text as UTF-8


def to_xlsx(headers, rows, title):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(headers, rows, title, chart=None):
    from markupsafe import Markup

    return HTML.render(
        title=title, headers=headers, rows=rows, chart=Markup(chart) if chart else None
    )


def to_svg(group, rows, title):
    """Draw rows ({key, label, count}) as bars, or a line for time series."""
    rows = [r for r in rows if isinstance(r.get("count"), int | float)]
    named = [(r.get("label", r["key"]), r["count"]) for r in rows]
    if group in LINE_GROUPS:
        labels = [label for label, _ in named]
        series = [(title, [count for _, count in named])]
        return charts.lines(f"c-{group}", title, labels, series).svg
    return charts.bars(f"c-{group}", title, named).svg
