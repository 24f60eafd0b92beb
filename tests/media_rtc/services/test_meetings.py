"""Meetings started from a booth, as plain functions (media_rtc/services/meetings.py): a visitor
asks, one staff member accepts or declines, the meeting remembers its members."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from media_rtc import errors
from media_rtc.rooms import BOOTH, Room, booth_room
from media_rtc.services import meetings
from tests.media_rtc.test_signalling import expo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _room_of(booth) -> Room:
    return Room(booth_room(booth.pk), BOOTH, booth)


async def _booth_room(booth) -> Room:
    return await database_sync_to_async(
        lambda: _room_of(type(booth).objects.select_related("event").get(pk=booth.pk))
    )()


async def test_request_meeting_then_accept_makes_a_meeting_of_both():
    event, booth, staff, visitor = await expo("svc-meet")
    room = await _booth_room(booth)

    asked = await meetings.request_meeting(room, by=visitor)
    meeting = await meetings.accept_meeting(room, asked.token, by=staff)

    assert asked.expires_in == 300
    assert await meetings.find_meeting(meeting) == meetings.Meeting(
        booth_id=booth.pk, event_id=event.pk, members=(visitor.pk, staff.pk)
    )


async def test_request_meeting_by_booth_staff_is_refused_with_what_to_do():
    _event, booth, staff, _visitor = await expo("svc-meet-staff")
    room = await _booth_room(booth)

    with pytest.raises(errors.BadRequest) as refused:
        await meetings.request_meeting(room, by=staff)

    assert (refused.value.code, str(refused.value.message)) == (
        "rtc.bad_request",
        "You are staff of this booth: accept a visitor's request instead.",
    )


async def test_accept_meeting_twice_is_refused_the_second_time():
    _event, booth, staff, visitor = await expo("svc-meet-twice")
    room = await _booth_room(booth)
    asked = await meetings.request_meeting(room, by=visitor)
    await meetings.decline_meeting(room, asked.token, by=staff)

    with pytest.raises(errors.NoSuchRequest) as late:
        await meetings.accept_meeting(room, asked.token, by=staff)

    assert late.value.code == "rtc.no_such_request"


@pytest.mark.parametrize("token", ["", "short", "no spaces allowed here", 12, None])
async def test_accept_meeting_with_a_malformed_token_is_no_such_request(token):
    _event, booth, staff, _visitor = await expo(f"svc-meet-bad-{abs(hash(str(token))) % 1000}")
    room = await _booth_room(booth)

    with pytest.raises(errors.NoSuchRequest):
        await meetings.accept_meeting(room, token, by=staff)


async def test_find_meeting_knows_no_unknown_or_malformed_token():
    assert await meetings.find_meeting("Abcdefgh1234") is None
    assert await meetings.find_meeting("../../etc") is None
