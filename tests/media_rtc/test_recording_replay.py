"""The whole way of a recording, as the organiser's pages take it: a real aiortc publisher goes live on
a session's stage, the organiser starts recording, everyone looking at the room is told, the
organiser stops after ~3 s, the task remuxes (no re-encode) and makes the low-bitrate variant, and
PyAV decodes the replay with the right length. A recorder that stops by itself says why."""

from __future__ import annotations

import asyncio

import av
import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from events.enums import EventStatus, TeamRole
from events.errors import NotAllowed
from media_rtc.models import Recording, RecordingState
from media_rtc.recording import DISK_ERROR
from media_rtc.routing import close_router, get_router
from media_rtc.services.recordings import (
    AlreadyRecording,
    folder_of,
    start_recording,
    stop_reason_text,
    stop_recording,
)
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory, UserFactory

from .rtc_peers import PublisherPeer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def media(settings):
    settings.RTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.RTC_MEDIA_WORKERS = False
    settings.RTC_TURN_URLS = []
    peers: list[PublisherPeer] = []
    yield peers
    for peer in peers:
        await peer.close()
    await close_router()


@sync_to_async
def _stage():
    event = EventFactory(slug="rec-expo", status=EventStatus.PUBLISHED)
    organiser = UserFactory(display_name="Olivia Organiser")
    TeamMemberFactory(event=event, user=organiser, role=TeamRole.OWNER)
    session = SessionFactory(event=event, title="Keynote")
    return event, organiser, session


async def _go_live(media, room: str) -> None:
    """A speaker's browser: a real aiortc peer sending a moving pattern and a tone."""
    peer = PublisherPeer()
    media.append(peer)
    published = await get_router().publish(
        room, "5-speakertab", await peer.offer(), kind="booth", label="camera", name="Dr. Kim"
    )
    await peer.accept(published["answer"])
    host = get_router().host
    async with asyncio.timeout(10):
        while host.engine.published_sources(room).get(published["publisher"], {}).get("video") is None:
            await asyncio.sleep(0.05)
        while host.engine.published_sources(room)[published["publisher"]]["video"].frames_in < 5:
            await asyncio.sleep(0.05)


async def _told(channel: str) -> list[tuple[str, dict]]:
    """The pushes a socket looking at the room got (events.live.groups.push_message)."""
    layer = get_channel_layer()
    pushed = []
    while True:
        try:
            message = await asyncio.wait_for(layer.receive(channel), 0.5)
        except TimeoutError:
            return pushed
        pushed.append((message["frame_type"], message["data"]))


async def test_a_stage_recorded_for_3_seconds_becomes_a_replay_pyav_decodes(media):
    event, organiser, session = await _stage()
    room = f"stage.{session.pk}"
    await _go_live(media, room)
    layer = get_channel_layer()
    watcher = await layer.new_channel()
    await layer.group_add(f"rtc.{room}", watcher)

    recording = await sync_to_async(start_recording)(event, session=session, by=organiser)
    assert recording.state == RecordingState.RECORDING
    assert get_router().host.recordings.recording_in(room) == recording.pk
    await asyncio.sleep(3)
    stopped = await sync_to_async(stop_recording)(recording, by=organiser)  # the task runs (eager)

    assert stopped.stop_reason == "stopped"
    done = await sync_to_async(Recording.objects.get)(pk=recording.pk)
    assert (done.state, done.progress, done.failure) == (RecordingState.READY, 100, "")
    assert done.started_by_id == organiser.pk
    folder = folder_of(done)
    assert folder.parent == settings.PRIVATE_ROOT / "recordings"
    with av.open(str(folder / done.replay_file)) as container:
        streams = [(s.type, s.codec_context.name) for s in container.streams]
        pictures = sum(1 for _ in container.decode(video=0))
    assert streams == [("video", "vp8"), ("audio", "opus")]
    assert pictures > 30
    assert abs(done.duration - 3.0) <= 0.5
    # The low-bitrate variant booth videos get, made from the replay: H.264 + AAC in MP4.
    with av.open(str(folder / done.low_file)) as low:
        assert sorted(s.codec_context.name for s in low.streams) == ["aac", "h264"]
        assert abs(float(low.duration / av.time_base) - done.duration) <= 0.5
    assert (folder / done.poster_file).is_file()

    pushed = [push for push in await _told(watcher) if push[0] == "rtc.recording"]
    assert pushed == [
        ("rtc.recording", {"room": room, "stage": session.pk, "recording": True}),
        ("rtc.recording", {"room": room, "stage": session.pk, "recording": False, "reason": "stopped"}),
    ]


async def test_recording_twice_at_once_is_refused_and_only_organisers_may(media):
    event, organiser, session = await _stage()
    moderator = await sync_to_async(UserFactory)()
    await sync_to_async(TeamMemberFactory)(event=event, user=moderator, role=TeamRole.MODERATOR)
    with pytest.raises(NotAllowed):
        await sync_to_async(start_recording)(event, session=session, by=moderator)
    recording = await sync_to_async(start_recording)(event, session=session, by=organiser)
    with pytest.raises(AlreadyRecording):
        await sync_to_async(start_recording)(event, session=session, by=organiser)
    with pytest.raises(NotAllowed):
        await sync_to_async(stop_recording)(recording, by=moderator)
    assert (await sync_to_async(Recording.objects.get)(pk=recording.pk)).state == RecordingState.RECORDING
    stopped = await sync_to_async(stop_recording)(recording, by=organiser)
    # Nobody was on air: nothing to replay, and the organiser is told so.
    assert (stopped.state, stopped.failure) == (RecordingState.FAILED, "recording.empty")


async def test_a_full_disk_stops_the_recording_and_the_organiser_reads_why(media):
    event, organiser, session = await _stage()
    room = f"stage.{session.pk}"
    await _go_live(media, room)
    recording = await sync_to_async(start_recording)(event, session=session, by=organiser)
    folder = folder_of(recording)
    # Every write of the speaker's video fails with ENOSPC (the kernel's full device).
    (folder / "01-5-speakertab_camera.video.ivf").symlink_to("/dev/full")
    async with asyncio.timeout(20):
        while get_router().host.recordings.recording_in(room) is not None:
            await asyncio.sleep(0.1)
        while (await sync_to_async(Recording.objects.get)(pk=recording.pk)).state == RecordingState.RECORDING:
            await asyncio.sleep(0.1)
    ended = await sync_to_async(Recording.objects.get)(pk=recording.pk)
    assert ended.stop_reason == DISK_ERROR
    assert "disk" in stop_reason_text(ended)
    # The speaker is still on air: the room never noticed.
    assert [p["id"] for p in get_router().host.engine.room_state(room)["publishers"]] == [
        "5-speakertab:camera"
    ]


async def test_a_media_process_shutting_down_keeps_what_was_recorded(media):
    event, organiser, session = await _stage()
    room = f"stage.{session.pk}"
    await get_router().room_state(room, test_pattern=True)  # the demo pattern is on air
    recording = await sync_to_async(start_recording)(event, session=session, by=organiser)
    await asyncio.sleep(1.5)
    await close_router()  # a restart: the engine goes, the recording is finished first

    ended = await sync_to_async(Recording.objects.get)(pk=recording.pk)
    assert (ended.state, ended.stop_reason) == (RecordingState.READY, "media_stopped")
    assert "media server was shut down" in stop_reason_text(ended)
    with av.open(str(folder_of(ended) / ended.replay_file)) as container:
        assert sum(1 for _ in container.decode(video=0)) > 10
