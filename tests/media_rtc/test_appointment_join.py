"""A booked meeting opens as a media_rtc meeting room from "Join" (media_rtc/views.py): both
sides land in the same room at the time, nobody else enters it, and not before its time."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from exhibits.services import appointments
from media_rtc.services import meetings
from media_rtc.socket_handlers import _load_meeting_room
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def confirmed(event, booth_a, staff_a, visitor):
    attendee = AttendeeFactory(event=event, user=visitor, email=visitor.email)
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slot = appointments.publish_availability(
        booth_a, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff_a
    )[0]
    booked = appointments.book_slot(slot, attendee, by=visitor)
    return appointments.confirm_meeting(booked, by=staff_a)


def _join(client, user, appointment, *, at):
    client.force_login(user)
    url = reverse("rtc_meetings:join", args=[appointment.booth.event.slug, appointment.pk])
    with mock.patch("django.utils.timezone.now", return_value=at):
        return client.post(url)


def test_both_sides_join_the_same_meeting_room_at_the_time(client, confirmed, visitor, staff_a):
    at = confirmed.starts_at - dt.timedelta(minutes=2)
    booth_page = reverse("visit:booth", args=[confirmed.booth.event.slug, confirmed.booth_id])

    for user in (visitor, staff_a):
        response = _join(client, user, confirmed, at=at)
        assert (response.status_code, response["Location"]) == (
            302,
            f"{booth_page}#meeting={confirmed.room_token}",
        )

    meeting = async_to_sync(meetings.find_meeting)(confirmed.room_token)
    room = _load_meeting_room(confirmed.booth.event, confirmed.room_token, meeting)
    assert (room.name, sorted(room.members)) == (
        f"meeting.{confirmed.room_token}",
        sorted([visitor.pk, staff_a.pk]),
    )
    assert visitor.has_perm("media_rtc.enter_room", room) and visitor.has_perm("media_rtc.publish", room)
    confirmed.refresh_from_db()
    assert confirmed.was_held is True


def test_join_before_the_time_says_when_and_opens_no_room(client, confirmed, visitor):
    response = _join(client, visitor, confirmed, at=confirmed.starts_at - dt.timedelta(hours=1))

    assert (response.status_code, response["Location"]) == (302, reverse("visit:meetings", args=["expo"]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The meeting opens 5 minutes before it starts. Come back then."
    ]
    assert async_to_sync(meetings.find_meeting)(confirmed.room_token) is None


def test_someone_else_gets_404_and_cannot_enter_the_room(client, confirmed, event, visitor, staff_b):
    _join(client, visitor, confirmed, at=confirmed.starts_at)
    stranger = AttendeeFactory(event=event).user
    for someone in (stranger, staff_b):
        assert _join(client, someone, confirmed, at=confirmed.starts_at).status_code == 404
        meeting = async_to_sync(meetings.find_meeting)(confirmed.room_token)
        room = _load_meeting_room(event, confirmed.room_token, meeting)
        assert someone.has_perm("media_rtc.enter_room", room) is False
