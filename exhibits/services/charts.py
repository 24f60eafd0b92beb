"""The floor's counts as charts (events.charts): a booth's visits per hour and its documents,
videos and contacts per day for its exhibitor; the busiest halls and booths and each exhibitor's
contacts and meetings for the organiser's dashboard (registered in exhibits.contributions).
Counts only, read from the analytics counters: nobody's visit is in them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from events.charts import Chart, Series
from events.models import Event
from events.services.activity import hourly_chart

from ..models import Booth, Exhibitor, Hall
from . import appointments
from .analytics import DayCounts, booth_place, booth_report, report_days

BUSIEST_BOOTHS_MOST = 10  # the dashboard names the top booths only: the table stays short


def _day_keys(report: list[DayCounts]) -> dict[str, tuple[str, ...]]:
    return {
        "labels": tuple(f"{row.day:%m-%d}" for row in report),
        "keys": tuple(row.day.isoformat() for row in report),
    }


# --- A booth, for its exhibitor ---------------------------------------------------------------


def booth_visits_chart(booth: Booth, *, now: dt.datetime | None = None) -> Chart:
    """Visits in each hour of the days the booth's report shows (the event's), so far."""
    first, last = report_days(booth, timezone.localdate(now or timezone.now(), booth.event.tz))
    return hourly_chart(
        booth.event,
        booth_place(booth),
        "visits",
        name="visits",
        title=_("Visits per hour"),
        description=_(
            "Visits to the booth in each hour of the event, on the event's clock. A visitor who "
            "comes back within a few minutes is not counted again."
        ),
        series_name=_("Visits"),
        first_day=first,
        last_day=last,
        now=now,
    )


def booth_media_chart(booth: Booth, report: list[DayCounts]) -> Chart:
    return Chart(
        name="media",
        title=_("Document views and video plays per day"),
        description=_("How often the booth's documents were opened and its videos played, each day."),
        kind="line",
        label_heading=_("Day"),
        series=(
            Series(_("Document views"), tuple(row.document_views for row in report)),
            Series(_("Video plays"), tuple(row.video_plays for row in report)),
        ),
        **_day_keys(report),
    )


def booth_contacts_chart(booth: Booth, report: list[DayCounts]) -> Chart:
    return Chart(
        name="contacts",
        title=_("Contacts shared per day"),
        description=_("Visitors who chose to share their contact details with the booth, each day."),
        kind="line",
        label_heading=_("Day"),
        series=(Series(_("Contacts shared"), tuple(row.leads for row in report)),),
        **_day_keys(report),
    )


def booth_charts(booth: Booth, *, now: dt.datetime | None = None) -> list[Chart]:
    report = booth_report(booth)
    return [
        booth_visits_chart(booth, now=now),
        booth_media_chart(booth, report),
        booth_contacts_chart(booth, report),
    ]


#: Each of a booth's charts alone, by name (its data downloads).
BOOTH_CHARTS = {
    "visits": booth_visits_chart,
    "media": lambda booth: booth_media_chart(booth, booth_report(booth)),
    "contacts": lambda booth: booth_contacts_chart(booth, booth_report(booth)),
}


# --- The floor, for the organiser's dashboard -----------------------------------------------


def busiest_halls_chart(event: Event) -> Chart:
    halls = (
        Hall.objects.filter(event=event)
        .annotate(visits=Coalesce(Sum("booths__daily_stats__visits"), 0))
        .order_by("-visits", "position", "name")
    )
    return Chart(
        name="halls",
        title=_("Busiest halls"),
        description=_("Visits to the booths of each hall over the whole event, most first."),
        kind="bar",
        label_heading=_("Hall"),
        labels=tuple(hall.text_in("name") for hall in halls),
        series=(Series(_("Visits"), tuple(hall.visits for hall in halls)),),
        keys=tuple(str(hall.pk) for hall in halls),
    )


def busiest_booths_chart(event: Event) -> Chart:
    booths = list(
        Booth.objects.filter(event=event)
        .select_related("exhibitor")
        .annotate(visits=Coalesce(Sum("daily_stats__visits"), 0))
        .filter(visits__gt=0)
        .order_by("-visits", "number")[:BUSIEST_BOOTHS_MOST]
    )
    return Chart(
        name="booths",
        title=_("Busiest booths"),
        description=_("The %(most)d booths with the most visits over the whole event, most first.")
        % {"most": BUSIEST_BOOTHS_MOST},
        kind="bar",
        label_heading=_("Booth"),
        labels=tuple(f"{booth.number} · {booth.exhibitor.text_in('name')}" for booth in booths),
        series=(Series(_("Visits"), tuple(booth.visits for booth in booths)),),
        keys=tuple(str(booth.pk) for booth in booths),
    )


def meeting_counts(event: Event) -> dict[int, dict[str, int]]:
    """Meetings booked and held per exhibitor id (exhibits.services.appointments)."""
    return appointments.meeting_counts_by_exhibitor(event)


def exhibitors_chart(event: Event) -> Chart:
    """Contacts shared and meetings booked and held per exhibitor, the busiest first."""
    exhibitors = Exhibitor.objects.filter(event=event).annotate(
        contacts=Coalesce(Sum("booths__daily_stats__leads"), 0)
    )
    meetings = meeting_counts(event)

    def meetings_of(exhibitor: Exhibitor, what: str) -> int:
        return meetings.get(exhibitor.pk, {}).get(what, 0)

    exhibitors = sorted(
        exhibitors, key=lambda each: (-each.contacts - meetings_of(each, "booked"), each.name)
    )
    series = (
        Series(_("Contacts shared"), tuple(exhibitor.contacts for exhibitor in exhibitors)),
        Series(_("Meetings booked"), tuple(meetings_of(exhibitor, "booked") for exhibitor in exhibitors)),
        Series(_("Meetings held"), tuple(meetings_of(exhibitor, "held") for exhibitor in exhibitors)),
    )
    return Chart(
        name="exhibitors",
        title=_("Contacts and meetings per exhibitor"),
        description=_(
            "Contacts visitors shared with each exhibitor, and 1:1 meetings booked and held, over the "
            "whole event. A withdrawn contact is not counted."
        ),
        kind="bar",
        label_heading=_("Exhibitor"),
        labels=tuple(exhibitor.text_in("name") for exhibitor in exhibitors),
        series=series,
        keys=tuple(str(exhibitor.pk) for exhibitor in exhibitors),
    )


#: The floor's charts on the organiser's dashboard, by name (registered in exhibits.contributions).
FLOOR_CHARTS = {"halls": busiest_halls_chart, "booths": busiest_booths_chart, "exhibitors": exhibitors_chart}
