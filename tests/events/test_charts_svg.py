"""events/charts.py: bars and points where the numbers put them, an empty chart that says so,
names escaped, and the CSV that a spreadsheet cannot run."""

from __future__ import annotations

import re

from django.utils import translation

from events import charts
from events.charts import Chart, Series


def _line(values, labels=None, series_name="Registrations"):
    labels = labels or tuple(f"12-0{index + 1}" for index in range(len(values)))
    return Chart(
        "regs",
        "Registrations per day",
        "Counted per day.",
        "line",
        "Day",
        labels,
        (Series(series_name, tuple(values)),),
    )


def _bars(labels, *series):
    return Chart(
        "booths",
        "Busiest booths",
        "Visits per booth.",
        "bar",
        "Booth",
        tuple(labels),
        tuple(Series(name, tuple(values)) for name, values in series),
    )


def test_nice_top_rounds_up_to_a_readable_axis():
    assert [charts.nice_top(v) for v in (0, 1, 3, 7, 9, 11, 45, 61, 999)] == [
        1,
        1,
        4,
        8,
        10,
        20,
        50,
        80,
        1000,
    ]


def test_line_points_for_known_values():
    # plot: x from 40 to 348 (308 wide), y from 12 (top) to 160 (foot, 148 high)
    chart = _line([0, 5, 10])
    drawn = str(charts.svg(chart))
    assert 'points="40,160 194,86 348,12"' in drawn


def test_line_of_one_day_is_drawn_in_the_middle():
    drawn = str(charts.svg(_line([4])))
    assert 'points="194,12"' in drawn


def test_line_axis_has_ticks_at_zero_half_and_top():
    drawn = str(charts.svg(_line([0, 5, 10])))
    ticks = re.findall(r'text-anchor="end">(\d+)</text>', drawn)
    assert ticks == ["0", "5", "10"]


def test_line_labels_are_thinned_to_four_at_most():
    labels = tuple(f"d{index}" for index in range(10))
    drawn = str(charts.svg(_line(list(range(10)), labels)))
    shown = re.findall(r'y="176" text-anchor="(?:start|middle)">(d\d)</text>', drawn)
    assert shown == ["d0", "d3", "d6", "d9"]


def test_bars_have_widths_in_proportion():
    # bar area: 360 - 128 - 12 - 28 = 192 wide; top of the axis for 8 is 8
    drawn = str(charts.svg(_bars(["Hall A", "Hall B"], ("Visits", [8, 2]))))
    rects = re.findall(r'<rect data-series="0" x="128" y="([\d.]+)" width="([\d.]+)"', drawn)
    assert rects == [("15", "192"), ("47", "48")]
    assert "<title>Hall A, Visits: 8</title>" in drawn


def test_two_series_of_bars_have_a_legend_and_rows_apart():
    chart = _bars(["Maru"], ("Leads", [4]), ("Meetings", [2]))
    drawn = str(charts.svg(chart))
    assert re.findall(r'<rect data-series="(\d)" x="128" y="([\d.]+)" width="([\d.]+)"', drawn) == [
        ("0", "15", "192"),
        ("1", "37", "96"),
    ]
    assert ">Leads</text>" in drawn and ">Meetings</text>" in drawn
    assert charts.bar_height(chart) == 12 + 54 + 24


def test_svg_is_named_for_screen_readers():
    drawn = str(charts.svg(_line([1, 2])))
    assert drawn.startswith("<svg ")
    assert 'role="img" aria-labelledby="chart-regs-title chart-regs-desc"' in drawn
    assert '<title id="chart-regs-title">Registrations per day</title>' in drawn
    assert '<desc id="chart-regs-desc">Counted per day.</desc>' in drawn


def test_empty_chart_says_no_data_yet():
    assert ">No data yet</text>" in str(charts.svg(_line([])))
    assert ">No data yet</text>" in str(charts.svg(_line([0, 0, 0])))
    assert "<polyline" not in str(charts.svg(_line([0, 0])))


def test_empty_chart_in_korean():
    with translation.override("ko"):
        assert ">아직 데이터가 없습니다</text>" in str(charts.svg(_line([])))


def test_labels_and_titles_are_escaped():
    chart = Chart(
        "x",
        "<b>Booths</b>",
        'say "hi" & go',
        "bar",
        "Booth",
        ("<script>alert(1)</script>",),
        (Series("Visits & more", (3,)),),
    )
    drawn = str(charts.svg(chart))
    assert "<script>" not in drawn and "<b>" not in drawn
    assert "&lt;b&gt;Booths&lt;/b&gt;" in drawn
    assert "say &quot;hi&quot; &amp; go" in drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn  # the bar's <title>, whole
    assert "&lt;script&gt;alert(1)…</text>" in drawn  # the cut label beside it


def test_long_names_are_cut_beside_the_bar_and_whole_in_its_title():
    name = "Korea Institute of Science and Technology"
    drawn = str(charts.svg(_bars([name], ("Visits", [1]))))
    assert ">Korea Institute …</text>" in drawn
    assert f"<title>{name}, Visits: 1</title>" in drawn


def test_csv_defuses_formulas_in_names():
    chart = _bars(['=HYPERLINK("http://x")', "Plain"], ("Visits", [3, 1]))
    assert charts.as_csv(chart).splitlines() == ["Booth,Visits", '"\'=HYPERLINK(""http://x"")",3', "Plain,1"]


def test_json_gives_keys_when_there_are_some():
    chart = Chart("regs", "R", "D", "line", "Day", ("12-01",), (Series("All", (2,)),), keys=("2026-12-01",))
    assert chart.as_json() == {
        "name": "regs",
        "title": "R",
        "kind": "line",
        "labels": ["2026-12-01"],
        "series": [{"name": "All", "values": [2]}],
    }
