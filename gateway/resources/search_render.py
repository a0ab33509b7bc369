"""Render search lists and dashboard groups as CSV, XLSX, printable HTML and SVG.

Charts are plain SVG drawn on the server from a Jinja2 template: no JavaScript, so
they print, embed in e-mails and pass the strict Content-Security-Policy unchanged.
"""

import csv
import io

from jinja2 import Environment
from openpyxl import Workbook

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
ATTENTION_COLUMNS = GROUP_COLUMNS + (
    ("due_soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
)
LINE_GROUPS = ("month", "overdue_series")

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

SVG = _env.from_string(
    """<svg xmlns="http://www.w3.org/2000/svg" width="{{ w }}" height="{{ h }}" \
viewBox="0 0 {{ w }} {{ h }}" role="img" aria-label="{{ title }}" \
font-family="sans-serif" font-size="11">
<title>{{ title }}</title>
<text x="{{ w / 2 }}" y="16" text-anchor="middle" font-size="14">{{ title }}</text>
<line x1="{{ left }}" y1="{{ base }}" x2="{{ w - 10 }}" y2="{{ base }}" stroke="#333"/>
{% if line %}
<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="\
{% for p in points %}{{ p.x }},{{ p.y }} {% endfor %}"/>
{% endif %}
{% for p in points %}
{% if not line %}
<rect x="{{ p.x - bar / 2 }}" y="{{ p.y }}" width="{{ bar }}" \
height="{{ base - p.y }}" fill="#1f5fa8"/>
{% else %}
<circle cx="{{ p.x }}" cy="{{ p.y }}" r="3" fill="#1f5fa8"/>
{% endif %}
<text x="{{ p.x }}" y="{{ p.y - 4 }}" text-anchor="middle">{{ p.value }}</text>
<text x="{{ p.x }}" y="{{ base + 14 }}" text-anchor="middle">{{ p.label }}</text>
{% endfor %}
</svg>
"""
)

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
    return ATTENTION_COLUMNS if group.startswith("attention_") else GROUP_COLUMNS


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


def to_svg(group, rows, title, width=720, height=320):
    """Draw rows ({key, count}) as a bar chart, or a line for time series."""
    left, top, base = 40, 30, height - 30
    rows = [r for r in rows if isinstance(r.get("count"), int | float)]
    peak = max((r["count"] for r in rows), default=0) or 1
    step = (width - left - 20) / max(len(rows), 1)
    points = [
        {
            "x": round(left + step * (i + 0.5), 1),
            "y": round(base - (base - top - 12) * r["count"] / peak, 1),
            "value": r["count"],
            "label": str(r["key"])[:16],
        }
        for i, r in enumerate(rows)
    ]
    return SVG.render(
        w=width,
        h=height,
        left=left,
        base=base,
        bar=round(step * 0.6, 1),
        points=points,
        line=group in LINE_GROUPS,
        title=title,
    )
