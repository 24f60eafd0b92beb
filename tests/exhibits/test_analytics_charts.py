"""exhibits/services/charts.py, with the hourly count analytics.py keeps: a booth's visits per hour
(on the event's clock), documents, videos and contacts per day, and the floor's charts for the
organiser's dashboard (busiest halls and booths, contacts and meetings per exhibitor): known
counts in, the same counts out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.models import HourlyCount
from exhibits.models import BoothDailyStats
from exhibits.services import analytics, appointments, charts
from tests.factories import BoothFactory, ExhibitorFactory, HallFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
AFTER = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)  # "now", once the event is over


def at(event, day_offset: int = 0, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        event.starts_on + dt.timedelta(days=day_offset), dt.time(hour, minute), tzinfo=SEOUL
    )


def stats(booth, day, **counts):
    return BoothDailyStats.objects.create(booth=booth, day=day, **counts)


def test_a_counted_visit_is_counted_in_its_hour_too(event, booth_a):
    minji, jun = AttendeeFactory(event=event), AttendeeFactory(event=event)
    analytics.record_booth_visit(booth_a, minji, at=at(event, 0, 9, 10))
    analytics.record_booth_visit(booth_a, jun, at=at(event, 0, 9, 50))
    analytics.record_booth_visit(booth_a, minji, at=at(event, 0, 9, 12))  # again within minutes: not counted
    analytics.record_booth_visit(booth_a, minji, at=at(event, 1, 14, 0))

    rows = HourlyCount.objects.filter(place=f"booth:{booth_a.pk}", what="visits").order_by("hour")
    assert [(row.hour, row.count) for row in rows] == [(at(event, 0, 9), 2), (at(event, 1, 14), 1)]
    # Counts only: the hourly row names a place, never a person.
    assert {field.name for field in HourlyCount._meta.concrete_fields} == {
        "id",
        "event",
        "place",
        "what",
        "hour",
        "count",
    }


def test_visits_per_hour_chart_covers_the_event_days_on_its_clock(event, booth_a):
    minji = AttendeeFactory(event=event)
    analytics.record_booth_visit(booth_a, minji, at=at(event, 1, 23, 30))

    chart = charts.booth_visits_chart(booth_a, now=AFTER)

    assert chart.kind == "line"
    assert len(chart.labels) == 48  # two days of 24 hours
    assert chart.keys[0] == f"{event.starts_on.isoformat()}T00:00:00+09:00"
    assert chart.series[0].values[24 + 23] == 1
    assert sum(chart.series[0].values) == 1


def test_visits_per_hour_chart_of_another_booth_is_its_own(event, booth_a):
    other = BoothFactory(event=event)
    analytics.record_booth_visit(other, AttendeeFactory(event=event), at=at(event))
    assert charts.booth_visits_chart(booth_a, now=AFTER).is_empty


def test_daily_charts_give_documents_videos_and_contacts_per_day(event, booth_a):
    stats(booth_a, event.starts_on, document_views=4, video_plays=1, leads=2)
    stats(booth_a, event.starts_on + dt.timedelta(days=1), document_views=0, video_plays=3, leads=0)
    report = analytics.booth_report(booth_a)

    media = charts.booth_media_chart(booth_a, report)
    contacts = charts.booth_contacts_chart(booth_a, report)

    assert media.keys == (event.starts_on.isoformat(), (event.starts_on + dt.timedelta(days=1)).isoformat())
    assert [series.values for series in media.series] == [(4, 0), (1, 3)]
    assert contacts.series[0].values == (2, 0)


def test_busiest_halls_adds_up_their_booths_visits_most_first(event):
    north, south = HallFactory(event=event, name="North"), HallFactory(event=event, name="South")
    HallFactory(event=event, name="Empty")
    for hall, visits in ((north, 3), (north, 4), (south, 9)):
        stats(BoothFactory(event=event, hall=hall), event.starts_on, visits=visits)
    stats(BoothFactory(), event.starts_on, visits=100)  # another event

    chart = charts.busiest_halls_chart(event)

    assert (chart.labels, chart.series[0].values) == (("South", "North", "Empty"), (9, 7, 0))


def test_busiest_booths_are_the_top_ones_with_their_exhibitor(event, settings):
    exhibitor = ExhibitorFactory(event=event, name="Maru")
    booths = [BoothFactory(event=event, exhibitor=exhibitor, number=f"M-{n}") for n in range(12)]
    for visits, booth in enumerate(booths):
        stats(booth, event.starts_on, visits=visits)
        stats(booth, event.starts_on + dt.timedelta(days=1), visits=1)

    chart = charts.busiest_booths_chart(event)

    assert len(chart.labels) == charts.BUSIEST_BOOTHS_MOST == 10
    assert chart.labels[:2] == ("M-11 · Maru", "M-10 · Maru")
    assert chart.series[0].values[:2] == (12, 11)


def test_exhibitors_chart_counts_contacts_and_meetings_per_exhibitor(event):
    alpha, beta = ExhibitorFactory(event=event, name="Alpha"), ExhibitorFactory(event=event, name="Beta")
    ExhibitorFactory(event=event, name="Gamma")
    stats(BoothFactory(event=event, exhibitor=alpha), event.starts_on, leads=2)
    stats(BoothFactory(event=event, exhibitor=alpha), event.starts_on, leads=1)
    stats(BoothFactory(event=event, exhibitor=beta), event.starts_on, leads=5)

    chart = charts.exhibitors_chart(event)

    assert chart.labels == ("Beta", "Alpha", "Gamma")
    assert [series.name for series in chart.series] == ["Contacts shared", "Meetings booked", "Meetings held"]
    assert [series.values for series in chart.series] == [(5, 3, 0), (0, 0, 0), (0, 0, 0)]


def test_exhibitors_chart_takes_the_meetings_from_appointments(event, booth_a, staff_a, exhibitor_a):
    beta = ExhibitorFactory(event=event, name="Beta")
    stats(BoothFactory(event=event, exhibitor=beta), event.starts_on, leads=1)
    tomorrow = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slots = appointments.publish_availability(
        booth_a,
        day=tomorrow,
        start=dt.time(10),
        end=dt.time(12),
        length_minutes=20,
        buffer_minutes=10,
        by=staff_a,
    )
    for slot in slots[:2]:
        visitor = AttendeeFactory(event=event)
        appointments.confirm_meeting(appointments.book_slot(slot, visitor, by=visitor.user), by=staff_a)
    asked = AttendeeFactory(event=event)
    appointments.book_slot(slots[2], asked, by=asked.user)  # not confirmed yet: not booked

    chart = charts.exhibitors_chart(event)

    assert chart.labels == (exhibitor_a.name, "Beta")
    assert [series.values for series in chart.series] == [(0, 1), (2, 0), (0, 0)]


def test_floor_charts_reach_the_organiser_dashboard_through_the_registry(event):
    from events.services.activity import dashboard_chart_makers

    assert {"halls", "booths", "exhibitors"} <= set(dashboard_chart_makers())
