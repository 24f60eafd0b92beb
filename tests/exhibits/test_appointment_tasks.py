"""The reminder of meetings by appointment runs from Celery beat each minute and is safe to run
twice (exhibits/tasks.py, rakwon_site/settings.py CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core import mail
from django.utils import timezone

from events.live.groups import user_group
from events.live.presence import ticker
from exhibits import tasks
from exhibits.services import appointments
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db
EMBEDDED_ONLY = pytest.mark.skipif(
    bool(settings.REDIS_URL),
    reason="the embedded mode's reminders from the web process; with Redis a worker's push reaches tabs",
)


def test_beat_runs_the_meeting_reminders_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["remind-due-meetings"]
    assert entry == {"task": "exhibits.tasks.remind_due_meetings", "schedule": 60}
    assert tasks.remind_due_meetings.name == entry["task"]


def test_the_task_run_twice_reminds_once(event, booth_a, staff_a):
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slot = appointments.publish_availability(
        booth_a, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff_a
    )[0]
    attendee = AttendeeFactory(event=event)
    booked = appointments.confirm_meeting(
        appointments.book_slot(slot, attendee, by=attendee.user), by=staff_a
    )
    mail.outbox.clear()

    with mock.patch("django.utils.timezone.now", return_value=booked.starts_at - dt.timedelta(minutes=10)):
        assert [tasks.remind_due_meetings(), tasks.remind_due_meetings()] == [1, 0]

    assert sorted(message.to[0] for message in mail.outbox) == sorted([attendee.email, "staff-a@example.org"])


def test_the_reminder_is_pushed_to_both_sides_open_tabs(event, booth_a, staff_a):
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slot = appointments.publish_availability(
        booth_a, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff_a
    )[0]
    attendee = AttendeeFactory(event=event)
    booked = appointments.confirm_meeting(
        appointments.book_slot(slot, attendee, by=attendee.user), by=staff_a
    )
    layer = get_channel_layer()
    tabs = {}
    for user_id in (attendee.user_id, staff_a.pk):
        tabs[user_id] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(user_group(event.pk, user_id), tabs[user_id])

    appointments.remind_due_meetings(now=booked.starts_at - dt.timedelta(minutes=10))

    for channel in tabs.values():
        pushed = async_to_sync(layer.receive)(channel)
        assert (pushed["frame_type"], pushed["data"]) == (
            "meeting.reminder",
            {"meeting": booked.pk, "booth": booth_a.pk, "starts_at": booked.starts_at.isoformat()},
        )


# --- The embedded mode: the web process reminds first, as only it holds the live sockets ------


def _confirmed_meeting(event, booth, staff):
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slot = appointments.publish_availability(
        booth, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff
    )[0]
    attendee = AttendeeFactory(event=event)
    return attendee, appointments.confirm_meeting(
        appointments.book_slot(slot, attendee, by=attendee.user), by=staff
    )


@EMBEDDED_ONLY
def test_without_redis_the_web_process_reminds_from_its_tick_and_the_push_reaches_the_tab(
    event, booth_a, staff_a
):
    assert not settings.REDIS_URL  # the tests' embedded mode: a worker's push would be lost
    attendee, booked = _confirmed_meeting(event, booth_a, staff_a)
    layer = get_channel_layer()
    tab = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(event.pk, attendee.user_id), tab)
    chore = next(chore for chore in ticker.chores if chore.name == "meeting reminders")
    chore.due = 0.0

    with mock.patch("django.utils.timezone.now", return_value=booked.starts_at - dt.timedelta(minutes=15)):
        async_to_sync(ticker.run_due_chores)()

    pushed = async_to_sync(layer.receive)(tab)
    assert (pushed["frame_type"], pushed["data"]["meeting"]) == ("meeting.reminder", booked.pk)
    booked.refresh_from_db()
    assert booked.reminded_at is not None


@EMBEDDED_ONLY
def test_without_redis_the_worker_leaves_the_first_minutes_to_the_web_process(event, booth_a, staff_a):
    _attendee, booked = _confirmed_meeting(event, booth_a, staff_a)

    with mock.patch("django.utils.timezone.now", return_value=booked.starts_at - dt.timedelta(minutes=14)):
        assert tasks.remind_due_meetings() == 0  # the web process's turn: its push reaches the tabs
    with mock.patch("django.utils.timezone.now", return_value=booked.starts_at - dt.timedelta(minutes=12)):
        assert tasks.remind_due_meetings() == 1  # nobody reminded yet (no tab open): mail, a little later
