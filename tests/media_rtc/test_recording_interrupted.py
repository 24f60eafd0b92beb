"""A recording whose media process died (`kill -9`): no close, no last manifest, a last frame cut
in half. Its heartbeat goes stale, the sweep stops it as interrupted, the replay task remuxes what
reached the disk into a WebM PyAV decodes, the organiser reads when it was interrupted and can
record again; a second sweep and a late Stop change nothing."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import av
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.urls import reverse
from django.utils import timezone, translation

from media_rtc.engine import MediaEngine
from media_rtc.models import Recording, RecordingState
from media_rtc.recording import HEARTBEAT, INTERRUPTED, RoomRecorder, last_heartbeat, read_manifest
from media_rtc.routing import close_router
from media_rtc.services.recordings import (
    folder_of,
    stop_reason_text,
    stop_recording,
    sweep_interrupted_recordings,
)
from tests.factories import SessionFactory

from . import recording_child

ROOM = "booth.7"
BIG = 10**9


@pytest.fixture
async def engine():
    engine = MediaEngine(host_addresses=["127.0.0.1"], native_fanout=False)
    yield engine
    await engine.close()


@pytest.fixture
def loopback_media(settings):
    settings.RTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.RTC_MEDIA_WORKERS = False
    settings.RTC_TURN_URLS = []


def _interrupted_recording(session, *, beat_ago: float, started_ago: float = 600) -> Recording:
    """A row still `recording`, its folder as a killed media process left it, its heartbeat old."""
    recording = Recording.objects.create(event=session.event, room=f"stage.{session.pk}", session=session)
    recording.folder = f"recordings/{recording.pk}"
    recording.save(update_fields=["folder"])
    Recording.objects.filter(pk=recording.pk).update(
        started_at=timezone.now() - timedelta(seconds=started_ago)
    )
    folder = folder_of(recording)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HEARTBEAT).touch()
    at = time.time() - beat_ago
    os.utime(folder / HEARTBEAT, (at, at))
    recording.refresh_from_db()
    return recording


def _cut_last_frame(path, size: int = 7) -> None:
    """What a process killed mid-write leaves: the file's last frame (or Ogg page) half there."""
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size - size)


async def test_a_recorder_beats_while_it_records_even_with_nobody_on_air_and_stops_beating(engine, tmp_path):
    recorder = RoomRecorder(
        lambda: engine.published_sources(ROOM), tmp_path, max_bytes=BIG, max_seconds=60, heartbeat_seconds=0.2
    )
    recorder.start()
    first = last_heartbeat(tmp_path)
    assert first is not None
    os.utime(tmp_path / HEARTBEAT, (first - 100, first - 100))
    await asyncio.sleep(0.8)
    beaten = last_heartbeat(tmp_path)
    assert beaten > first - 50  # touched again since it was set back by 100 s
    await recorder.stop()
    os.utime(tmp_path / HEARTBEAT, (first - 100, first - 100))
    await asyncio.sleep(0.6)
    assert last_heartbeat(tmp_path) == first - 100  # a stopped recorder says nothing more


@pytest.mark.django_db(transaction=True)
async def test_a_killed_recording_is_swept_as_interrupted_and_what_was_written_replays(
    engine, tmp_path, event
):
    session = await sync_to_async(SessionFactory)(event=event, title="Keynote")
    recording = await sync_to_async(_interrupted_recording)(session, beat_ago=120)
    await engine.start_test_pattern(ROOM, member="demo")
    live = tmp_path / "live"
    recorder = RoomRecorder(lambda: engine.published_sources(ROOM), live, max_bytes=BIG, max_seconds=60)
    recorder.start()
    await asyncio.sleep(3)
    # kill -9: the folder as it is while recording (manifest of the first frames, no close)...
    folder = folder_of(recording)
    await asyncio.to_thread(shutil.copytree, live, folder, dirs_exist_ok=True)
    await recorder.stop()
    os.utime(folder / HEARTBEAT, (time.time() - 120,) * 2)
    manifest = read_manifest(folder)
    assert manifest["reason"] == "recording"
    # ...and each track's last frame half written.
    for track in manifest["tracks"]:
        _cut_last_frame(folder / track["file"])

    swept = await sync_to_async(sweep_interrupted_recordings)()

    assert swept == [recording.pk]
    done = await sync_to_async(Recording.objects.select_related("event").get)(pk=recording.pk)
    assert (done.state, done.stop_reason, done.failure) == (RecordingState.READY, INTERRUPTED, "")
    # Interrupted when it last beat, not when the sweep came by.
    assert abs((done.stopped_at - (timezone.now() - timedelta(seconds=120))).total_seconds()) < 10
    assert abs(done.duration - 3.0) <= 0.7
    with av.open(str(folder / done.replay_file)) as container:
        assert [stream.type for stream in container.streams] == ["video", "audio"]
        pictures = sum(1 for _ in container.decode(video=0))
    assert pictures > 30
    assert done.low_file == "video-low.mp4"

    assert await sync_to_async(sweep_interrupted_recordings)() == []
    again = await sync_to_async(Recording.objects.get)(pk=recording.pk)
    assert (again.state, again.stopped_at, again.replay_file) == (
        RecordingState.READY,
        done.stopped_at,
        done.replay_file,
    )


@pytest.mark.django_db(transaction=True)
def test_a_media_process_killed_with_sigkill_leaves_a_recording_the_sweep_prepares(event, settings):
    """The real thing: a separate process records, gets SIGKILL after ~3 s, and nothing else
    happens until the heartbeat is stale; then one sweep gives a replay of about 3 s."""
    settings.RECORDING_STALE_SECONDS = 3  # six missed beats of 0.5 s: a loaded machine still beats
    session = SessionFactory(event=event, title="Keynote")
    recording = Recording.objects.create(event=event, room=f"stage.{session.pk}", session=session)
    recording.folder = f"recordings/{recording.pk}"
    recording.save(update_fields=["folder"])
    folder = folder_of(recording)
    child = subprocess.Popen(
        [sys.executable, "-m", recording_child.__name__, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=settings.BASE_DIR,
    )
    try:
        assert child.stdout.readline().strip() == "recording"
        time.sleep(3.5)  # past RECORDING_STALE_SECONDS since it started: only the heartbeat keeps it
        assert sweep_interrupted_recordings() == []  # alive: its heartbeat is fresh
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert read_manifest(folder)["reason"] == "recording"  # it closed nothing
    time.sleep(settings.RECORDING_STALE_SECONDS + 1)

    assert sweep_interrupted_recordings() == [recording.pk]

    recording.refresh_from_db()
    assert (recording.state, recording.stop_reason) == (RecordingState.READY, INTERRUPTED)
    assert 2.0 <= recording.duration <= 5.0
    with av.open(str(folder / recording.replay_file)) as container:
        assert sum(1 for _ in container.decode(video=0)) > 30
    assert sweep_interrupted_recordings() == []


@pytest.mark.django_db
def test_a_recording_whose_heartbeat_is_fresh_is_left_recording(event):
    session = SessionFactory(event=event)
    alive = _interrupted_recording(session, beat_ago=5)
    assert sweep_interrupted_recordings() == []
    alive.refresh_from_db()
    assert (alive.state, alive.stop_reason) == (RecordingState.RECORDING, "")


@pytest.mark.django_db
def test_a_recording_just_started_is_not_taken_for_dead_before_its_first_beat(event):
    session = SessionFactory(event=event)
    just_started = _interrupted_recording(session, beat_ago=120, started_ago=5)
    (folder_of(just_started) / HEARTBEAT).unlink()
    assert sweep_interrupted_recordings() == []


@pytest.mark.django_db
def test_the_organiser_reads_when_it_was_interrupted_and_may_record_again(client, owner, event):
    event.time_zone = "Asia/Seoul"
    event.save(update_fields=["time_zone"])
    session = SessionFactory(event=event, title="Keynote")
    recording = _interrupted_recording(session, beat_ago=120)
    beat = datetime(2026, 5, 4, 5, 7, tzinfo=UTC)  # 14:07 in Seoul
    os.utime(folder_of(recording) / HEARTBEAT, (beat.timestamp(),) * 2)
    Recording.objects.filter(pk=recording.pk).update(started_at=beat - timedelta(minutes=30))

    assert sweep_interrupted_recordings() == [recording.pk]
    client.force_login(owner)
    shown = client.get(reverse("recordings:session", args=[event.slug, session.pk])).content.decode()
    assert (
        "Interrupted at 14:07: the media server stopped without finishing the recording. The replay "
        "is prepared from what was recorded until then; start a new recording to go on."
    ) in shown
    assert "Start recording" in shown and "Stop recording" not in shown
    recording.refresh_from_db()
    with translation.override("ko"):
        korean = stop_reason_text(recording)
    assert korean.startswith("14:07에 중단되었습니다")


@pytest.mark.django_db(transaction=True)
def test_stop_pressed_after_the_media_process_died_does_not_fail(client, owner, event, loopback_media):
    session = SessionFactory(event=event)
    recording = _interrupted_recording(session, beat_ago=30)  # not yet stale: the sweep has not come
    client.force_login(owner)
    try:
        stopped = client.post(reverse("recordings:session_stop", args=[event.slug, session.pk]))
    finally:
        async_to_sync(close_router)()
    assert stopped.status_code == 302
    recording.refresh_from_db()
    # The live process never heard of it (it died, another took its place): interrupted, prepared.
    assert recording.stop_reason == INTERRUPTED
    assert recording.failure == "recording.empty"  # nothing reached this folder's disk
    assert sweep_interrupted_recordings() == []
    assert stop_recording(recording, by=owner).stop_reason == INTERRUPTED  # a second Stop: a no-op
