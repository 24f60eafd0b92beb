"""A conference on the live socket (media_rtc/conference_handlers.py, "rtc.conference.*" and rtc.room /
rtc.publish with {"conference": id}): invited sites take their seats and publish, the chair mutes and
pins, thumbnails reach the seats coalesced; the uninvited, and seats trying to chair, are refused."""

from __future__ import annotations

import base64

import pytest
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection
from channels.db import database_sync_to_async
from django.core.cache import cache

from events.enums import EventStatus
from media_rtc.models import ConferenceRoom
from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.factories import EventFactory, ExhibitorFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

from . import test_signalling as signalling
from .test_signalling import error_of, next_push, publisher_offer, reply

loopback_media = signalling.loopback_media
media = signalling.media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

JPEG = b"\xff\xd8\xff\xe0" + bytes(200) + b"\xff\xd9"
NOT_INVITED = (
    "Only the organisations and people invited to this conference take a seat in it."
    " Ask the organisers to invite you."
)


@pytest.fixture(autouse=True)
def quick_thumbnails(settings):
    settings.RTC_CONFERENCE_THUMBNAIL_PUSH_SECONDS = 0.2
    cache.clear()
    yield
    cache.clear()


def _make_conference(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    organiser = TeamMemberFactory(event=event, user__display_name="Kim Organiser").user
    invited = ExhibitorFactory(event=event, name="Seoul Institute of Technology")
    other = ExhibitorFactory(event=event, name="Uninvited Industries")
    site_staff = StaffFactory(exhibitor=invited, user__display_name="Park Ji-woo").user
    other_staff = StaffFactory(exhibitor=other, user__display_name="Choi Min-jun").user
    person = AttendeeFactory(event=event, display_name="Hidden Person", visible_to_others=False).user
    visitor = AttendeeFactory(event=event, display_name="Lee Ha-eun", visible_to_others=True).user
    conference = ConferenceRoom.objects.create(event=event, name="Opening meeting", created_by=organiser)
    conference.invited_exhibitors.add(invited)
    conference.invited_people.add(person)
    return {
        "event": event,
        "conference": conference.pk,
        "organiser": organiser,
        "site": site_staff,
        "other_staff": other_staff,
        "person": person,
        "visitor": visitor,
    }


make_conference = database_sync_to_async(_make_conference)


async def seat_offer(*, video: int = 4, audio: int = 3) -> tuple[RTCPeerConnection, str]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
    for _ in range(video):
        pc.addTransceiver("video", direction="recvonly")
    for _ in range(audio):
        pc.addTransceiver("audio", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    return pc, pc.localDescription.sdp


async def _publish(communicator, conference: int, media, frame_id: int) -> dict:
    pc, offer = await publisher_offer()
    media.append(pc)
    return await reply(
        communicator, frame_id, "rtc.publish", conference=conference, offer=offer, label="camera"
    )


async def test_an_invited_exhibitors_staff_take_a_seat_and_publish_under_its_name(media):
    world = await make_conference("conf-seat")
    conference = world["conference"]
    site = await connect(world["site"], world["event"].slug)

    looked = await reply(site, 1, "rtc.room", conference=conference, tab="sitetab1")
    assert looked["type"] == "ok"
    assert looked["data"]["may_publish"] is True
    assert looked["data"]["conference"] == conference
    published = await _publish(site, conference, media, 2)
    assert published["type"] == "ok", published
    site_id = published["data"]["publisher"]
    assert site_id == f"{world['site'].pk}-sitetab1:camera"
    changed = await next_push(site, "rtc.room.changed")
    assert [(p["id"], p["name"]) for p in changed["data"]["publishers"]] == [
        (site_id, "Seoul Institute of Technology")
    ]

    pc, offer = await seat_offer()
    media.append(pc)
    seated = await reply(site, 3, "rtc.conference.seat", conference=conference, offer=offer, tab="sitetab1")
    assert seated["type"] == "ok", seated
    data = seated["data"]
    assert data["answer"].startswith("v=0")
    assert data["answer"].count("m=video") == 4
    assert data["answer"].count("m=audio") == 3
    assert (data["site"], data["audio_only"], data["thumbnails"]) == (site_id, False, {})
    assert data["speakers"]["video"] == [site_id, None, None, None]
    assert data["speakers"]["muted"] == []
    await site.disconnect()


async def test_an_invited_person_is_shown_by_the_name_chat_shows(media):
    world = await make_conference("conf-person")
    person = await connect(world["person"], world["event"].slug)
    await _publish(person, world["conference"], media, 1)
    changed = await next_push(person, "rtc.room.changed")
    assert [p["name"] for p in changed["data"]["publishers"]] == ["Visitor"]  # chose not to be seen
    await person.disconnect()


@pytest.mark.parametrize("who", ["visitor", "other_staff"])
async def test_the_uninvited_neither_look_nor_sit_nor_publish(media, who):
    world = await make_conference(f"conf-refused-{who.replace('_', '-')}")
    conference = world["conference"]
    outsider = await connect(world[who], world["event"].slug)
    pc, offer = await seat_offer()
    media.append(pc)

    assert error_of(await reply(outsider, 1, "rtc.room", conference=conference)) == (
        "auth.forbidden",
        NOT_INVITED,
    )
    refused = await reply(outsider, 2, "rtc.conference.seat", conference=conference, offer=offer)
    assert error_of(refused) == ("auth.forbidden", NOT_INVITED)
    assert error_of(await _publish(outsider, conference, media, 3)) == ("auth.forbidden", NOT_INVITED)
    thumb = await reply(
        outsider, 4, "rtc.conference.thumbnail", conference=conference, jpeg=base64.b64encode(JPEG).decode()
    )
    assert error_of(thumb) == ("auth.forbidden", NOT_INVITED)
    await outsider.disconnect()


async def test_a_seat_may_not_chair_but_the_organiser_does_and_every_seat_is_told(media):
    world = await make_conference("conf-chair")
    conference = world["conference"]
    site = await connect(world["site"], world["event"].slug)
    chair = await connect(world["organiser"], world["event"].slug)
    site_id = (await _publish(site, conference, media, 1))["data"]["publisher"]
    pc, offer = await seat_offer()
    media.append(pc)
    assert (await reply(site, 2, "rtc.conference.seat", conference=conference, offer=offer))["type"] == "ok"

    refused = await reply(site, 3, "rtc.conference.chair", conference=conference, action="pin", site=site_id)
    assert error_of(refused) == (
        "auth.forbidden",
        "Only the organisers chair a conference: they mute a site, give the floor and pin a speaker.",
    )

    muted = await reply(chair, 1, "rtc.conference.chair", conference=conference, action="mute", site=site_id)
    assert muted["type"] == "ok", muted
    assert muted["data"]["speakers"]["muted"] == [site_id]
    assert muted["data"]["speakers"]["video"] == [None, None, None, None]
    told = await next_push(site, "rtc.conference.speakers")
    assert told["data"]["muted"] == [site_id]
    assert told["data"]["conference"] == conference

    pinned = await reply(
        chair, 2, "rtc.conference.chair", conference=conference, action="floor", site=site_id
    )
    assert pinned["data"]["speakers"]["floor"] == site_id
    assert pinned["data"]["speakers"]["muted"] == []  # the floor unmutes

    bad = await reply(chair, 3, "rtc.conference.chair", conference=conference, action="eject", site=site_id)
    assert error_of(bad)[0] == "rtc.bad_request"
    unknown = await reply(
        chair, 4, "rtc.conference.chair", conference=conference, action="pin", site="9-nobody00:camera"
    )
    assert error_of(unknown)[0] == "rtc.no_such_publisher"
    await site.disconnect()
    await chair.disconnect()


async def test_a_page_opened_later_is_told_who_is_seen_heard_and_muted_with_the_room(media):
    """The room's state carries the speakers: a chair opening the page finds each site where it
    stays (before, the sites sat in the list until the next change moved them under the pointer)."""
    world = await make_conference("conf-late-page")
    conference = world["conference"]
    site = await connect(world["site"], world["event"].slug)
    chair = await connect(world["organiser"], world["event"].slug)
    site_id = (await _publish(site, conference, media, 1))["data"]["publisher"]
    muted = await reply(chair, 1, "rtc.conference.chair", conference=conference, action="mute", site=site_id)
    assert muted["type"] == "ok", muted
    late = await connect(world["organiser"], world["event"].slug)
    room = await reply(late, 1, "rtc.room", conference=conference)
    told_chair = {k: v for k, v in muted["data"]["speakers"].items() if k not in ("room", "conference")}
    assert room["data"]["speakers"] == told_chair
    assert room["data"]["speakers"]["version"] == room["data"]["version"]  # none newer since the mute
    assert room["data"]["speakers"]["muted"] == [site_id]
    for socket in (site, chair, late):
        await socket.disconnect()


async def test_a_thumbnail_updates_and_reaches_the_seats_coalesced(media):
    world = await make_conference("conf-thumbs")
    conference = world["conference"]
    site = await connect(world["site"], world["event"].slug)
    seat = await connect(world["person"], world["event"].slug)
    pc, offer = await seat_offer()
    media.append(pc)
    await _publish(site, conference, media, 1)
    assert (await reply(seat, 1, "rtc.conference.seat", conference=conference, offer=offer))["type"] == "ok"
    encoded = base64.b64encode(JPEG).decode()

    first = await reply(site, 2, "rtc.conference.thumbnail", conference=conference, jpeg=encoded)
    second = await reply(site, 3, "rtc.conference.thumbnail", conference=conference, jpeg=encoded)
    assert first["type"] == second["type"] == "ok"
    site_id = first["data"]["site"]
    assert second["data"]["version"] > first["data"]["version"]
    pushed = await next_push(seat, "rtc.conference.thumbnails")
    assert pushed["data"]["thumbnails"] == {site_id: second["data"]["version"]}  # one push for both

    pc, offer = await seat_offer()
    media.append(pc)
    again = await reply(seat, 2, "rtc.conference.seat", conference=conference, offer=offer)
    assert again["data"]["thumbnails"] == {site_id: second["data"]["version"]}
    await site.disconnect()
    await seat.disconnect()


@pytest.mark.parametrize(
    "jpeg",
    [
        base64.b64encode(b"GIF89a" + bytes(100)).decode(),  # not a JPEG
        base64.b64encode(JPEG[:3] + bytes(9000)).decode(),  # too large
        "not base64 at all!",
        12,
    ],
)
async def test_a_bad_thumbnail_is_refused(media, jpeg):
    world = await make_conference("conf-bad-thumb")
    site = await connect(world["site"], world["event"].slug)
    refused = await reply(site, 1, "rtc.conference.thumbnail", conference=world["conference"], jpeg=jpeg)
    assert error_of(refused)[0] == "rtc.bad_request"
    assert await database_sync_to_async(cache.get)(f"rtc:conference:{world['conference']}:thumbnails") is None
    await site.disconnect()


async def test_an_unknown_or_another_events_conference_is_no_room(media):
    world = await make_conference("conf-unknown")
    elsewhere = await make_conference("conf-elsewhere")
    site = await connect(world["site"], world["event"].slug)
    for frame_id, conference in enumerate((999_999, elsewhere["conference"], "3", True), start=1):
        assert (
            error_of(await reply(site, frame_id, "rtc.room", conference=conference))[0] == "rtc.no_such_room"
        )
    await site.disconnect()


async def test_a_seats_offer_with_too_many_videos_is_a_bad_offer(media):
    world = await make_conference("conf-greedy")
    site = await connect(world["site"], world["event"].slug)
    pc, offer = await seat_offer(video=6)
    media.append(pc)
    refused = await reply(site, 1, "rtc.conference.seat", conference=world["conference"], offer=offer)
    assert error_of(refused)[0] == "rtc.bad_offer"
    await site.disconnect()


async def test_a_hidden_invited_person_is_named_in_no_conference_frame(media):
    world = await make_conference("conf-hidden")
    conference = world["conference"]
    hidden = await connect(world["person"], world["event"].slug)
    site = await connect(world["site"], world["event"].slug)
    chair = await connect(world["organiser"], world["event"].slug)
    frames = []
    await reply(site, 1, "rtc.room", conference=conference)
    hidden_id = (await _publish(hidden, conference, media, 1))["data"]["publisher"]
    pc, offer = await seat_offer()
    media.append(pc)
    frames.append(await reply(site, 2, "rtc.conference.seat", conference=conference, offer=offer))
    frames.append(
        await reply(
            hidden, 2, "rtc.conference.thumbnail", conference=conference, jpeg=base64.b64encode(JPEG).decode()
        )
    )
    frames.append(
        await reply(chair, 1, "rtc.conference.chair", conference=conference, action="pin", site=hidden_id)
    )
    frames.append(await next_push(site, "rtc.conference.speakers"))
    frames.append(await next_push(site, "rtc.conference.thumbnails"))
    frames.append(await reply(site, 3, "rtc.room", conference=conference))
    walked = {frame["type"] for frame in frames}
    assert {"rtc.conference.speakers", "rtc.conference.thumbnails"} <= walked
    assert [p["name"] for p in frames[-1]["data"]["publishers"]] == ["Visitor"]
    for frame in frames:
        text = str(frame)
        assert "Hidden Person" not in text
        assert world["person"].email not in text
    for communicator in (hidden, site, chair):
        await communicator.disconnect()
