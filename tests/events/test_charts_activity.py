"""events/services/activity.py: the online count sampled per event, hourly counts on the event's
clock, and the dashboard's own charts (registrations per day, members per institution, online)
with known counts in and the same counts out, over the event's days in its time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as site_settings
from django.utils import timezone

from events.enums import AttendeeStatus, EventStatus
from events.live.presence import ticker
from events.live.presence.places import local_connections
from events.live.presence.store import get_store
from events.models import Attendee, HourlyCount, OnlineSample, RegistrationSettings
from events.services import activity
from events.tasks import sample_online_counts
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory, InstitutionFactory, MemberFactory

# Sampling reads presence through database_sync_to_async, which closes a connection that is not in
# autocommit: on PostgreSQL a test's own transaction would be closed under it.
pytestmark = pytest.mark.django_db(transaction=True)
EMBEDDED_ONLY = pytest.mark.skipif(
    bool(site_settings.REDIS_URL),
    reason="the embedded mode's own sampling; with Redis beat's worker samples (tested above)",
)

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
UTC = dt.UTC


def _registered(attendee: Attendee, at: dt.datetime) -> Attendee:
    Attendee.objects.filter(pk=attendee.pk).update(created_at=at)  # auto_now_add ignores a value given
    return attendee


def _event(**fields):
    return EventFactory(starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 11), **fields)


# --- Sampling the online count ----------------------------------------------------------------


def _join(place: str, connection: str, user_id: int) -> None:
    async_to_sync(get_store().join)(place, connection, user_id, {"person": None, "name": None})


@pytest.fixture(autouse=True)
def _sockets_here():
    """The tests' in-process presence store is read by the process that holds sockets: one is
    here (a stand-in: sampling only asks whether this process has any)."""
    here = object()
    local_connections().add(here)
    yield
    local_connections().discard(here)


def test_sample_online_where_presence_is_out_of_sight_writes_nothing(caplog):
    # A Celery worker of the embedded mode: its own empty memory, while daphne holds the sockets.
    caplog.set_level("INFO", logger="events.services.activity")
    event = _event(status=EventStatus.PUBLISHED)
    local_connections().clear()

    assert activity.sample_online(now=dt.datetime(2026, 12, 10, 3, 5, tzinfo=UTC)) == {}
    assert not OnlineSample.objects.filter(event=event).exists()
    assert "false zeros" in caplog.text


def test_sample_online_stores_each_live_events_count():
    event = _event(status=EventStatus.PUBLISHED)
    other = _event(status=EventStatus.PUBLISHED)
    _join(f"lobby:{event.pk}", "c1", 1)
    _join(f"lobby:{event.pk}", "c2", 2)
    _join(f"lobby:{other.pk}", "c3", 3)
    now = dt.datetime(2026, 12, 10, 3, 5, 30, tzinfo=UTC)  # 12:05 in Seoul, on the first day

    taken = activity.sample_online(now=now)

    assert taken == {event.pk: 2, other.pk: 1}
    assert list(OnlineSample.objects.filter(event=event).values_list("at", "online")) == [
        (dt.datetime(2026, 12, 10, 3, 5, tzinfo=UTC), 2)
    ]


def test_sample_online_skips_drafts_and_events_not_on_today():
    _event(status=EventStatus.DRAFT)
    EventFactory(starts_on=dt.date(2026, 12, 20), ends_on=dt.date(2026, 12, 21), status=EventStatus.PUBLISHED)
    closed = _event(status=EventStatus.CLOSED)
    now = dt.datetime(2026, 12, 10, 3, 0, tzinfo=UTC)

    assert activity.sample_online(now=now) == {}
    assert not OnlineSample.objects.filter(event=closed).exists()


def test_sample_online_uses_the_events_own_day():
    # 16:30 UTC on the 9th is already 01:30 on the 10th in Seoul: the event's first day.
    event = _event(status=EventStatus.PUBLISHED)
    assert activity.sample_online(now=dt.datetime(2026, 12, 9, 16, 30, tzinfo=UTC)) == {event.pk: 0}
    assert activity.sample_online(now=dt.datetime(2026, 12, 9, 14, 30, tzinfo=UTC)) == {}


def test_sampling_twice_in_one_minute_keeps_one_sample():
    event = _event(status=EventStatus.PUBLISHED)
    activity.sample_online(now=dt.datetime(2026, 12, 10, 3, 5, 1, tzinfo=UTC))
    activity.sample_online(now=dt.datetime(2026, 12, 10, 3, 5, 40, tzinfo=UTC))
    assert OnlineSample.objects.filter(event=event).count() == 1


def test_the_beat_samples_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sample-online-counts"]
    assert entry == {"task": "events.tasks.sample_online_counts", "schedule": 300}
    assert sample_online_counts.name == entry["task"]


def test_sampling_task_runs_the_service():
    today = timezone.now().date()  # in UTC, as the event's clock
    event = EventFactory(status=EventStatus.PUBLISHED, starts_on=today, ends_on=today, time_zone="UTC")
    sample_online_counts()
    assert OnlineSample.objects.filter(event=event).count() == 1


# --- Online over the event ------------------------------------------------------------------


def test_online_chart_shows_the_highest_count_of_each_hour_on_the_events_clock():
    event = _event()
    for at, online in [
        (dt.datetime(2026, 12, 10, 0, 0, tzinfo=SEOUL), 3),
        (dt.datetime(2026, 12, 10, 0, 30, tzinfo=SEOUL), 7),
        (dt.datetime(2026, 12, 10, 2, 5, tzinfo=SEOUL), 4),
    ]:
        OnlineSample.objects.create(event=event, at=at, online=online)
    now = dt.datetime(2026, 12, 10, 2, 10, tzinfo=SEOUL)

    chart = activity.online_chart(event, now=now)

    assert chart.kind == "line"
    assert chart.labels == ("12-10 00:00", "12-10 01:00", "12-10 02:00")
    assert chart.series[0].values == (7, 0, 4)
    assert chart.keys[0] == "2026-12-10T00:00:00+09:00"


def test_online_chart_after_the_event_covers_all_its_hours():
    event = _event()
    chart = activity.online_chart(event, now=dt.datetime(2027, 1, 1, tzinfo=UTC))
    assert len(chart.labels) == 48
    assert chart.labels[-1] == "12-11 23:00"
    assert chart.is_empty


def test_online_chart_before_the_event_is_empty():
    event = _event()
    chart = activity.online_chart(event, now=dt.datetime(2026, 12, 1, tzinfo=UTC))
    assert chart.labels == ()
    assert chart.is_empty


# --- Hourly counts ------------------------------------------------------------------------------


def test_count_in_hour_adds_up_within_the_events_hour():
    event = _event(time_zone="Asia/Kolkata")  # +05:30: its hours are not UTC's hours
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    activity.count_in_hour(event, "booth:1", "visits", at=dt.datetime(2026, 12, 10, 10, 1, tzinfo=kolkata))
    activity.count_in_hour(event, "booth:1", "visits", at=dt.datetime(2026, 12, 10, 10, 59, tzinfo=kolkata))
    activity.count_in_hour(event, "booth:1", "visits", at=dt.datetime(2026, 12, 10, 11, 0, tzinfo=kolkata))
    rows = HourlyCount.objects.filter(event=event).order_by("hour")
    assert [(row.hour.astimezone(kolkata).hour, row.count) for row in rows] == [(10, 2), (11, 1)]


def test_hourly_chart_gives_each_hour_of_the_days_with_zeros():
    event = _event()
    activity.count_in_hour(event, "booth:1", "visits", at=dt.datetime(2026, 12, 10, 9, 15, tzinfo=SEOUL))
    activity.count_in_hour(event, "booth:1", "visits", at=dt.datetime(2026, 12, 10, 9, 45, tzinfo=SEOUL))
    activity.count_in_hour(event, "booth:2", "visits", at=dt.datetime(2026, 12, 10, 9, 45, tzinfo=SEOUL))
    chart = activity.hourly_chart(
        event,
        "booth:1",
        "visits",
        name="visits",
        title="Visits",
        description="d",
        series_name="Visits",
        first_day=dt.date(2026, 12, 10),
        last_day=dt.date(2026, 12, 10),
        now=dt.datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert len(chart.labels) == 24
    assert chart.series[0].values[9] == 2
    assert sum(chart.series[0].values) == 2


# --- Registrations --------------------------------------------------------------------------


def test_registrations_chart_counts_individuals_and_members_per_day_from_opening_to_the_end():
    event = _event()
    RegistrationSettings.objects.create(event=event, opens_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL))
    institution = InstitutionFactory(event=event, name="Busan Library")
    _registered(AttendeeFactory(event=event), dt.datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL))
    _registered(AttendeeFactory(event=event), dt.datetime(2026, 12, 7, 23, 30, tzinfo=SEOUL))
    # 15:30 UTC on the 7th is 00:30 on the 8th in Seoul
    _registered(AttendeeFactory(event=event), dt.datetime(2026, 12, 7, 15, 30, tzinfo=UTC))
    _registered(
        MemberFactory(event=event, institution=institution), dt.datetime(2026, 12, 9, 12, 0, tzinfo=SEOUL)
    )
    _registered(
        AttendeeFactory(event=event, status=AttendeeStatus.PENDING),
        dt.datetime(2026, 12, 11, 8, 0, tzinfo=SEOUL),
    )
    # Not counted: never confirmed their address, refused, cancelled, another event.
    for status in (AttendeeStatus.UNCONFIRMED, AttendeeStatus.REJECTED, AttendeeStatus.CANCELLED):
        _registered(AttendeeFactory(event=event, status=status), dt.datetime(2026, 12, 8, 8, 0, tzinfo=SEOUL))
    _registered(AttendeeFactory(), dt.datetime(2026, 12, 8, 8, 0, tzinfo=SEOUL))

    chart = activity.registrations_chart(event)

    assert chart.keys == ("2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11")
    assert [series.values for series in chart.series] == [(2, 1, 0, 0, 1), (0, 0, 1, 0, 0)]


def test_registrations_chart_without_an_opening_starts_on_the_day_the_event_was_made():
    event = _event()
    type(event).objects.filter(pk=event.pk).update(created_at=dt.datetime(2026, 12, 8, 1, 0, tzinfo=SEOUL))
    event.refresh_from_db()
    chart = activity.registrations_chart(event)
    assert chart.keys == ("2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11")
    assert chart.is_empty


def test_registrations_chart_keeps_a_registration_made_before_a_later_opening():
    event = _event()
    _registered(AttendeeFactory(event=event), dt.datetime(2026, 12, 6, 10, 0, tzinfo=SEOUL))
    RegistrationSettings.objects.create(event=event, opens_at=dt.datetime(2026, 12, 9, 9, 0, tzinfo=SEOUL))
    chart = activity.registrations_chart(event)
    assert chart.keys[0] == "2026-12-06"
    assert chart.series[0].values[0] == 1


def test_institutions_chart_counts_members_per_institution_most_first():
    event = _event()
    small, big = InstitutionFactory(event=event, name="Small"), InstitutionFactory(event=event, name="Big")
    InstitutionFactory(event=event, name="Nobody yet")
    MemberFactory(event=event, institution=small)
    MemberFactory.create_batch(3, event=event, institution=big)
    MemberFactory(event=event, institution=big, status=AttendeeStatus.CANCELLED)

    chart = activity.institutions_chart(event)

    assert chart.kind == "bar"
    assert chart.labels == ("Big", "Small", "Nobody yet")
    assert chart.series[0].values == (3, 1, 0)


# --- The embedded mode: the web process samples, as only it sees its sockets -----------------


@EMBEDDED_ONLY
def test_without_redis_the_web_process_samples_the_online_count_in_its_tick(settings):
    assert not settings.REDIS_URL  # the tests' embedded mode
    chore = next(chore for chore in ticker.chores if chore.name == "online samples")
    assert chore.every == settings.ONLINE_SAMPLE_SECONDS
    event = EventFactory(
        starts_on=timezone.localdate(), ends_on=timezone.localdate(), status=EventStatus.PUBLISHED
    )
    _join(f"lobby:{event.pk}", "c1", 1)
    chore.due = 0.0  # due now

    async_to_sync(ticker.run_due_chores)()

    assert list(OnlineSample.objects.filter(event=event).values_list("online", flat=True)) == [1]
    assert chore.due > 0.0  # and not again before its time


def test_a_failing_chore_does_not_stop_the_others(caplog):
    ran = []
    ticker.add_chore("broken", 60, lambda: 1 / 0, due=0.0)
    ticker.add_chore("fine", 60, lambda: ran.append(True), due=0.0)
    try:
        async_to_sync(ticker.run_due_chores)()
    finally:
        ticker.chores[:] = [chore for chore in ticker.chores if chore.name not in ("broken", "fine")]

    assert ran == [True]
    assert "broken" in caplog.text
