"""Booth analytics: the exhibitor's page of daily counts, and the small endpoint a booth page's
players call when a visitor plays a video or opens a document.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from events.interfaces.chart_pages import ChartBlock, chart_block, chart_download
from events.services.registration import attendance_of
from events.views.mixins import EventPageMixin

from ..models import Booth
from ..models.assets import AssetKind, AssetStatus, BoothAsset
from ..permissions import VIEW_LEADS
from ..services.analytics import booth_report, count_asset_event, report_totals
from ..services.charts import BOOTH_CHARTS, booth_charts
from .mixins import BoothBackofficeMixin

# What a player may report, and the kind of asset it must be about.
ASSET_EVENTS = {"document_view": AssetKind.DOCUMENT, "video_play": AssetKind.VIDEO}


def booth_chart_blocks(booth: Booth) -> list[ChartBlock]:
    return [
        chart_block(
            chart,
            csv_url=reverse("exhibitor:booth_chart_csv", args=[booth.pk, chart.name]),
            json_url=reverse("exhibitor:booth_chart_json", args=[booth.pk, chart.name]),
        )
        for chart in booth_charts(booth)
    ]


class BoothAnalyticsView(BoothBackofficeMixin, TemplateView):
    """Daily counts of one booth for its exhibitor's staff and the event team (others: 404);
    readable also once the event is closed."""

    template_name = "exhibits/exhibitor/analytics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = booth_report(self.booth)
        context.update(
            booth=self.booth,
            exhibitor=self.booth.exhibitor,
            event=self.booth.event,
            report=report,
            totals=report_totals(report),
            charts=booth_chart_blocks(self.booth),
            # The event team reads the analytics but not the leads (shared with the exhibitor only).
            can_see_leads=self.request.user.has_perm(VIEW_LEADS, self.booth.exhibitor),
        )
        return context


class BoothChartView(BoothBackofficeMixin, View):
    """One chart of the booth's analytics as JSON or CSV, for whoever may read its page."""

    http_method_names = ["get", "head"]
    fmt = "json"

    def get(self, request, *args, **kwargs):
        make = BOOTH_CHARTS.get(kwargs["booth_chart"])
        chart = make(self.booth) if make else None
        return chart_download(chart, self.fmt, filename=f"booth-{self.booth.pk}-{kwargs['booth_chart']}")


class AssetEventForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in ASSET_EVENTS])
    asset = forms.IntegerField(min_value=1)


class AssetEventView(EventPageMixin, View):
    """POST kind=video_play|document_view&asset=<id> (CSRF-protected). Answers 204 whether or
    not it counted: only confirmed attendees count, once per asset and kind per session within
    ASSET_EVENT_REPEAT_MINUTES, so a reload loop cannot inflate the numbers."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        booth = get_object_or_404(
            Booth.objects.select_related("event"), pk=kwargs["booth_id"], event=self.event
        )
        form = AssetEventForm(request.POST)
        if not form.is_valid():
            return HttpResponse(status=400)
        kind, asset_id = form.cleaned_data["kind"], form.cleaned_data["asset"]
        asset = BoothAsset.objects.filter(
            booth=booth, pk=asset_id, kind=ASSET_EVENTS[kind], status=AssetStatus.READY
        ).first()
        if asset is None:
            return HttpResponse(status=404)
        asset.booth = booth
        count_asset_event(request.session, attendance_of(self.event, request.user), kind, asset)
        return HttpResponse(status=204)
