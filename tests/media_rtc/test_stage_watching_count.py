"""The count behind a stage speaker's "N watching your live video" line (stage.js announces each
rtc.room state it gets): the speaker's own socket is told of every viewer who starts watching, in
a push of its own, not only when publishers change. Real aiortc peers on 127.0.0.1, embedded engine."""

from __future__ import annotations

import pytest

from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.media_rtc import test_signalling as signalling
from tests.media_rtc.test_signalling import next_push, reply
from tests.media_rtc.test_signalling_stage import _publish, _watch, make_stage

loopback_media, media = signalling.loopback_media, signalling.media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


async def test_the_speaker_is_told_when_a_viewer_starts_watching(media):
    event, session, _owner, (speaker,), visitor = await make_stage("stage-watching")
    on_stage = await connect(speaker, event.slug)
    audience = await connect(visitor, event.slug)
    await reply(on_stage, 1, "rtc.room", stage=session.pk)
    await reply(audience, 1, "rtc.room", stage=session.pk)
    publisher = (await _publish(on_stage, session, media, 2))["data"]["publisher"]
    on_air = await next_push(on_stage, "rtc.room.changed")
    assert (len(on_air["data"]["publishers"]), on_air["data"]["viewers"]) == (1, 0)
    await next_push(audience, "rtc.room.changed")

    viewer = await _watch(audience, session, media, publisher, 2)

    # The next state the speaker hears of counts the viewer (no publisher changed meanwhile).
    watched = await next_push(on_stage, "rtc.room.changed")
    assert (len(watched["data"]["publishers"]), watched["data"]["viewers"]) == (1, 1)
    await viewer.close()
    for communicator in (on_stage, audience):
        await communicator.disconnect()
