"""Charts drawn on the server as small SVG: a line over time, bars per thing (docs/charts.md).

A `Chart` holds counts only, already in the reader's language; `svg()` draws it with a <title>
and a <desc> that name it to screen readers, and the page puts its numbers in a table beside it.
No script, nothing from another host: the chart is part of the HTML that came anyway.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .services.spreadsheets import csv_row

# The drawing's own units: drawn 1:1 on a phone, scaled down with the page's width elsewhere.
WIDTH = 360
LINE_HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 40
BAR_LABEL_WIDTH = 128  # the names beside horizontal bars (places, institutions)
BAR_ROW = 22  # one bar of one series
BAR_GAP = 10  # between the bar groups of two names
BAR_LABEL_CHARS = 17  # longer names are cut, the whole name stays in the bar's <title>
X_LABELS_MOST = 4  # labels under a line chart, so they never overlap on a phone
# Series are told apart by colour and by dash, for readers who do not see the colour.
COLOURS = ("#1a5fb4", "#c64600", "#26a269", "#613583")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """Counts to draw: one value per label in each series ("line": labels are times in order;
    "bar": labels are things, one bar group each)."""

    name: str  # stable: in URLs, element ids and CSV file names
    title: str
    description: str  # what is counted and how; read out with the title
    kind: str  # "line" or "bar"
    label_heading: str  # the table's first column: "Day", "Hour", "Institution"
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    # Machine-readable labels for JSON (ISO dates, ids), parallel to `labels`; empty: the labels.
    keys: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(value for series in self.series for value in series.values)

    def rows(self) -> Iterator[tuple[str, ...]]:
        for index, label in enumerate(self.labels):
            yield (label, *(series.values[index] for series in self.series))

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "labels": list(self.keys or self.labels),
            "series": [{"name": series.name, "values": list(series.values)} for series in self.series],
        }


def as_csv(chart: Chart) -> str:
    """The chart's table as CSV; names (an institution's, a place's) can never run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row([chart.label_heading, *(series.name for series in chart.series)]))
    for row in chart.rows():
        writer.writerow(csv_row(row))
    return out.getvalue()


def nice_top(value: int) -> int:
    """The top of the value axis: the smallest of 1, 2, 4, 5, 6, 8 × 10ⁿ not below `value`."""
    if value <= 1:
        return 1
    scale = 1
    while True:
        for step in (1, 2, 4, 5, 6, 8, 10):
            if step * scale >= value:
                return step * scale
        scale *= 10


def _ticks(top: int) -> list[int]:
    return [0, top // 2, top] if top % 2 == 0 and top > 1 else [0, top]


def _n(number: float) -> str:
    """Coordinates with at most one decimal: small markup, and exact values for the tests."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _cut(label: str) -> str:
    return label if len(label) <= BAR_LABEL_CHARS else label[: BAR_LABEL_CHARS - 1] + "…"


def _open(chart: Chart, height: int) -> list[str]:
    ident = f"chart-{chart.name}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-size="12" font-family="sans-serif">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
    ]


def _empty(chart: Chart) -> SafeString:
    height = 60
    parts = _open(chart, height)
    words = escape(_("No data yet"))
    parts.append(
        f'<text x="{WIDTH // 2}" y="{height // 2 + 5}" text-anchor="middle" font-size="15" '
        f'fill="#444">{words}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every text above went through escape()


def _legend(chart: Chart, y: float) -> list[str]:
    if len(chart.series) < 2:
        return []
    parts, x = [], LEFT
    for index, series in enumerate(chart.series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="{_n(y - 4)}" x2="{x + 18}" y2="{_n(y - 4)}" stroke="{colour}" '
            f'stroke-width="3"{dash_attr}/>'
            f'<text x="{x + 22}" y="{_n(y)}">{escape(series.name)}</text>'
        )
        x += 30 + 7 * len(series.name)
    return parts


def line_points(values: Sequence[int], top: int, *, height: int = LINE_HEIGHT) -> list[tuple[float, float]]:
    """Where each value is drawn: evenly along the plot, 0 at its foot and `top` at its head."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    if len(values) == 1:
        return [(LEFT + plot_w / 2, TOP + plot_h - values[0] / top * plot_h)]
    step = plot_w / (len(values) - 1)
    return [(LEFT + index * step, TOP + plot_h - value / top * plot_h) for index, value in enumerate(values)]


def _line(chart: Chart) -> SafeString:
    height = LINE_HEIGHT + (16 if len(chart.series) > 1 else 0)
    plot_h = LINE_HEIGHT - TOP - BOTTOM
    foot = TOP + plot_h
    top = nice_top(max(max(series.values) for series in chart.series))
    parts = _open(chart, height)
    for tick in _ticks(top):  # the value axis: a faint line at each tick
        y = foot - tick / top * plot_h
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" stroke="#ccc"/>'
            f'<text x="{LEFT - 4}" y="{_n(y + 4)}" text-anchor="end">{tick}</text>'
        )
    points = line_points(chart.series[0].values, top)
    count = len(chart.labels)
    every = max(1, -(-count // X_LABELS_MOST))  # ceil: at most X_LABELS_MOST labels
    for index in range(0, count, every):
        x = points[index][0]
        anchor = "start" if index == 0 and count > 1 else "middle"
        parts.append(
            f'<text x="{_n(x)}" y="{foot + 16}" text-anchor="{anchor}">{escape(chart.labels[index])}</text>'
        )
    for index, series in enumerate(chart.series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        drawn = " ".join(f"{_n(x)},{_n(y)}" for x, y in line_points(series.values, top))
        parts.append(
            f'<polyline data-series="{index}" points="{drawn}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
    parts.extend(_legend(chart, LINE_HEIGHT + 8))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every text above went through escape()


def bar_height(chart: Chart) -> int:
    group = BAR_ROW * len(chart.series) + BAR_GAP
    return TOP + group * len(chart.labels) + (24 if len(chart.series) > 1 else 0)


def bar_width(value: int, top: int) -> float:
    return value / top * (WIDTH - BAR_LABEL_WIDTH - RIGHT - 28)  # room for the value after the bar


def _bars(chart: Chart) -> SafeString:
    """Horizontal bars: names stay readable on a narrow screen, however many there are."""
    height = bar_height(chart)
    top = nice_top(max(max(series.values) for series in chart.series))
    group = BAR_ROW * len(chart.series) + BAR_GAP
    parts = _open(chart, height)
    for row, label in enumerate(chart.labels):
        y0 = TOP + row * group
        parts.append(
            f'<text x="{BAR_LABEL_WIDTH - 6}" y="{_n(y0 + BAR_ROW * len(chart.series) / 2 + 4)}" '
            f'text-anchor="end">{escape(_cut(label))}</text>'
        )
        for index, series in enumerate(chart.series):
            value = series.values[row]
            y, width = y0 + index * BAR_ROW, bar_width(value, top)
            parts.append(
                f'<rect data-series="{index}" x="{BAR_LABEL_WIDTH}" y="{_n(y + 3)}" width="{_n(width)}" '
                f'height="{BAR_ROW - 6}" fill="{COLOURS[index % len(COLOURS)]}">'
                f"<title>{escape(label)}, {escape(series.name)}: {value}</title></rect>"
                f'<text x="{_n(BAR_LABEL_WIDTH + width + 4)}" y="{_n(y + BAR_ROW / 2 + 4)}">{value}</text>'
            )
    parts.extend(_legend(chart, height - 8))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every text above went through escape()


def svg(chart: Chart) -> SafeString:
    """The chart as an inline <svg>, or a short "No data yet" picture when there is nothing."""
    if chart.is_empty:
        return _empty(chart)
    return _line(chart) if chart.kind == "line" else _bars(chart)
