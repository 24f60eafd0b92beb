"""Booth analytics: daily counts, unique visitors once per day, no identities kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore

from events.enums import AttendeeStatus
from events.shredder import ShredItem, shred_strategies
from exhibits.models import Booth, BoothDailyStats, BoothVisitMark
from exhibits.models.assets import AssetKind, AssetStatus, BoothAsset
from exhibits.services.analytics import (
    DayCounts,
    VisitMarkShredder,
    booth_report,
    first_in_session,
    forget_visit_marks,
    record_booth_visit,
    record_document_view,
    record_video_play,
    report_totals,
    visit_key,
)
from tests.factories import BoothFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))  # the events' time zone (Asia/Seoul)


def at(event, day_offset: int = 0, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        event.starts_on + dt.timedelta(days=day_offset), dt.time(hour, minute), tzinfo=SEOUL
    )


def counts(booth) -> list[tuple]:
    return list(
        BoothDailyStats.objects.filter(booth=booth)
        .order_by("day")
        .values_list("day", "visits", "unique_visitors", "document_views", "video_plays", "leads")
    )


@pytest.fixture
def minji(event):
    return AttendeeFactory(event=event, display_name="Kim Minji")


@pytest.fixture
def jun(event):
    return AttendeeFactory(event=event, display_name="Lee Jun")


# --- Visits ---------------------------------------------------------------------------------


def test_record_booth_visit_counts_visits_and_each_visitor_once_a_day(event, booth_a, minji, jun):
    day = event.starts_on

    results = [
        record_booth_visit(booth_a, minji, at=at(event, hour=10)),
        record_booth_visit(booth_a, jun, at=at(event, hour=10, minute=5)),
        record_booth_visit(booth_a, minji, at=at(event, hour=11)),
        record_booth_visit(booth_a, minji, at=at(event, hour=15)),
    ]

    assert results == [True, True, True, True]
    assert counts(booth_a) == [(day, 4, 2, 0, 0, 0)]


def test_record_booth_visit_again_within_minutes_is_not_another_visit(event, booth_a, minji):
    assert record_booth_visit(booth_a, minji, at=at(event, hour=10)) is True

    assert record_booth_visit(booth_a, minji, at=at(event, hour=10, minute=9)) is False
    assert record_booth_visit(booth_a, minji, at=at(event, hour=10, minute=10)) is True
    assert counts(booth_a) == [(event.starts_on, 2, 1, 0, 0, 0)]


def test_record_booth_visit_counts_a_visitor_again_the_next_day(event, booth_a, minji):
    record_booth_visit(booth_a, minji, at=at(event, 0))
    record_booth_visit(booth_a, minji, at=at(event, 1))

    first, second = event.starts_on, event.starts_on + dt.timedelta(days=1)
    assert counts(booth_a) == [(first, 1, 1, 0, 0, 0), (second, 1, 1, 0, 0, 0)]


def test_record_booth_visit_days_are_in_the_event_time_zone(event, booth_a, minji):
    # 23:30 UTC is already 08:30 the next morning in Seoul.
    late = dt.datetime.combine(event.starts_on, dt.time(23, 30), tzinfo=dt.UTC)

    record_booth_visit(booth_a, minji, at=late)

    assert counts(booth_a) == [(event.starts_on + dt.timedelta(days=1), 1, 1, 0, 0, 0)]


def test_record_booth_visit_counts_each_booth_apart(event, booth_a, minji):
    other = BoothFactory(event=event, number="B-9", x=4)

    record_booth_visit(booth_a, minji, at=at(event))
    record_booth_visit(other, minji, at=at(event))

    assert (counts(booth_a), counts(other)) == (
        [(event.starts_on, 1, 1, 0, 0, 0)],
        [(event.starts_on, 1, 1, 0, 0, 0)],
    )


def test_record_booth_visit_ignores_nobody_the_unconfirmed_and_other_events(event, booth_a):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)
    elsewhere = AttendeeFactory()

    results = [
        record_booth_visit(booth_a, None, at=at(event)),
        record_booth_visit(booth_a, pending, at=at(event)),
        record_booth_visit(booth_a, elsewhere, at=at(event)),
    ]

    assert results == [False, False, False]
    assert (counts(booth_a), BoothVisitMark.objects.count()) == ([], 0)


def test_no_table_holds_attendee_ids_for_visits(event, booth_a, minji):
    record_booth_visit(booth_a, minji, at=at(event))

    for model in (BoothDailyStats, BoothVisitMark):
        related = {field.related_model for field in model._meta.get_fields() if field.is_relation}
        assert related == {Booth}, model
    assert [field.name for field in BoothVisitMark._meta.concrete_fields] == [
        "id",
        "booth",
        "day",
        "key",
        "last_counted_at",
        "expires_at",
    ]
    mark = BoothVisitMark.objects.get()
    assert (mark.booth_id, mark.day, mark.key) == (
        booth_a.pk,
        event.starts_on,
        visit_key(booth_a, event.starts_on, minji.pk),
    )
    assert str(minji.pk) != mark.key and len(mark.key) == 64
    assert mark.expires_at == dt.datetime.combine(
        event.starts_on + dt.timedelta(days=1), dt.time(0), tzinfo=SEOUL
    )


def test_visit_key_differs_by_day_and_booth(event, booth_a):
    other = BoothFactory(event=event, number="B-9", x=4)
    day = event.starts_on

    keys = {
        visit_key(booth_a, day, 7),
        visit_key(booth_a, day + dt.timedelta(days=1), 7),
        visit_key(other, day, 7),
        visit_key(booth_a, day, 8),
    }

    assert len(keys) == 4


def test_forget_visit_marks_deletes_marks_of_days_that_are_over(event, booth_a, minji, jun):
    other = BoothFactory(event=event, number="B-9", x=4)
    record_booth_visit(booth_a, minji, at=at(event, 0))
    record_booth_visit(other, jun, at=at(event, 1))
    midnight = dt.datetime.combine(event.starts_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=SEOUL)

    assert forget_visit_marks(now=midnight) == 1
    assert list(BoothVisitMark.objects.values_list("booth", "day")) == [
        (other.pk, event.starts_on + dt.timedelta(days=1))
    ]
    # The counts stay.
    assert [row[1:3] for row in counts(booth_a) + counts(other)] == [(1, 1), (1, 1)]


def test_a_new_visitor_clears_the_booth_marks_of_past_days(event, booth_a, minji, jun):
    record_booth_visit(booth_a, minji, at=at(event, 0))

    record_booth_visit(booth_a, jun, at=at(event, 1))

    assert list(BoothVisitMark.objects.values_list("day", flat=True)) == [
        event.starts_on + dt.timedelta(days=1)
    ]
    assert [row[1:3] for row in counts(booth_a)] == [(1, 1), (1, 1)]


# --- Documents and videos -------------------------------------------------------------------


def asset(booth, kind):
    return BoothAsset.objects.create(
        booth=booth,
        kind=kind,
        title="Brochure",
        original="x/original.bin",
        original_format="pdf",
        status=AssetStatus.READY,
    )


def test_record_document_view_and_video_play_count_per_day(event, booth_a):
    document, video = asset(booth_a, AssetKind.DOCUMENT), asset(booth_a, AssetKind.VIDEO)

    record_document_view(document, at=at(event))
    record_document_view(document, at=at(event, hour=12))
    record_video_play(video, at=at(event))

    assert counts(booth_a) == [(event.starts_on, 0, 0, 2, 1, 0)]


def test_first_in_session_counts_each_asset_once_per_window():
    session = SessionStore()
    start = dt.datetime(2026, 5, 14, 10, 0, tzinfo=dt.UTC)

    answers = [
        first_in_session(session, "video_play", 1, now=start),
        first_in_session(session, "video_play", 1, now=start + dt.timedelta(minutes=5)),
        first_in_session(session, "document_view", 1, now=start + dt.timedelta(minutes=5)),
        first_in_session(session, "video_play", 2, now=start + dt.timedelta(minutes=5)),
        first_in_session(session, "video_play", 1, now=start + dt.timedelta(minutes=10)),
    ]

    assert answers == [True, False, True, True, True]


def test_first_in_session_stops_counting_past_the_cap(settings):
    settings.ASSET_EVENTS_PER_SESSION = 3
    session = SessionStore()
    now = dt.datetime(2026, 5, 14, 10, 0, tzinfo=dt.UTC)

    answers = [first_in_session(session, "video_play", asset_id, now=now) for asset_id in range(1, 6)]

    assert answers == [True, True, True, False, False]


# --- The report -----------------------------------------------------------------------------


def test_booth_report_shows_the_event_days_first_day_first_with_zeros(event, booth_a, minji):
    record_booth_visit(booth_a, minji, at=at(event, 0))
    record_booth_visit(booth_a, minji, at=at(event, 0, hour=12))
    today = event.starts_on  # the second day is still to come

    report = booth_report(booth_a, today=today)

    assert report == [DayCounts(event.starts_on, visits=2, unique_visitors=1), DayCounts(event.ends_on)]
    assert report_totals(report) == DayCounts(event.starts_on, visits=2, unique_visitors=1)


def test_booth_report_is_not_the_fortnight_before_today(event, booth_a):
    """Today's code showed the 14 days up to today: a week before the event, none of its days."""
    report = booth_report(booth_a, today=event.starts_on - dt.timedelta(days=7))

    assert [row.day for row in report] == [event.starts_on, event.ends_on]


def test_booth_report_counts_in_the_event_time_zone(event, booth_a, minji):
    # 23:30 in UTC the evening before is 08:30 on the first day in Seoul.
    late_utc = dt.datetime.combine(event.starts_on - dt.timedelta(days=1), dt.time(23, 30), tzinfo=dt.UTC)
    record_booth_visit(booth_a, minji, at=late_utc)

    report = booth_report(booth_a, today=event.starts_on)

    assert report == [DayCounts(event.starts_on, visits=1, unique_visitors=1), DayCounts(event.ends_on)]


def test_booth_report_includes_days_with_activity_outside_the_event(event, booth_a, minji, jun):
    record_booth_visit(booth_a, minji, at=at(event, -2))  # a preview before the opening
    record_booth_visit(booth_a, jun, at=at(event, 3))  # a late visitor after the last day

    report = booth_report(booth_a, today=event.starts_on + dt.timedelta(days=10))

    assert [(row.day, row.visits) for row in report] == [
        (event.starts_on - dt.timedelta(days=2), 1),
        (event.starts_on - dt.timedelta(days=1), 0),
        (event.starts_on, 0),
        (event.ends_on, 0),
        (event.ends_on + dt.timedelta(days=1), 0),
        (event.starts_on + dt.timedelta(days=3), 1),
    ]


@pytest.mark.parametrize(
    ("today_offset", "first", "last"),
    [
        (-30, 0, 4),  # before the event: its first days to come
        (2, 0, 4),  # on its third day: from the start
        (10, 6, 10),  # on its eleventh day: the last days up to today
        (60, 25, 29),  # after it: its last days
    ],
)
def test_booth_report_of_a_long_event_shows_at_most_the_limit(
    settings, event, booth_a, today_offset, first, last
):
    settings.BOOTH_ANALYTICS_DAYS = 5
    event.ends_on = event.starts_on + dt.timedelta(days=29)
    event.save(update_fields=["ends_on"])
    booth_a.event = event

    report = booth_report(booth_a, today=event.starts_on + dt.timedelta(days=today_offset))

    assert [row.day for row in report] == [
        event.starts_on + dt.timedelta(days=offset) for offset in range(first, last + 1)
    ]


# --- Shredding ------------------------------------------------------------------------------


def test_visit_mark_shredder_is_registered():
    assert isinstance(shred_strategies.get("exhibits.visit_marks"), VisitMarkShredder)


def test_visit_mark_shredder_deletes_marks_and_keeps_counts(event, booth_a, minji):
    record_booth_visit(booth_a, minji, at=at(event))
    elsewhere = AttendeeFactory()
    record_booth_visit(BoothFactory(event=elsewhere.event), elsewhere)
    shredder = VisitMarkShredder()

    assert shredder.describe(event) == [ShredItem("Scrambled marks of today's booth visitors", 1)]
    assert shredder.export(event) == {"visit_marks": 1}
    assert shredder.shred(event) == {"visit_marks": 1}
    assert (shredder.remaining(event), BoothVisitMark.objects.count()) == (0, 1)
    assert counts(booth_a) == [(event.starts_on, 1, 1, 0, 0, 0)]
