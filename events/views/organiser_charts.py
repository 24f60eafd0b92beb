"""The dashboard's charts: drawn on the dashboard, and as data at <event>/charts/<name>.json or
.csv for the event team only (others: 404, like the dashboard itself)."""

from __future__ import annotations

from django.urls import reverse
from django.views import View

from ..interfaces.chart_pages import ChartBlock, chart_block, chart_download
from ..models import Event
from ..services.activity import dashboard_chart, dashboard_charts_of
from .mixins import OrganiserMixin


def dashboard_chart_blocks(event: Event) -> list[ChartBlock]:
    return [
        chart_block(
            chart,
            csv_url=reverse("organiser:dashboard_chart_csv", args=[event.slug, chart.name]),
            json_url=reverse("organiser:dashboard_chart_json", args=[event.slug, chart.name]),
        )
        for chart in dashboard_charts_of(event)
    ]


class DashboardChartView(OrganiserMixin, View):
    http_method_names = ["get", "head"]
    fmt = "json"

    def get(self, request, *args, **kwargs):
        chart = dashboard_chart(self.event, kwargs["chart"])
        return chart_download(chart, self.fmt, filename=f"{self.event.slug}-{kwargs['chart']}")
