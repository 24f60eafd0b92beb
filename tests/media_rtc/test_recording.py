"""Recording a live room (media_rtc/recording.py) with real aiortc peers on 127.0.0.1: the forwarded
encoded frames go to disk untouched (nothing decoded on the live path), remux into a WebM PyAV
decodes with the right length; caps and a full disk stop the recording, never the room."""

from __future__ import annotations

import asyncio
import shutil
import struct

import aiortc.rtcrtpreceiver
import av
import pytest

from media_rtc.engine import MediaEngine, publisher_id
from media_rtc.recording import (
    CAP_REACHED,
    DISK_ERROR,
    STOPPED,
    RoomRecorder,
    read_manifest,
)
from media_rtc.recording_files import ogg_crc, opus_samples, vp8_size
from media_rtc.recording_rooms import RoomRecordings
from media_rtc.replay import ReplayError, remux_recording

from .rtc_peers import publish, watch

ROOM = "booth.7"
CAMERA = publisher_id("speaker", "camera")
BIG = 10**9


@pytest.fixture
async def engine():
    engine = MediaEngine(host_addresses=["127.0.0.1"], native_fanout=False)
    engine.peers = []
    yield engine
    await asyncio.gather(*(peer.close() for peer in engine.peers), return_exceptions=True)
    await engine.close()


@pytest.fixture
def decoders(monkeypatch):
    """Every decoder aiortc creates for a received track (its receivers' decoder threads)."""
    made = []
    real = aiortc.rtcrtpreceiver.get_decoder

    def spying(codec):
        made.append(codec.mimeType)
        return real(codec)

    monkeypatch.setattr(aiortc.rtcrtpreceiver, "get_decoder", spying)
    return made


async def _frames_arrive(source, count: int = 5) -> None:
    async with asyncio.timeout(10):
        while source.frames_in < count:
            await asyncio.sleep(0.05)


async def _live_publisher(engine, room=ROOM):
    """A real aiortc publisher (moving pattern and a tone) whose frames are arriving."""
    peer = await publish(engine, room, "speaker", label="camera", kind="booth")
    engine.peers.append(peer)
    sources = engine.published_sources(room)[CAMERA]
    await _frames_arrive(sources["video"])
    await _frames_arrive(sources["audio"])
    return sources


def _ivf_frames(path) -> list[bytes]:
    data = path.read_bytes()
    assert data[:4] == b"DKIF"
    frames, at = [], 32
    while at + 12 <= len(data):
        size = struct.unpack_from("<I", data, at)[0]
        frames.append(data[at + 12 : at + 12 + size])
        at += 12 + size
    return frames


async def test_a_live_publisher_recorded_for_3_seconds_remuxes_to_a_webm_that_decodes(
    engine, tmp_path, decoders
):
    sources = await _live_publisher(engine)
    pushed = []
    real_push = sources["video"].push
    sources["video"].push = lambda data, timestamp, **kw: (
        pushed.append(data),
        real_push(data, timestamp, **kw),
    )
    recorder = RoomRecorder(lambda: engine.published_sources(ROOM), tmp_path, max_bytes=BIG, max_seconds=60)
    recorder.start()
    await asyncio.sleep(3)
    result = await recorder.stop()

    assert result.reason == STOPPED
    assert sorted(track["kind"] for track in result.tracks) == ["audio", "video"]
    # The live path decoded nothing: no decoder was made, and every recorded frame is a VP8
    # frame exactly as the publisher sent it, the first a key frame.
    assert decoders == []
    recorded = _ivf_frames(tmp_path / next(t["file"] for t in result.tracks if t["kind"] == "video"))
    assert len(recorded) > 30
    assert vp8_size(recorded[0]) == (320, 180)
    assert [frame for frame in recorded if frame not in pushed] == []

    replay = remux_recording(tmp_path)
    with av.open(str(replay.main)) as container:
        assert [(s.type, s.codec_context.name) for s in container.streams] == [
            ("video", "vp8"),
            ("audio", "opus"),
        ]
        pictures = [frame for frame in container.decode(video=0)]
    assert len(pictures) == len(recorded)
    assert {(p.width, p.height) for p in pictures} == {(320, 180)}
    assert abs(replay.duration - 3.0) <= 0.5
    assert abs(replay.duration - result.seconds) <= 0.5
    assert replay.others == []


async def test_the_ogg_pages_carry_correct_checksums_and_every_opus_packet(engine, tmp_path):
    sources = await _live_publisher(engine)
    recorder = RoomRecorder(lambda: engine.published_sources(ROOM), tmp_path, max_bytes=BIG, max_seconds=60)
    recorder.start()
    await asyncio.sleep(1)
    result = await recorder.stop()
    audio = next(track for track in result.tracks if track["kind"] == "audio")
    # FFmpeg drops any page whose checksum is wrong when asked to check them.
    with av.open(str(tmp_path / audio["file"]), options={"err_detect": "crccheck"}) as container:
        packets = [packet for packet in container.demux(audio=0) if packet.size]
    assert len(packets) == audio["frames"]
    assert sources["audio"].frames_in >= audio["frames"]


def test_the_container_helpers_read_the_codecs_headers():
    assert ogg_crc(b"123456789") == 0x89A1897F  # the CRC-32/OGG check value
    assert opus_samples(bytes([31 << 3])) == 960  # CELT, 20 ms, one frame
    assert opus_samples(bytes([(31 << 3) | 3, 2])) == 1920  # two 20 ms frames
    assert opus_samples(bytes([(1 << 3) | 1])) == 1920  # SILK 20 ms, two frames
    assert opus_samples(b"") == 0
    keyframe = b"\x10\x02\x00\x9d\x01\x2a" + struct.pack("<HH", 640, 360)
    assert vp8_size(keyframe) == (640, 360)
    assert vp8_size(b"\x11" + keyframe[1:]) == (0, 0)  # an inter frame says no size


async def test_a_size_cap_stops_the_recording_keeps_what_was_recorded_and_the_room_stays_live(
    engine, tmp_path
):
    await engine.start_test_pattern(ROOM, member="demo")
    source = engine.published_sources(ROOM)["demo"]["video"]
    await _frames_arrive(source)
    stopped = asyncio.get_running_loop().create_future()
    recorder = RoomRecorder(
        lambda: engine.published_sources(ROOM),
        tmp_path,
        max_bytes=40_000,
        max_seconds=60,
        on_stop=stopped.set_result,
    )
    recorder.start()
    result = await asyncio.wait_for(stopped, 20)

    assert result.reason == CAP_REACHED
    assert 0 < result.bytes <= 40_000
    assert not recorder.recording
    assert read_manifest(tmp_path)["reason"] == CAP_REACHED
    replay = remux_recording(tmp_path)
    with av.open(str(replay.main)) as container:
        assert sum(1 for _ in container.decode(video=0)) > 0
    # The room goes on: its publisher is still live and still sends.
    before = source.frames_in
    await _frames_arrive(source, before + 5)
    assert [p["id"] for p in engine.room_state(ROOM)["publishers"]] == ["demo"]


async def test_a_duration_cap_stops_the_recording_by_itself(engine, tmp_path):
    await engine.start_test_pattern(ROOM, member="demo")
    stopped = asyncio.get_running_loop().create_future()
    recorder = RoomRecorder(
        lambda: engine.published_sources(ROOM),
        tmp_path,
        max_bytes=BIG,
        max_seconds=1,
        on_stop=stopped.set_result,
    )
    recorder.start()
    result = await asyncio.wait_for(stopped, 10)
    assert result.reason == CAP_REACHED
    assert remux_recording(tmp_path).duration <= 1.5
    assert (await recorder.stop()).reason == CAP_REACHED  # stopping again changes nothing


async def test_a_full_disk_stops_the_recording_says_why_and_never_breaks_the_room(engine, tmp_path, decoders):
    await engine.start_test_pattern(ROOM, member="demo")
    await _live_publisher(engine)
    viewer = await watch(engine, ROOM, "visitor", CAMERA, max_viewers=10)
    engine.peers.append(viewer)
    await viewer.wait_for_picture()
    # The kernel's full device: every write to the first camera's file fails with ENOSPC.
    (tmp_path / "01-demo.video.ivf").symlink_to("/dev/full")
    stopped = asyncio.get_running_loop().create_future()
    recorder = RoomRecorder(
        lambda: engine.published_sources(ROOM),
        tmp_path,
        max_bytes=BIG,
        max_seconds=60,
        on_stop=stopped.set_result,
    )
    recorder.start()
    result = await asyncio.wait_for(stopped, 20)

    assert result.reason == DISK_ERROR
    assert "No space left on device" in result.error
    assert not recorder.recording
    # The room is untouched: both publishers are live and the viewer still gets pictures.
    assert sorted(p["id"] for p in engine.room_state(ROOM)["publishers"]) == sorted(["demo", CAMERA])
    decoded = viewer.decoded["video"]
    async with asyncio.timeout(10):
        while viewer.decoded["video"] < decoded + 10:
            await asyncio.sleep(0.05)
    assert "video/VP8" in decoders  # the spy sees decoders: the viewer's, the only ones made


async def test_a_room_recorded_before_anyone_publishes_records_who_comes_and_tells_them(engine, tmp_path):
    pushes = []

    async def push(group, frame_type, data):
        pushes.append((group, frame_type, data))

    recordings = RoomRecordings(engine, push=push)
    started = await recordings.start(ROOM, 41, str(tmp_path), BIG, 60)
    assert started == {"recording": 41, "started": True}
    assert await recordings.start(ROOM, 42, str(tmp_path / "other"), BIG, 60) == {
        "recording": 41,
        "started": False,
    }
    await engine.start_test_pattern(ROOM, member="demo")
    await _frames_arrive(engine.published_sources(ROOM)["demo"]["video"], 30)
    stopped = await recordings.stop(ROOM, 41)

    assert stopped["known"] is True
    assert stopped["reason"] == STOPPED
    told = [(group, frame_type, data) for group, frame_type, data in pushes]
    assert told == [
        ("rtc.booth.7", "rtc.recording", {"room": ROOM, "booth": 7, "recording": True}),  # started
        ("rtc.booth.7", "rtc.recording", {"room": ROOM, "booth": 7, "recording": True}),  # someone new on air
        ("rtc.booth.7", "rtc.recording", {"room": ROOM, "booth": 7, "recording": False, "reason": STOPPED}),
    ]
    assert [track["publisher"] for track in read_manifest(tmp_path)["tracks"]] == ["demo", "demo"]
    assert recordings.recording_in(ROOM) is None
    assert (await recordings.stop(ROOM, 41))["known"] is False


async def test_a_recording_with_nobody_on_air_has_nothing_to_replay(engine, tmp_path):
    recorder = RoomRecorder(lambda: engine.published_sources(ROOM), tmp_path, max_bytes=BIG, max_seconds=60)
    recorder.start()
    result = await recorder.stop()
    assert result.tracks == []
    with pytest.raises(ReplayError) as refused:
        remux_recording(tmp_path)
    assert refused.value.code == "recording.empty"


async def test_a_recording_cut_off_mid_way_still_remuxes_what_reached_the_disk(engine, tmp_path):
    """As if the media process died: the folder as it is while recording, never closed."""
    await engine.start_test_pattern(ROOM, member="demo")
    live = tmp_path / "live"
    recorder = RoomRecorder(lambda: engine.published_sources(ROOM), live, max_bytes=BIG, max_seconds=60)
    recorder.start()
    await asyncio.sleep(2.5)
    cut_off = tmp_path / "cut-off"
    await asyncio.to_thread(shutil.copytree, live, cut_off)
    await recorder.stop()

    manifest = read_manifest(cut_off)
    assert manifest["reason"] == "recording"  # the one written with the first frames, not the last
    assert sorted(track["kind"] for track in manifest["tracks"]) == ["audio", "video"]
    replay = remux_recording(cut_off)
    with av.open(str(replay.main)) as container:
        assert sum(1 for _ in container.decode(video=0)) > 10
    assert read_manifest(live)["reason"] == STOPPED
