"""Server-rendered SVG charts: horizontal bars for counts, lines for time series.

Pure functions from labelled values to SVG text, so a chart reads without script,
prints, passes the strict Content-Security-Policy (no inline style: presentation
attributes only) and is unit-tested without a browser. Every chart is an image with a
name and a text alternative: `role="img"` labelled by its `<title>` and `<desc>`, the
`<desc>` listing every value; each bar and point also carries its own `<title>`.
Pages put the same figures in a table next to the chart.
"""

import math
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

COLORS = ("#1f5fa8", "#b3261e", "#2e7d32", "#6a3d9a")
TEXT = "#1b1b1b"
GRID = "#c8c8c8"
LABEL_CHARS = 30

TEMPLATES = Path(__file__).resolve().parent / "templates" / "charts"
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Chart:
    svg: str  # the SVG document (also valid inline in HTML)
    desc: str  # the text alternative, every value named


def _short(text, size=LABEL_CHARS):
    text = str(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def _describe(title, items, fmt):
    if not items:
        return f"{title}: —"
    return f"{title}: " + "; ".join(f"{label}: {fmt(value)}" for label, value in items)


def nice_top(peak):
    """The axis maximum: 1, 2 or 5 times a power of ten, at least `peak`."""
    if peak <= 0:
        return 1
    power = 10 ** math.floor(math.log10(peak))
    for step in (1, 2, 5, 10):
        if step * power >= peak:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


BARS = _env.get_template("bars.svg")


def bars(chart_id, title, items, empty="—", fmt=str, width=720, color=COLORS[0]):
    """Draw [(label, value)] as horizontal bars, one row each, in the given order."""
    items = [(label, value) for label, value in items if value is not None]
    left, top, row, bar = 240, 8, 26, 18
    peak = max((v for _, v in items), default=0) or 1
    room = width - left - 70
    rows = [
        {
            "label": label,
            "short": _short(label),
            "shown": fmt(value),
            "y": top + i * row,
            "width": round(room * value / peak, 1) if value > 0 else 0,
        }
        for i, (label, value) in enumerate(items)
    ]
    height = max(top + len(rows) * row + 12, 60)
    desc = _describe(title, [(label, value) for label, value in items], fmt)
    svg = BARS.render(
        id=chart_id, title=title, desc=desc, rows=rows, w=width, h=height,
        left=left, top=top, bar=bar, color=color, text=TEXT, empty=empty,
    )  # fmt: skip
    return Chart(svg, desc)


LINES = _env.get_template("lines.svg")


def lines(chart_id, title, labels, series, empty="—", fmt=str, width=720, height=300):
    """Draw series [(name, [value per label])] over the time `labels` as lines."""
    left, right, top = 56, 16, 12
    base = height - (52 if len(series) > 1 else 32)
    values = [v for _, vs in series for v in vs if v is not None]
    axis = nice_top(max(values, default=0))
    step = (width - left - right) / max(len(labels), 1)

    def y_of(value):
        return round(base - (base - top) * value / axis, 1)

    every = max(1, math.ceil(len(labels) / 8))  # at most about eight date labels
    xs = [round(left + step * (i + 0.5), 1) for i in range(len(labels))]
    drawn = [
        {
            "name": name,
            "short": _short(name, 26),
            "color": COLORS[n % len(COLORS)],
            "points": [
                {"x": xs[i], "y": y_of(v), "label": labels[i], "shown": fmt(v)}
                for i, v in enumerate(vs)
                if v is not None
            ],
        }
        for n, (name, vs) in enumerate(series)
    ]
    marks = sorted({axis * k // 4 for k in range(5)})  # whole numbers, no repeats
    ticks = [{"y": y_of(v), "label": fmt(v)} for v in marks]
    desc = "; ".join(
        _describe(name, list(zip(labels, vs, strict=False)), fmt) for name, vs in series
    )
    svg = LINES.render(
        id=chart_id, title=title, desc=f"{title}. {desc}", series=drawn,
        points=values, ticks=ticks, left=left, right=right, base=base, w=width,
        h=height, grid=GRID, text=TEXT, empty=empty,
        xlabels=[{"x": xs[i], "label": labels[i]}
                 for i in range(0, len(labels), every)],
    )  # fmt: skip
    return Chart(svg, f"{title}. {desc}")
