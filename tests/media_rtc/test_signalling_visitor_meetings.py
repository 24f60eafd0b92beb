"""A meeting between two visitors on the live socket: a room without a booth that both members
enter and publish in, and nobody else (not even a booth's staff) enters
(media_rtc/socket_handlers.py, media_rtc/rules.py)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from media_rtc.services.meetings import open_booked_meeting
from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.registration_factories import AttendeeFactory

from . import test_signalling as signalling
from .test_signalling import error_of, expo, publisher_offer, reply

loopback_media = signalling.loopback_media
media = signalling.media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

TOKEN = "visitorsMeet1234"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


async def test_both_visitors_enter_and_publish_nobody_else_enters(media):
    event, _booth, staff, visitor = await expo("visitors-meet")
    other = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    outsider = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    await database_sync_to_async(open_booked_meeting)(
        TOKEN, booth_id=None, event_id=event.pk, members=(visitor.pk, other.pk)
    )
    ann, bea = await connect(visitor, event.slug), await connect(other, event.slug)

    for communicator in (ann, bea):
        room = await reply(communicator, 1, "rtc.room", meeting=TOKEN)
        assert (room["data"]["room"], room["data"]["may_publish"]) == (f"meeting.{TOKEN}", True)
    pc, offer = await publisher_offer()
    media.append(pc)
    published = await reply(ann, 2, "rtc.publish", meeting=TOKEN, offer=offer, label="camera")
    assert published["type"] == "ok", published

    for stranger in (outsider, staff):
        intruder = await connect(stranger, event.slug)
        assert error_of(await reply(intruder, 1, "rtc.room", meeting=TOKEN))[0] == "auth.forbidden"
        await intruder.disconnect()
    for communicator in (ann, bea):
        await communicator.disconnect()
