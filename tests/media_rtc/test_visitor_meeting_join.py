"""A meeting between two visitors opens as a media_rtc meeting room without a booth: "Join" leads
both to the meeting page (media_rtc/views.py), both enter the same room, a third person does not."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from exhibits.services import visitor_meetings
from media_rtc.services import meetings
from media_rtc.socket_handlers import _load_meeting_room
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def open_person(event, name):
    return AttendeeFactory(event=event, display_name=name, visible_to_others=True, open_to_meetings=True)


@pytest.fixture
def people(event):
    return open_person(event, "Ann"), open_person(event, "Bob")


@pytest.fixture
def confirmed(event, people):
    ann, bob = people
    starts = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    asked = visitor_meetings.ask_for_meeting(event, bob.pk, starts_at=starts, length_minutes=30, by=ann.user)
    return visitor_meetings.accept_meeting(asked, by=bob.user)


def _join(client, user, meeting, *, at):
    client.force_login(user)
    url = reverse("rtc_meetings:join_visitor", args=[meeting.event.slug, meeting.pk])
    with mock.patch("django.utils.timezone.now", return_value=at):
        return client.post(url)


def test_both_visitors_join_the_same_booth_less_room(client, event, confirmed, people):
    at = confirmed.starts_at - dt.timedelta(minutes=2)
    page = reverse("rtc_meetings:room", args=[event.slug])
    for attendee in people:
        response = _join(client, attendee.user, confirmed, at=at)
        assert (response.status_code, response["Location"]) == (302, f"{page}#meeting={confirmed.room_token}")

    meeting = async_to_sync(meetings.find_meeting)(confirmed.room_token)
    room = _load_meeting_room(event, confirmed.room_token, meeting)
    assert (room.name, room.booth, sorted(room.members)) == (
        f"meeting.{confirmed.room_token}",
        None,
        sorted(p.user_id for p in people),
    )
    for attendee in people:
        assert attendee.user.has_perm("media_rtc.enter_room", room)
        assert attendee.user.has_perm("media_rtc.publish", room)


def test_a_third_person_gets_404_and_cannot_enter_the_room(client, event, confirmed, people):
    _join(client, people[0].user, confirmed, at=confirmed.starts_at)
    carl = open_person(event, "Carl")
    assert _join(client, carl.user, confirmed, at=confirmed.starts_at).status_code == 404
    meeting = async_to_sync(meetings.find_meeting)(confirmed.room_token)
    room = _load_meeting_room(event, confirmed.room_token, meeting)
    assert carl.user.has_perm("media_rtc.enter_room", room) is False
    assert carl.user.has_perm("media_rtc.publish", room) is False
    assert sorted(room.members) == sorted(p.user_id for p in people)


def test_meeting_page_renders_the_meeting_player_for_a_visitor(client, event, people):
    client.force_login(people[0].user)
    response = client.get(reverse("rtc_meetings:room", args=[event.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-rtc-meeting-page" in body
    assert "live_video.js" in body
    assert "data-rtc-booth" not in body
    assert len(response.content) < 60 * 1024


def test_join_before_the_time_opens_no_room(client, confirmed, people):
    response = _join(client, people[0].user, confirmed, at=confirmed.starts_at - dt.timedelta(hours=1))
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("visit:meetings", args=[confirmed.event.slug]),
    )
    assert async_to_sync(meetings.find_meeting)(confirmed.room_token) is None
