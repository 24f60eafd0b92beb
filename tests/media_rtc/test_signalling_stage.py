"""A session's stage in live video ({"stage": <session id>}) through the real live socket, with real
aiortc peers on 127.0.0.1 and the embedded engine: a speaker publishes and a visitor decodes their
frames; a visitor who is no speaker is refused; an attendee brought on stage publishes and is cut
off by the server when taken off; RTC_STAGE_MAX_SPEAKERS holds."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus, TeamRole
from events.models import StageSpeaker
from events.services import stage
from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory, UserFactory
from tests.media_rtc import test_signalling as signalling
from tests.media_rtc.rtc_peers import PublisherPeer, ViewerPeer
from tests.media_rtc.test_signalling import error_of, next_push, reply
from tests.registration_factories import AttendeeFactory

# The signalling transcripts' fixtures: loopback-only media and an engine closed after each test.
loopback_media, media = signalling.loopback_media, signalling.media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


def _make_stage(slug: str, speakers: int = 1):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event, title="Opening")
    owner = TeamMemberFactory(event=event, role=TeamRole.OWNER).user
    named = []
    for number in range(speakers):
        # Outside speakers: an account, no registration for the event.
        speaker = UserFactory(email=f"speaker{number}@{slug}.example", display_name=f"Dr. Kim {number}")
        stage.name_stage_speaker(session, speaker.email, by=owner)
        named.append(speaker)
    visitor = AttendeeFactory(event=event, display_name="Lee Ha-eun", visible_to_others=True).user
    return event, session, owner, named, visitor


make_stage = database_sync_to_async(_make_stage)


async def _publish(communicator, session, peers: list, frame_id: int, label: str = "camera") -> dict:
    publisher = PublisherPeer()
    peers.append(publisher.pc)
    answered = await reply(
        communicator, frame_id, "rtc.publish", stage=session.pk, label=label, offer=await publisher.offer()
    )
    if answered["type"] == "ok":
        await publisher.accept(answered["data"]["answer"])
    return answered


async def _watch(communicator, session, peers: list, publisher: str, frame_id: int) -> ViewerPeer:
    viewer = ViewerPeer()
    peers.append(viewer.pc)
    watched = await reply(
        communicator, frame_id, "rtc.watch", stage=session.pk, publisher=publisher, offer=await viewer.offer()
    )
    assert watched["type"] == "ok", watched
    await viewer.accept(watched["data"]["answer"])
    return viewer


async def test_a_speaker_publishes_on_the_stage_and_a_visitor_decodes_their_frames(media):
    event, session, _owner, (speaker,), visitor = await make_stage("stage-live")
    on_stage = await connect(speaker, event.slug)
    audience = await connect(visitor, event.slug)
    opened = await reply(audience, 1, "rtc.room", stage=session.pk)
    assert isinstance(opened["data"].pop("version"), int)
    assert opened["data"] == {
        "room": f"stage.{session.pk}",
        "stage": session.pk,
        "kind": None,
        "publishers": [],
        "viewers": 0,
        "may_publish": False,
        "tiers": {},
    }
    assert (await reply(on_stage, 1, "rtc.room", stage=session.pk))["data"]["may_publish"] is True

    live = await _publish(on_stage, session, media, 2)

    assert live["type"] == "ok", live
    publisher = live["data"]["publisher"]
    assert (live["data"]["room"], live["data"]["stage"]) == (f"stage.{session.pk}", session.pk)
    changed = await next_push(audience, "rtc.room.changed")
    assert changed["data"]["kind"] == "stage"
    assert [(p["id"], p["name"]) for p in changed["data"]["publishers"]] == [(publisher, "Dr. Kim 0")]
    viewer = await _watch(audience, session, media, publisher, 2)
    await viewer.wait_for_decoded("video", 10)
    await viewer.wait_for_decoded("audio", 10)
    assert viewer.decoded["video"] >= 10
    await viewer.close()
    for communicator in (on_stage, audience):
        await communicator.disconnect()


async def test_a_visitor_who_is_no_speaker_is_refused_with_the_stages_reason(media):
    event, session, _owner, _speakers, visitor = await make_stage("stage-refused")
    audience = await connect(visitor, event.slug)

    refused = await _publish(audience, session, media, 1)

    code, message = error_of(refused)
    assert code == "auth.forbidden"
    assert message.startswith("Only the session's speakers, and people a moderator brought on stage")
    state = await reply(audience, 2, "rtc.room", stage=session.pk)
    assert (state["data"]["publishers"], state["data"]["may_publish"]) == ([], False)
    await audience.disconnect()


async def test_a_stage_of_another_event_is_no_room(media):
    event, _session, _owner, (speaker,), _visitor = await make_stage("stage-here")
    _other_event, elsewhere, *_rest = await make_stage("stage-elsewhere", speakers=0)
    communicator = await connect(speaker, event.slug)

    assert error_of(await reply(communicator, 1, "rtc.room", stage=elsewhere.pk))[0] == "rtc.no_such_room"
    assert error_of(await reply(communicator, 2, "rtc.room", stage="7"))[0] == "rtc.no_such_room"
    await communicator.disconnect()


async def test_a_guest_brought_on_publishes_and_is_cut_off_when_taken_off(media):
    event, session, owner, _speakers, visitor = await make_stage("stage-guest", speakers=0)
    moderator = await connect(owner, event.slug)
    guest = await connect(visitor, event.slug)
    watcher_user = await database_sync_to_async(lambda: AttendeeFactory(event=event).user)()
    watcher = await connect(watcher_user, event.slug)
    assert (await reply(moderator, 1, "stage.join", session=session.pk))["data"]["moderator"] is True
    await reply(guest, 1, "stage.join", session=session.pk)
    await reply(watcher, 1, "rtc.room", stage=session.pk)
    assert error_of(await _publish(guest, session, media, 2))[0] == "auth.forbidden"

    raised = await reply(guest, 3, "stage.hand", session=session.pk, raised=True)
    assert raised["data"] == {"session": session.pk, "hand": "raised"}
    hands = await next_push(moderator, "stage.hands")
    assert [(hand["name"], hand["on_stage"]) for hand in hands["data"]["hands"]] == [("Lee Ha-eun", False)]
    hand_id = hands["data"]["hands"][0]["id"]
    brought = await reply(moderator, 2, "stage.bring_on", session=session.pk, hand=hand_id)
    assert brought["data"] == {"session": session.pk, "hand": hand_id, "on_stage": True}
    told = await next_push(guest, "stage.you")
    assert told["data"] == {"session": session.pk, "on_stage": True, "hand": "on_stage"}

    live = await _publish(guest, session, media, 4)
    assert live["type"] == "ok", live
    publisher = live["data"]["publisher"]
    viewer = await _watch(watcher, session, media, publisher, 2)
    await viewer.wait_for_decoded("video", 5)

    taken = await reply(moderator, 3, "stage.take_off", session=session.pk, hand=hand_id)

    assert taken["data"] == {"session": session.pk, "hand": hand_id, "on_stage": False}
    assert (await next_push(guest, "stage.you"))["data"]["on_stage"] is False
    while True:  # the server closed the guest's publisher: the room shows nobody on air
        changed = await next_push(watcher, "rtc.room.changed")
        if changed["data"]["publishers"] == []:
            break
    assert error_of(await _publish(guest, session, media, 5))[0] == "auth.forbidden"
    decoded = viewer.decoded["video"]
    await asyncio.sleep(0.5)
    assert viewer.decoded["video"] - decoded <= 2  # at most frames already on their way
    await viewer.close()
    for communicator in (moderator, guest, watcher):
        await communicator.disconnect()


async def test_a_visitor_cannot_bring_anyone_on_stage(media):
    event, session, _owner, _speakers, visitor = await make_stage("stage-no-moderator", speakers=0)
    other = await database_sync_to_async(lambda: AttendeeFactory(event=event).user)()
    asker = await connect(other, event.slug)
    meddler = await connect(visitor, event.slug)
    await reply(asker, 1, "stage.hand", session=session.pk, raised=True)
    hand_id = await database_sync_to_async(lambda: session.stage_hands.get().pk)()

    refused = await reply(meddler, 1, "stage.bring_on", session=session.pk, hand=hand_id)

    code, message = error_of(refused)
    assert (code, message) == (
        "auth.forbidden",
        "Only the session's moderators bring people on stage or take them off.",
    )
    assert await database_sync_to_async(lambda: session.stage_hands.get().on_stage_since)() is None
    for communicator in (asker, meddler):
        await communicator.disconnect()


async def test_the_stage_holds_its_speaker_cap_with_a_clear_refusal(media, settings):
    settings.RTC_STAGE_MAX_SPEAKERS = 1
    event, session, _owner, (first, second), _visitor = await make_stage("stage-cap", speakers=2)
    on_air = await connect(first, event.slug)
    waiting = await connect(second, event.slug)
    assert (await _publish(on_air, session, media, 1))["type"] == "ok"

    refused = await _publish(waiting, session, media, 1)
    screen = await _publish(on_air, session, media, 2, label="screen")

    code, message = error_of(refused)
    assert code == "rtc.stage_full"
    assert message.startswith("The stage is full")
    assert screen["type"] == "ok", screen  # the speaker on air may still add their screen
    for communicator in (on_air, waiting):
        await communicator.disconnect()


async def test_removing_a_speaker_ends_their_stream_at_once(media):
    event, session, owner, (speaker,), visitor = await make_stage("stage-removed")
    on_stage = await connect(speaker, event.slug)
    audience = await connect(visitor, event.slug)
    await reply(audience, 1, "rtc.room", stage=session.pk)
    assert (await _publish(on_stage, session, media, 1))["type"] == "ok"
    await next_push(audience, "rtc.room.changed")

    row = await database_sync_to_async(StageSpeaker.objects.get)(user=speaker)
    await database_sync_to_async(stage.remove_stage_speaker)(row, by=owner)

    changed = await next_push(audience, "rtc.room.changed")
    assert changed["data"]["publishers"] == []
    for communicator in (on_stage, audience):
        await communicator.disconnect()


async def test_the_audience_hears_how_many_hands_are_up_never_whose(media):
    event, session, owner, _speakers, visitor = await make_stage("stage-privacy", speakers=0)
    other = await database_sync_to_async(lambda: AttendeeFactory(event=event).user)()
    audience = await connect(other, event.slug)
    moderator = await connect(owner, event.slug)
    raiser = await connect(visitor, event.slug)
    joined = await reply(audience, 1, "stage.join", session=session.pk)
    assert "hands" not in joined["data"]
    await reply(moderator, 1, "stage.join", session=session.pk)

    await reply(raiser, 1, "stage.hand", session=session.pk, raised=True)

    counted = await next_push(audience, "stage.raised")
    assert counted["data"] == {"session": session.pk, "raised": 1}
    named = await next_push(moderator, "stage.hands")
    assert [hand["name"] for hand in named["data"]["hands"]] == ["Lee Ha-eun"]
    heard = []
    while not await audience.receive_nothing(timeout=0.5):
        heard.append(json.loads(await audience.receive_from()))
    assert [frame for frame in heard if "Lee Ha-eun" in json.dumps(frame)] == []
    for communicator in (audience, moderator, raiser):
        await communicator.disconnect()


async def test_the_stage_holds_its_viewer_cap_with_a_clear_refusal(media, settings):
    settings.RTC_STAGE_MAX_VIEWERS = 1
    event, session, _owner, (speaker,), visitor = await make_stage("stage-viewers")
    second = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    on_stage = await connect(speaker, event.slug)
    first_viewer, late_viewer = await connect(visitor, event.slug), await connect(second, event.slug)
    publisher = (await _publish(on_stage, session, media, 1))["data"]["publisher"]
    await _watch(first_viewer, session, media, publisher, 1)

    late = ViewerPeer()
    media.append(late.pc)
    refused = await reply(
        late_viewer, 1, "rtc.watch", stage=session.pk, publisher=publisher, offer=await late.offer()
    )

    assert error_of(refused) == (
        "rtc.room_full",
        "This live room is full. Try again in a few minutes or follow the chat.",
    )
    for communicator in (on_stage, first_viewer, late_viewer):
        await communicator.disconnect()
