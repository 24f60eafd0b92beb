"""A chart on a page and as a download: the SVG, its numbers for the table beside it, and the
same numbers as CSV or JSON for spreadsheets and the API (events.charts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..charts import Chart, as_csv, svg

FORMATS = ("json", "csv")


@dataclass(frozen=True)
class ChartBlock:
    """What the chart template (events/includes/chart.html) shows of one chart."""

    chart: Chart
    svg: SafeString
    rows: list[tuple]
    csv_url: str
    json_url: str


def chart_block(chart: Chart, *, csv_url: str, json_url: str) -> ChartBlock:
    return ChartBlock(chart, svg(chart), list(chart.rows()), csv_url, json_url)


def chart_download(chart: Chart | None, fmt: str, *, filename: str) -> HttpResponse:
    """The chart's numbers as JSON or as a CSV attachment; an unknown chart is a 404 that says
    where the charts are."""
    if chart is None:
        raise Http404(_("There is no such chart. Go back to the page to see the charts it has."))
    if fmt == "csv":
        response = HttpResponse(as_csv(chart), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    return JsonResponse(chart.as_json())
