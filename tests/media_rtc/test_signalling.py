"""Live video signalling transcripts (media_rtc/socket_handlers.py) through the real live socket,
with offers made by real aiortc peers and the embedded engine (LocalRouter) answering them."""

from __future__ import annotations

import json

import pytest
from aiortc import RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from events.enums import EventStatus
from media_rtc.models import LiveRoom
from media_rtc.routing import close_router
from rakwon_site.asgi import application
from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.factories import BoothFactory, EventFactory, StaffFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


# --- Helpers (also used by the other signalling and router tests) ---------------------------


async def publisher_offer() -> tuple[RTCPeerConnection, str]:
    """A camera-and-microphone offer as a browser sends it: sendonly, candidates gathered."""
    pc = RTCPeerConnection()
    for track in (AudioStreamTrack(), VideoStreamTrack()):
        pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    return pc, pc.localDescription.sdp


async def viewer_offer() -> tuple[RTCPeerConnection, str]:
    """A viewer's offer: one recvonly audio and one recvonly video transceiver."""
    pc = RTCPeerConnection()
    pc.addTransceiver("audio", direction="recvonly")
    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    return pc, pc.localDescription.sdp


async def ask(communicator, frame_id: int, frame_type: str, **data) -> tuple[dict, list[dict]]:
    """Send a request; return its reply and the pushes that arrived before it."""
    await communicator.send_to(text_data=json.dumps({"id": frame_id, "type": frame_type, "data": data}))
    pushes = []
    while True:
        frame = json.loads(await communicator.receive_from(timeout=10))
        if frame.get("id") == frame_id:
            return frame, pushes
        pushes.append(frame)


async def reply(communicator, frame_id: int, frame_type: str, **data) -> dict:
    return (await ask(communicator, frame_id, frame_type, **data))[0]


async def next_push(communicator, frame_type: str, timeout: float = 5) -> dict:
    """The next push of `frame_type`, skipping others (presence counts, earlier room changes)."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame.get("type") == frame_type:
            return frame


def error_of(frame: dict) -> tuple[str, str]:
    assert frame["type"] == "error", frame
    return frame["code"], frame["message"]


@pytest.fixture
def loopback_media(settings):
    """Media stays on the loopback device; each test's loop gets its own engine, closed after."""
    settings.RTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.RTC_MEDIA_WORKERS = False
    settings.RTC_TURN_URLS = []


@pytest.fixture
async def media(loopback_media):
    peers: list[RTCPeerConnection] = []
    yield peers
    for pc in peers:
        await pc.close()
    await close_router()


def _make_expo(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    booth = BoothFactory(event=event, number="L-1")
    staff = StaffFactory(exhibitor=booth.exhibitor, user__display_name="Park Ji-woo").user
    visitor = AttendeeFactory(event=event, user__display_name="Lee Ha-eun").user
    return event, booth, staff, visitor


expo = database_sync_to_async(_make_expo)


async def _go_live(communicator, booth, media, frame_id: int = 1) -> dict:
    pc, offer = await publisher_offer()
    media.append(pc)
    return await reply(communicator, frame_id, "rtc.publish", booth=booth.pk, offer=offer, label="camera")


# --- Config and ICE ------------------------------------------------------------------------------


async def test_config_without_turn_has_no_ice_servers(media):
    event, _booth, _staff, visitor = await expo("rtc-config")
    communicator = await connect(visitor, event.slug)

    assert await reply(communicator, 1, "rtc.config") == {
        "id": 1,
        "type": "ok",
        "data": {"ice_servers": [], "tiers": ["standard", "low", "audio_only"]},
    }
    await communicator.disconnect()


async def test_config_with_turn_hands_out_this_users_short_lived_credentials(media, settings):
    settings.RTC_TURN_URLS = ["turn:turn.expo.lan:3478?transport=udp", "turns:turn.expo.lan:5349"]
    settings.RTC_TURN_SECRET = "coturn-static-auth-secret"
    settings.RTC_TURN_TTL_SECONDS = 600
    event, _booth, _staff, visitor = await expo("rtc-turn")
    communicator = await connect(visitor, event.slug)

    servers = (await reply(communicator, 1, "rtc.config"))["data"]["ice_servers"]

    assert len(servers) == 1
    assert servers[0]["urls"] == settings.RTC_TURN_URLS
    expiry, user_id = servers[0]["username"].split(":")
    assert user_id == str(visitor.pk)
    import base64
    import hashlib
    import hmac
    import time

    assert 590 <= int(expiry) - time.time() <= 600
    expected = hmac.new(b"coturn-static-auth-secret", servers[0]["username"].encode(), hashlib.sha1).digest()
    assert servers[0]["credential"] == base64.b64encode(expected).decode()
    await communicator.disconnect()


# --- Booth rooms: going live and watching --------------------------------------------------------


async def test_staff_goes_live_and_the_visitor_sees_the_change_then_watches(media):
    event, booth, staff, visitor = await expo("rtc-live")
    watcher = await connect(visitor, event.slug)
    presenter = await connect(staff, event.slug)
    empty = await reply(watcher, 1, "rtc.room", booth=booth.pk)
    version = empty["data"].pop("version")  # the room's version, that every later change exceeds
    assert isinstance(version, int) and version > 0
    assert empty == {
        "id": 1,
        "type": "ok",
        "data": {
            "room": f"booth.{booth.pk}",
            "booth": booth.pk,
            "kind": None,
            "publishers": [],
            "viewers": 0,
            "may_publish": False,
            "tiers": {},
        },
    }

    live = await _go_live(presenter, booth, media)

    assert live["type"] == "ok"
    assert live["data"]["answer"].startswith("v=0")
    publisher = live["data"]["publisher"]
    assert publisher.startswith(f"{staff.pk}-") and publisher.endswith(":camera")
    changed = await next_push(watcher, "rtc.room.changed")
    assert changed["data"]["version"] > version
    assert changed["data"]["publishers"] == [
        {
            "id": publisher,
            "label": "camera",
            "audio": True,
            "video": True,
            "name": "Park Ji-woo",
            "test_pattern": False,
        }
    ]
    pc, offer = await viewer_offer()
    media.append(pc)
    watched = await reply(
        watcher, 2, "rtc.watch", booth=booth.pk, publisher=publisher, offer=offer, tier="low"
    )
    assert watched["type"] == "ok", watched
    assert watched["data"]["tier"] == "low"
    assert watched["data"]["answer"].startswith("v=0")
    state = await reply(watcher, 3, "rtc.room", booth=booth.pk)
    assert (state["data"]["viewers"], state["data"]["tiers"]) == (1, {publisher: "low"})
    switched = await reply(watcher, 4, "rtc.tier", booth=booth.pk, publisher=publisher, tier="audio_only")
    assert switched["data"] == {
        "room": f"booth.{booth.pk}",
        "booth": booth.pk,
        "publisher": publisher,
        "tier": "audio_only",
    }
    for communicator in (watcher, presenter):
        await communicator.disconnect()


async def test_visitor_cannot_publish_in_a_booth(media):
    event, booth, _staff, visitor = await expo("rtc-visitor-publish")
    communicator = await connect(visitor, event.slug)

    refused = await _go_live(communicator, booth, media)

    assert error_of(refused) == ("auth.forbidden", "Only the booth's staff can go live here.")
    await communicator.disconnect()


async def test_staff_of_another_exhibitor_cannot_publish_but_may_watch(media):
    event, booth, staff, _visitor = await expo("rtc-other-staff")
    other = (await database_sync_to_async(StaffFactory)(exhibitor__event=event)).user
    presenter, neighbour = await connect(staff, event.slug), await connect(other, event.slug)
    publisher = (await _go_live(presenter, booth, media))["data"]["publisher"]

    assert error_of(await _go_live(neighbour, booth, media, frame_id=2))[0] == "auth.forbidden"
    pc, offer = await viewer_offer()
    media.append(pc)
    watched = await reply(neighbour, 3, "rtc.watch", booth=booth.pk, publisher=publisher, offer=offer)
    assert (watched["type"], watched["data"]["tier"]) == ("ok", "standard")
    for communicator in (presenter, neighbour):
        await communicator.disconnect()


async def test_non_attendee_cannot_open_the_socket_so_cannot_watch(media):
    event, _booth, _staff, _visitor = await expo("rtc-stranger")
    stranger = await database_sync_to_async(UserFactory)()
    from django.test import Client

    client = Client()
    await database_sync_to_async(client.force_login)(stranger)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/events/{event.slug}/", headers=headers)

    assert await communicator.connect() == (False, 4403)


async def test_viewer_cap_holds_with_a_clear_error(media, settings):
    settings.RTC_BOOTH_MAX_VIEWERS = 1
    event, booth, staff, visitor = await expo("rtc-full")
    second = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    presenter, first_viewer = await connect(staff, event.slug), await connect(visitor, event.slug)
    late_viewer = await connect(second, event.slug)
    publisher = (await _go_live(presenter, booth, media))["data"]["publisher"]
    for communicator in (first_viewer, late_viewer):
        pc, offer = await viewer_offer()
        media.append(pc)
        last = await reply(communicator, 1, "rtc.watch", booth=booth.pk, publisher=publisher, offer=offer)

    assert error_of(last) == (
        "rtc.room_full",
        "This live room is full. Try again in a few minutes or follow the chat.",
    )
    for communicator in (presenter, first_viewer, late_viewer):
        await communicator.disconnect()


async def test_publisher_cap_refuses_one_more_camera(media, settings):
    settings.RTC_BOOTH_MAX_PUBLISHERS = 1
    event, booth, staff, _visitor = await expo("rtc-publishers")
    colleague = (await database_sync_to_async(StaffFactory)(exhibitor=booth.exhibitor)).user
    first, second = await connect(staff, event.slug), await connect(colleague, event.slug)
    assert (await _go_live(first, booth, media))["type"] == "ok"

    refused = await _go_live(second, booth, media)

    assert error_of(refused)[0] == "rtc.too_many_publishers"
    for communicator in (first, second):
        await communicator.disconnect()


async def test_demo_booth_shows_its_test_pattern_as_a_publisher(media):
    event, booth, _staff, visitor = await expo("rtc-demo")
    await database_sync_to_async(LiveRoom.objects.create)(booth=booth, test_pattern=True)
    communicator = await connect(visitor, event.slug)

    state = (await reply(communicator, 1, "rtc.room", booth=booth.pk))["data"]

    assert [(p["id"], p["test_pattern"], p["video"], p["audio"]) for p in state["publishers"]] == [
        ("demo", True, True, True)
    ]
    assert state["kind"] == "booth"
    await communicator.disconnect()


# --- Every error a client can get -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame_type", "data", "code"),
    [
        ("rtc.room", {"booth": 999999}, "rtc.no_such_room"),
        ("rtc.room", {"booth": "1"}, "rtc.no_such_room"),
        ("rtc.room", {"meeting": "not-a-meeting-token"}, "rtc.no_such_room"),
        ("rtc.room", {"meeting": "<script>"}, "rtc.no_such_room"),
        ("rtc.room", {}, "rtc.bad_request"),
        ("rtc.publish", {"offer": "v=0\r\n", "label": "hologram"}, "rtc.bad_request"),
        ("rtc.publish", {"offer": "not sdp at all"}, "rtc.bad_offer"),
        ("rtc.publish", {"offer": "v=0\r\nthis is no session description\r\n"}, "rtc.bad_offer"),
        ("rtc.publish", {"offer": 12}, "rtc.bad_offer"),
        ("rtc.watch", {"publisher": "nobody:camera", "offer": "v=0\r\n"}, "rtc.no_such_publisher"),
        ("rtc.watch", {"publisher": "", "offer": "v=0\r\n"}, "rtc.no_such_publisher"),
        ("rtc.watch", {"publisher": "x:camera", "offer": "v=0\r\n", "tier": "ultra"}, "rtc.bad_tier"),
        ("rtc.tier", {"publisher": "x:camera", "tier": ["low"]}, "rtc.bad_tier"),
        ("rtc.meeting.accept", {"request": "expired-or-invented"}, "rtc.no_such_request"),
        ("rtc.meeting.request", {}, "rtc.bad_request"),
    ],
)
async def test_bad_requests_get_their_error_code(media, frame_type, data, code):
    event, booth, staff, _visitor = await expo(f"rtc-bad-{code.split('.')[-1]}")
    communicator = await connect(staff, event.slug)
    if "booth" not in data and "meeting" not in data and frame_type != "rtc.room":
        data = {**data, "booth": booth.pk}
    if frame_type == "rtc.meeting.request":
        data = {"booth": booth.pk}  # staff asking their own booth for a meeting

    refused = await reply(communicator, 1, frame_type, **data)

    assert error_of(refused)[0] == code
    assert refused["message"]
    await communicator.disconnect()


async def test_tier_of_a_stream_not_watched_is_refused(media):
    event, booth, staff, visitor = await expo("rtc-not-watching")
    presenter, watcher = await connect(staff, event.slug), await connect(visitor, event.slug)
    publisher = (await _go_live(presenter, booth, media))["data"]["publisher"]

    refused = await reply(watcher, 1, "rtc.tier", booth=booth.pk, publisher=publisher, tier="low")

    assert error_of(refused)[0] == "rtc.not_watching"
    for communicator in (presenter, watcher):
        await communicator.disconnect()


async def test_leave_ends_the_publishers_stream_for_everyone(media):
    event, booth, staff, visitor = await expo("rtc-leave")
    presenter, watcher = await connect(staff, event.slug), await connect(visitor, event.slug)
    await reply(watcher, 1, "rtc.room", booth=booth.pk)
    await _go_live(presenter, booth, media)
    assert len((await next_push(watcher, "rtc.room.changed"))["data"]["publishers"]) == 1

    left = await reply(presenter, 2, "rtc.leave", booth=booth.pk)

    assert left == {"id": 2, "type": "ok", "data": {"room": f"booth.{booth.pk}", "booth": booth.pk}}
    assert (await next_push(watcher, "rtc.room.changed"))["data"]["publishers"] == []
    for communicator in (presenter, watcher):
        await communicator.disconnect()


def test_the_demo_expo_has_one_booth_live_from_the_start():
    from rakwon_site.demo.loader import load_demo

    load_demo()

    live = LiveRoom.objects.filter(test_pattern=True).values_list("booth__number", "booth__event__slug")
    assert list(live) == [("N-02", "it-expo")]
