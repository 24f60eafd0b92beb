"""Meetings started from a booth: a visitor asks, booth staff accept or decline, both meet in a
private room where everyone publishes (media_rtc/socket_handlers.py and
media_rtc/services/meetings.py, "rtc.meeting.*")."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from events.models import Attendee
from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.factories import StaffFactory
from tests.registration_factories import AttendeeFactory

from . import test_signalling as signalling
from .test_signalling import error_of, expo, next_push, publisher_offer, reply

# The signalling transcripts' fixtures: loopback-only media and an engine closed after each test.
loopback_media = signalling.loopback_media
media = signalling.media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


async def _staff_on_booth_page(staff, event, booth):
    communicator = await connect(staff, event.slug)
    assert (await reply(communicator, 1, "rtc.room", booth=booth.pk))["data"]["may_publish"] is True
    return communicator


def _show_by_name(visitor, event, name: str) -> None:
    Attendee.objects.filter(event=event, user=visitor).update(display_name=name, visible_to_others=True)


async def test_visitor_asks_staff_accepts_and_both_meet(media):
    event, booth, staff, visitor = await expo("meet-accept")
    # A visitor who chose to be seen is named by their public name (hidden ones: test_signalling_names).
    await database_sync_to_async(_show_by_name)(visitor, event, "Lee Ha-eun")
    host = await _staff_on_booth_page(staff, event, booth)
    guest = await connect(visitor, event.slug)

    asked = await reply(guest, 1, "rtc.meeting.request", booth=booth.pk)

    assert asked["type"] == "ok"
    token = asked["data"]["request"]
    assert asked["data"] == {"booth": booth.pk, "request": token, "expires_in": 300}
    requested = await next_push(host, "rtc.meeting.requested")
    assert requested["data"] == {"booth": booth.pk, "request": token, "name": "Lee Ha-eun"}

    accepted = await reply(host, 2, "rtc.meeting.accept", booth=booth.pk, request=token)

    meeting = accepted["data"]["meeting"]
    assert accepted["data"] == {"booth": booth.pk, "request": token, "meeting": meeting}
    started = await next_push(guest, "rtc.meeting.started")
    assert started["data"] == {"booth": booth.pk, "request": token, "meeting": meeting, "by": "Park Ji-woo"}
    for communicator, frame_id in ((guest, 2), (host, 3)):
        room = await reply(communicator, frame_id, "rtc.room", meeting=meeting)
        assert room["data"]["room"] == f"meeting.{meeting}"
        assert room["data"]["may_publish"] is True
    pc, offer = await publisher_offer()
    media.append(pc)
    published = await reply(guest, 3, "rtc.publish", meeting=meeting, offer=offer, label="camera")
    assert published["type"] == "ok", published
    changed = await next_push(host, "rtc.room.changed")
    assert [(p["name"], p["label"]) for p in changed["data"]["publishers"]] == [("Lee Ha-eun", "camera")]
    assert changed["data"]["kind"] == "meeting"
    for communicator in (host, guest):
        await communicator.disconnect()


async def test_someone_else_cannot_enter_the_meeting(media):
    event, booth, staff, visitor = await expo("meet-private")
    outsider = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    host, guest = await _staff_on_booth_page(staff, event, booth), await connect(visitor, event.slug)
    token = (await reply(guest, 1, "rtc.meeting.request", booth=booth.pk))["data"]["request"]
    meeting = (await reply(host, 2, "rtc.meeting.accept", booth=booth.pk, request=token))["data"]["meeting"]
    intruder = await connect(outsider, event.slug)

    refused = await reply(intruder, 1, "rtc.room", meeting=meeting)

    assert error_of(refused) == (
        "auth.forbidden",
        "This meeting is private: only the people it was arranged for can join. Arrange your own "
        "from a booth page or from “People open to meetings”.",
    )
    pc, offer = await publisher_offer()
    media.append(pc)
    assert (
        error_of(await reply(intruder, 2, "rtc.publish", meeting=meeting, offer=offer))[0] == "auth.forbidden"
    )
    for communicator in (host, guest, intruder):
        await communicator.disconnect()


async def test_a_colleague_of_the_booth_may_join_the_meeting(media):
    event, booth, staff, visitor = await expo("meet-colleague")
    colleague = (await database_sync_to_async(StaffFactory)(exhibitor=booth.exhibitor)).user
    host, guest = await _staff_on_booth_page(staff, event, booth), await connect(visitor, event.slug)
    token = (await reply(guest, 1, "rtc.meeting.request", booth=booth.pk))["data"]["request"]
    meeting = (await reply(host, 2, "rtc.meeting.accept", booth=booth.pk, request=token))["data"]["meeting"]
    joining = await connect(colleague, event.slug)

    room = await reply(joining, 1, "rtc.room", meeting=meeting)

    assert room["type"] == "ok"
    for communicator in (host, guest, joining):
        await communicator.disconnect()


async def test_only_one_staff_member_answers_a_request(media):
    event, booth, staff, visitor = await expo("meet-once")
    colleague = (await database_sync_to_async(StaffFactory)(exhibitor=booth.exhibitor)).user
    first, second = (
        await _staff_on_booth_page(staff, event, booth),
        await _staff_on_booth_page(colleague, event, booth),
    )
    guest = await connect(visitor, event.slug)
    token = (await reply(guest, 1, "rtc.meeting.request", booth=booth.pk))["data"]["request"]
    await next_push(second, "rtc.meeting.requested")

    assert (await reply(first, 2, "rtc.meeting.accept", booth=booth.pk, request=token))["type"] == "ok"
    taken = await next_push(second, "rtc.meeting.taken")
    late = await reply(second, 2, "rtc.meeting.accept", booth=booth.pk, request=token)

    assert taken["data"] == {"booth": booth.pk, "request": token}
    assert error_of(late) == (
        "rtc.no_such_request",
        "This meeting request has expired or another staff member answered it.",
    )
    for communicator in (first, second, guest):
        await communicator.disconnect()


async def test_staff_declines_and_the_visitor_is_told(media):
    event, booth, staff, visitor = await expo("meet-decline")
    host, guest = await _staff_on_booth_page(staff, event, booth), await connect(visitor, event.slug)
    token = (await reply(guest, 1, "rtc.meeting.request", booth=booth.pk))["data"]["request"]

    declined = await reply(host, 2, "rtc.meeting.decline", booth=booth.pk, request=token)

    assert declined["data"] == {"booth": booth.pk, "request": token}
    assert (await next_push(guest, "rtc.meeting.declined"))["data"] == {"booth": booth.pk, "request": token}
    for communicator in (host, guest):
        await communicator.disconnect()


async def test_a_visitor_cannot_accept_a_request(media):
    event, booth, _staff, visitor = await expo("meet-visitor-accepts")
    other = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    guest, cheeky = await connect(visitor, event.slug), await connect(other, event.slug)
    token = (await reply(guest, 1, "rtc.meeting.request", booth=booth.pk))["data"]["request"]

    refused = await reply(cheeky, 1, "rtc.meeting.accept", booth=booth.pk, request=token)

    assert error_of(refused) == ("auth.forbidden", "Only the booth's staff answer meeting requests.")
    for communicator in (guest, cheeky):
        await communicator.disconnect()


async def test_a_request_for_another_booth_cannot_be_accepted_here(media):
    event, booth, _staff, visitor = await expo("meet-wrong-booth")
    from tests.factories import BoothFactory

    other_booth = await database_sync_to_async(BoothFactory)(event=event, number="L-2")
    other_staff = (await database_sync_to_async(StaffFactory)(exhibitor=other_booth.exhibitor)).user
    guest, stranger = await connect(visitor, event.slug), await connect(other_staff, event.slug)
    token = (await reply(guest, 1, "rtc.meeting.request", booth=booth.pk))["data"]["request"]

    refused = await reply(stranger, 1, "rtc.meeting.accept", booth=other_booth.pk, request=token)

    assert error_of(refused)[0] == "rtc.no_such_request"
    for communicator in (guest, stranger):
        await communicator.disconnect()
