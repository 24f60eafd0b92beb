"""The engine with real aiortc peers on 127.0.0.1: frames arrive and decode, late joiners get a
picture, tiers change what is sent, caps hold, bad offers are refused with typed errors."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiortc import RTCRtpSender

from media_rtc import native
from media_rtc.aiortc_internals import route_keyframe_requests
from media_rtc.engine import MediaEngine, publisher_id
from media_rtc.errors import BadOffer, BadTier, NoSuchPublisher, NotWatching, RoomFull, TooManyPublishers

from .rtc_peers import PublisherPeer, ViewerPeer, gathered_offer, new_peer, publish, watch

ROOM = "booth.1"
CAMERA = publisher_id("staff", "camera")


@pytest.fixture(params=["native", "python"])
async def engine(request):
    """Every engine test runs on both forwarding paths: the native fan-out and aiortc's senders."""
    native_path = request.param == "native"
    if native_path and native.load() is None:
        pytest.skip(native.description())
    engine = MediaEngine(
        host_addresses=["127.0.0.1"],
        max_booth_publishers=2,
        max_meeting_members=2,
        native_fanout=native_path,
    )
    engine.native_path = native_path
    peers = []
    engine.peers = peers  # closed after the test, even when it fails
    yield engine
    await asyncio.gather(*(peer.close() for peer in peers), return_exceptions=True)
    await engine.close()


async def _publish(engine, room=ROOM, member="staff", **options):
    options.setdefault("label", "camera")
    peer = await publish(engine, room, member, **options)
    engine.peers.append(peer)
    return peer


async def _watch(engine, member, publisher=CAMERA, room=ROOM, **options):
    options.setdefault("max_viewers", 10)
    viewer = await watch(engine, room, member, publisher, **options)
    engine.peers.append(viewer)
    return viewer


async def test_every_viewer_receives_and_decodes_the_publishers_audio_and_video(engine):
    await _publish(engine)
    viewers = [await _watch(engine, f"visitor-{n}") for n in range(3)]
    for viewer in viewers:
        await viewer.wait_for_decoded("video", 10)
        await viewer.wait_for_decoded("audio", 10)
    assert [viewer.sizes for viewer in viewers] == [{(320, 180)}] * 3
    assert engine.room_state(ROOM)["viewers"] == 3
    assert engine.stats()["tiers"] == {"standard": 3, "low": 0, "audio_only": 0}
    assert engine.stats()["native_tracks"] == (6 if engine.native_path else 0)


async def test_late_joiner_gets_a_picture_and_the_publisher_is_asked_for_a_keyframe(engine):
    publisher = await _publish(engine)
    sender = next(s for s in publisher.pc.getSenders() if s.track and s.track.kind == "video")
    plis = []
    send_keyframe = sender._send_keyframe
    route_keyframe_requests(sender, lambda: (plis.append(1), send_keyframe()))
    early = await _watch(engine, "early")
    await early.wait_for_decoded("video", 20)
    asked_before = len(plis)
    late = await _watch(engine, "late")
    await late.wait_for_picture()
    await late.wait_for_decoded("video", 5)
    assert late.sizes == {(320, 180)}
    assert len(plis) > asked_before  # the late joiner's arrival sent a PLI to the publisher


async def test_tier_switch_changes_bitrate_and_picture_without_renegotiating(engine):
    await _publish(engine, width=640, height=360)
    viewer = await _watch(engine, "visitor")
    await viewer.wait_for_decoded("video", 15)
    standard_bytes = await viewer.bytes_during("video", 1.5)

    await engine.set_tier(ROOM, "visitor", CAMERA, "low")
    decoded = viewer.decoded["video"]
    await viewer.wait_for_decoded("video", decoded + 15)
    low_bytes = await viewer.bytes_during("video", 1.5)

    assert low_bytes < standard_bytes
    assert viewer.sizes == {(640, 360), (320, 180)}
    assert engine.stats()["transcoders"] == 1
    assert viewer.pc.signalingState == "stable"

    await engine.set_tier(ROOM, "visitor", CAMERA, "standard")
    assert engine.stats()["transcoders"] == 0  # the last low viewer left: transcoding stops
    decoded = viewer.decoded["video"]
    await viewer.wait_for_decoded("video", decoded + 10)


async def test_audio_only_viewer_gets_no_video_rtp_at_all(engine):
    await _publish(engine)
    viewer = await _watch(engine, "visitor", tier="audio_only")
    await viewer.wait_for_decoded("audio", 25)
    video_receiver = next(r for r in viewer.pc.getReceivers() if r.track.kind == "video")
    assert video_receiver.getSynchronizationSources() == []  # not one video RTP packet arrived
    assert (viewer.bytes_received("video"), viewer.decoded["video"]) == (0, 0)
    assert viewer.bytes_received("audio") > 0


async def test_audio_only_viewer_switching_to_standard_gets_a_picture(engine):
    await _publish(engine)
    viewer = await _watch(engine, "visitor", tier="audio_only")
    await viewer.wait_for_decoded("audio", 10)
    await engine.set_tier(ROOM, "visitor", CAMERA, "standard")
    await viewer.wait_for_picture()


async def test_viewer_cap_refuses_the_next_viewer_with_room_full(engine):
    await _publish(engine)
    await _watch(engine, "first", max_viewers=2)
    await _watch(engine, "second", max_viewers=2)
    with pytest.raises(RoomFull) as refused:
        await _watch(engine, "third", max_viewers=2)
    assert refused.value.code == "rtc.room_full"
    await _watch(engine, "second", max_viewers=2)  # re-watching is not a new viewer
    assert engine.room_state(ROOM)["viewers"] == 2


async def test_booth_refuses_a_publisher_over_the_cap(engine):
    await _publish(engine, label="camera", video=False)
    await _publish(engine, label="screen", video=False)
    with pytest.raises(TooManyPublishers) as refused:
        await _publish(engine, member="other", label="camera", video=False)
    assert refused.value.code == "rtc.too_many_publishers"
    assert [p["id"] for p in engine.room_state(ROOM)["publishers"]] == ["staff:camera", "staff:screen"]


async def test_meeting_refuses_a_member_over_its_size(engine):
    await _publish(engine, room="meeting.1", member="a", kind="meeting", label="", video=False)
    await _publish(engine, room="meeting.1", member="b", kind="meeting", label="", video=False)
    with pytest.raises(RoomFull):
        await _watch(engine, "c", publisher="a", room="meeting.1")
    await _watch(engine, "b", publisher="a", room="meeting.1")  # a member may watch the others


async def _offer_without_vp8() -> str:
    pc = new_peer()
    transceiver = pc.addTransceiver("video", direction="recvonly")
    transceiver.setCodecPreferences(
        [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/H264"]
    )
    try:
        return await gathered_offer(pc)
    finally:
        await pc.close()


async def _offer_with_two_videos() -> str:
    pc = new_peer()
    pc.addTransceiver("video", direction="recvonly")
    pc.addTransceiver("video", direction="recvonly")
    try:
        return await gathered_offer(pc)
    finally:
        await pc.close()


@pytest.mark.parametrize(
    "offer",
    ["", "hello", "v=0\r\n", "\x00" * 100, "x" * 100_000, "no-vp8", "two-videos", "truncated"],
)
async def test_bad_offers_are_refused_with_bad_offer(engine, offer):
    await _publish(engine)
    if offer == "no-vp8":
        offer = await _offer_without_vp8()
    elif offer == "two-videos":
        offer = await _offer_with_two_videos()
    elif offer == "truncated":
        viewer = ViewerPeer()
        engine.peers.append(viewer)
        offer = (await viewer.offer())[:200]
    with pytest.raises(BadOffer) as refused:
        await engine.watch(ROOM, "visitor", CAMERA, offer, max_viewers=10)
    assert refused.value.code == "rtc.bad_offer"
    with pytest.raises(BadOffer):
        await engine.publish(ROOM, "other", offer, label="camera")
    assert engine.stats()["peer_connections"] == 1  # nothing left behind
    assert engine.room_state(ROOM)["viewers"] == 0


async def test_unknown_publisher_tier_and_viewer_are_typed_errors(engine):
    viewer = ViewerPeer()
    engine.peers.append(viewer)
    offer = await viewer.offer()
    with pytest.raises(NoSuchPublisher):
        await engine.watch(ROOM, "visitor", CAMERA, offer)
    await _publish(engine)
    with pytest.raises(NoSuchPublisher):
        await engine.watch(ROOM, "visitor", "nobody", offer)
    with pytest.raises(BadTier) as refused:
        await engine.watch(ROOM, "visitor", CAMERA, offer, tier="4k")
    assert refused.value.code == "rtc.bad_tier"
    with pytest.raises(NotWatching):
        await engine.set_tier(ROOM, "visitor", CAMERA, "low")
    await _watch(engine, "visitor")
    with pytest.raises(BadTier):
        await engine.set_tier(ROOM, "visitor", CAMERA, None)


async def test_answers_offer_only_loopback_host_candidates_and_cap_the_publisher(engine):
    publisher = PublisherPeer()
    engine.peers.append(publisher)
    answer = await engine.publish(ROOM, "staff", await publisher.offer(), label="camera")
    candidates = re.findall(r"a=candidate:\S+ \d+ udp \d+ (\S+) \d+ typ (\w+)", answer)
    assert candidates and set(candidates) == {("127.0.0.1", "host")}
    assert "b=AS:800" in answer
    assert re.search(r"a=fmtp:\d+ maxaveragebitrate=24000", answer)
    audio_section = answer[answer.index("m=audio") :].split("m=video")[0]
    assert "a=ptime:40" in audio_section and "a=ptime" not in answer.replace(audio_section, "")
    assert "VP8/90000" in answer and "H264" not in answer


async def test_leaving_publisher_closes_its_viewers_and_listeners_hear_it(engine):
    heard = []

    async def listener(room, state):
        heard.append((room, len(state["publishers"]), state["viewers"]))

    engine.on_change(listener)
    await _publish(engine)
    await _watch(engine, "visitor")
    await engine.leave(ROOM, "staff")
    await asyncio.sleep(0)
    assert heard == [(ROOM, 1, 0), (ROOM, 1, 1), (ROOM, 0, 0)]
    assert engine.room_state(ROOM)["kind"] is None  # empty rooms are forgotten
    assert engine.stats()["peer_connections"] == 0


async def test_ending_the_screen_share_keeps_the_same_members_camera(engine):
    await _publish(engine)
    await _publish(engine, label="screen")
    watching_camera = await _watch(engine, "visitor")
    await watching_camera.wait_for_decoded("video", 5)
    await engine.unpublish(ROOM, "staff", "screen")
    await engine.unpublish(ROOM, "staff", "screen")  # twice, or a stream never published: nothing
    await engine.unpublish("no-such-room", "staff", "screen")
    assert [p["id"] for p in engine.room_state(ROOM)["publishers"]] == [CAMERA]
    decoded = watching_camera.decoded["video"]
    await watching_camera.wait_for_decoded("video", decoded + 10)  # the camera goes on


async def test_republishing_keeps_viewers_on_the_new_stream(engine):
    first = await _publish(engine)
    viewer = await _watch(engine, "visitor")
    await viewer.wait_for_decoded("video", 10)
    await _publish(engine)  # same member and label: e.g. the page reconnected
    await first.close()
    decoded = viewer.decoded["video"]
    await viewer.wait_for_decoded("video", decoded + 20)
    assert engine.room_state(ROOM)["viewers"] == 1
    assert len(engine.room_state(ROOM)["publishers"]) == 1


async def test_test_pattern_is_encoded_once_and_forwarded_to_viewers(engine):
    demo = await engine.start_test_pattern(ROOM)
    assert demo == "demo"
    assert await engine.start_test_pattern(ROOM) == "demo"  # starting twice is a no-op
    viewers = [await _watch(engine, f"visitor-{n}", publisher=demo) for n in range(2)]
    for viewer in viewers:
        await viewer.wait_for_decoded("video", 10)
        await viewer.wait_for_decoded("audio", 10)
        assert viewer.sizes == {(640, 360)}
    assert engine.stats()["test_patterns"] == 1


async def test_close_room_closes_everything(engine):
    await _publish(engine)
    await _watch(engine, "visitor")
    await engine.close_room(ROOM)
    assert engine.stats() == {
        "rooms": 0,
        "peer_connections": 0,
        "publishers": 0,
        "viewers": 0,
        "tiers": {"standard": 0, "low": 0, "audio_only": 0},
        "transcoders": 0,
        "test_patterns": 0,
        "native_tracks": 0,
    }
