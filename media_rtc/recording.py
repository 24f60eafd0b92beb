"""Recording a live room: the encoded frames its publishers send are written to disk as they pass.

Why this shape. The recorder subscribes to each publisher's `EncodedSource` exactly like a viewer
(a `ForwardedTrack`), so it gets the very VP8 frames and Opus packets viewers get, starting at a
keyframe, on one continuous timeline even when a publisher reconnects; nothing is decoded or
encoded on the live path. Each track goes into the simplest standard container for its codec:
IVF for VP8 (a 32-byte header, then size + timestamp + frame), Ogg for Opus (a page per packet).
Both are appended frame by frame, need no index at the end (a recording cut short by a crash or a
full disk is still readable up to its last whole frame), and FFmpeg reads both, so the replay task
(media_rtc/replay.py) only remuxes them into WebM. Muxing WebM live through PyAV would put FFmpeg
and its index writing in the live process for hours, and a broken muxer would lose everything.

The disk is written by one thread per recording, fed through a bounded queue: the event loop only
hands over bytes. A disk error or a disk that cannot keep up stops the recording (never the room)
and says why; so do the size and duration caps (RECORDING_MAX_BYTES, RECORDING_MAX_SECONDS), after
which what was recorded is kept. Files go under settings.PRIVATE_ROOT (never served directly).

While it runs, the recorder touches its folder's `heartbeat` file every few seconds, frames or
not. A media process killed outright (`kill -9`, the machine lost) writes no manifest at the end and
tells nobody; its heartbeat goes stale, and media_rtc.services.recordings'
`sweep_interrupted_recordings` (Celery beat, each minute) stops such a recording as INTERRUPTED.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from aiortc.mediastreams import MediaStreamError

from .forwarding import EncodedSource, ForwardedTrack
from .recording_files import IvfWriter, OggOpusWriter

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MANIFEST_KIND = "manifest"
#: Why a recording stopped: asked to, a cap was reached, or the disk failed or fell behind.
STOPPED, CAP_REACHED, DISK_ERROR, DISK_TOO_SLOW = "stopped", "cap_reached", "disk_error", "disk_too_slow"
#: ...or the media process hosting the room was shut down (a restart, a deploy).
MEDIA_STOPPED = "media_stopped"
#: ...or that process died without a word (its heartbeat went stale): found by the sweep.
INTERRUPTED = "interrupted"
HEARTBEAT = "heartbeat"
#: Frames waiting for the disk before the recording gives up on it (about 10 s of a booth's media).
WRITE_QUEUE_FRAMES = 1500
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


# --- The disk ---------------------------------------------------------------------------------


@dataclass
class TrackFile:
    """One recorded track: its file in the recording's folder and when its first frame came."""

    publisher: str
    kind: str
    name: str
    offset: float | None = None  # seconds from the recording's start to this track's first frame
    frames: int = 0

    def describe(self) -> dict:
        return {
            "publisher": self.publisher,
            "kind": self.kind,
            "file": self.name,
            "offset": self.offset,
            "frames": self.frames,
        }


class DiskWriter:
    """The one thread that writes a recording's files, fed through a bounded queue.

    `on_failure(reason)` is called in the writer's thread when the disk fails (DISK_ERROR);
    `put` returns False when the queue is full (DISK_TOO_SLOW): the caller stops the recording."""

    def __init__(
        self, folder: Path, *, on_failure: Callable[[str], None], capacity: int = WRITE_QUEUE_FRAMES
    ):
        self.folder = folder
        self.on_failure = on_failure
        self.bytes_written = 0
        self.error: str = ""
        self._queue: queue.Queue = queue.Queue(maxsize=capacity)
        self._files: dict[str, tuple[BinaryIO, Any]] = {}
        # Started with the first frame: a recording of a room where nobody publishes holds none.
        self._thread: threading.Thread | None = None

    def put(self, name: str, kind: str, data: bytes, timestamp: int) -> bool:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"recording {self.folder.name}", daemon=True
            )
            self._thread.start()
        try:
            self._queue.put_nowait((name, kind, data, timestamp))
        except queue.Full:
            return False
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, close the files (blocks: call it in a thread)."""
        if self._thread is None:
            return
        while True:
            try:
                self._queue.put(None, timeout=0.5)
                break
            except queue.Full:
                if not self._thread.is_alive():
                    break
        self._thread.join(timeout)

    def _run(self) -> None:
        failed = False
        while True:
            item = self._queue.get()
            if item is None:
                break
            if failed:
                continue  # drain the queue; nothing more is written
            try:
                self._write(*item)
            except Exception as error:  # a full disk (OSError) above all; any failure stops it
                failed = True
                self.error = getattr(error, "strerror", None) or str(error)
                logger.warning("recording in %s stopped: %s", self.folder, error)
                self.on_failure(DISK_ERROR)
        for handle, _writer in self._files.values():
            try:
                handle.close()
            except OSError as error:
                if not failed:
                    self.error = error.strerror or str(error)
                    self.on_failure(DISK_ERROR)
                    failed = True

    def _write(self, name: str, kind: str, data: bytes, timestamp: int) -> None:
        if kind == MANIFEST_KIND:  # replaced whole, never left half written
            draft = self.folder / f"{name}.part"
            draft.write_bytes(data)
            os.replace(draft, self.folder / name)
            return
        opened = self._files.get(name)
        if opened is None:
            handle = open(self.folder / name, "wb")  # noqa: SIM115  closed when the recording ends
            opened = self._files[name] = (
                handle,
                IvfWriter(handle) if kind == "video" else OggOpusWriter(handle),
            )
        self.bytes_written += opened[1].write(data, timestamp)


# --- The recorder -----------------------------------------------------------------------------


@dataclass
class _Tap:
    """The recorder's own viewer of one publisher's track: it follows the publisher's new source
    after a reconnect, on the same timeline."""

    file: TrackFile
    track: ForwardedTrack
    task: asyncio.Task | None = None


@dataclass
class RecordingResult:
    reason: str
    seconds: float
    bytes: int
    tracks: list[dict] = field(default_factory=list)
    error: str = ""


Sources = Callable[[], dict[str, dict[str, EncodedSource]]]


class RoomRecorder:
    """Writes what every publisher of one room sends into `folder` until stopped or capped.

    `sources()` gives the room's publishers' sources now (MediaEngine.published_sources); call
    `follow()` whenever the room changes so new publishers are recorded too. `on_stop(result)` is
    called once in the loop when the recorder stops by itself (cap, disk); `stop()` returns it.
    """

    def __init__(
        self,
        sources: Sources,
        folder: Path,
        *,
        max_bytes: int,
        max_seconds: float,
        on_stop: Callable[[RecordingResult], Any] | None = None,
        heartbeat_seconds: float = 10.0,
    ) -> None:
        self.sources = sources
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.on_stop = on_stop
        self.heartbeat_seconds = heartbeat_seconds
        self.bytes_in = 0
        self._taps: dict[tuple[str, str], _Tap] = {}
        self._started_at = 0.0
        self._result: RecordingResult | None = None
        self._stopping: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cap_timer: asyncio.TimerHandle | None = None
        self._heartbeat: asyncio.Task | None = None
        self._writer: DiskWriter | None = None
        self._telling: asyncio.Future | None = None

    @property
    def recording(self) -> bool:
        return self._writer is not None and self._stopping is None

    def start(self) -> None:
        """Begin (raises OSError when the folder cannot be made: nothing is recorded then)."""
        self._loop = asyncio.get_running_loop()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._started_at = time.monotonic()
        self._writer = DiskWriter(self.folder, on_failure=self._failed_in_thread)
        self._cap_timer = self._loop.call_later(self.max_seconds, self._stop_by_itself, CAP_REACHED)
        touch_heartbeat(self.folder)  # at once: the sweep never takes a recording just started for dead
        self._heartbeat = asyncio.ensure_future(self._beat())
        self.follow()

    def follow(self) -> None:
        """Record every publisher the room has now (a new one from its next keyframe)."""
        if not self.recording:
            return
        for publisher, kinds in self.sources().items():
            for kind, source in kinds.items():
                tap = self._taps.get((publisher, kind))
                if tap is None:
                    tap = self._tap(publisher, kind)
                tap.track.attach(source)

    async def stop(self, reason: str = STOPPED) -> RecordingResult:
        """Stop, write what is queued, close the files and the manifest (safe to call twice)."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._finish(reason))
        return await asyncio.shield(self._stopping)

    # --- inside ---

    def _tap(self, publisher: str, kind: str) -> _Tap:
        index = sum(1 for key in self._taps if key[1] == kind) + 1
        stem = _SAFE_NAME.sub("_", publisher)[:40] or "publisher"
        name = f"{index:02d}-{stem}.{kind}.{'ivf' if kind == 'video' else 'ogg'}"
        tap = _Tap(TrackFile(publisher, kind, name), ForwardedTrack(kind))
        tap.task = asyncio.ensure_future(self._record(tap))
        self._taps[(publisher, kind)] = tap
        return tap

    async def _record(self, tap: _Tap) -> None:
        while True:
            try:
                frame = await tap.track.recv()
            except MediaStreamError:
                return
            self._frame(tap, frame.data, frame.pts)

    def _frame(self, tap: _Tap, data: bytes, timestamp: int) -> None:
        """On the live path: count and hand over the bytes; the writer's thread does the rest."""
        if not self.recording:
            return
        if self.bytes_in + len(data) > self.max_bytes:
            self._stop_by_itself(CAP_REACHED)
            return
        first = tap.file.offset is None
        if first:
            tap.file.offset = round(time.monotonic() - self._started_at, 3)
        if not self._writer.put(tap.file.name, tap.file.kind, data, timestamp):
            self._stop_by_itself(DISK_TOO_SLOW)
            return
        self.bytes_in += len(data)
        tap.file.frames += 1
        if first:
            # Written again at the end; until then a media process that dies mid-recording still
            # leaves a folder whose tracks the replay task can find.
            self._writer.put(MANIFEST, MANIFEST_KIND, self._manifest(None, "recording"), 0)

    async def _beat(self) -> None:
        """Touch the heartbeat while recording, whether frames pass or nobody is on air: a
        recording of an empty stage is alive too. A heartbeat that cannot be written is the
        disk's trouble, which the writer reports; the beat goes on."""
        while self.recording:
            await asyncio.sleep(self.heartbeat_seconds)
            if not self.recording:
                return
            try:
                await asyncio.to_thread(touch_heartbeat, self.folder)
            except OSError as error:
                logger.warning("recording in %s: heartbeat not written: %s", self.folder, error)

    def _failed_in_thread(self, reason: str) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stop_by_itself, reason)

    def _stop_by_itself(self, reason: str) -> None:
        if self._stopping is not None:
            return
        self._stopping = asyncio.ensure_future(self._finish(reason))
        if self.on_stop is not None:
            self._stopping.add_done_callback(self._tell_stopped)

    def _tell_stopped(self, stopping: asyncio.Future) -> None:
        if stopping.cancelled() or stopping.exception() is not None:
            return
        try:
            result = self.on_stop(stopping.result())
            if asyncio.iscoroutine(result):
                # Held until done: the loop keeps only weak references to its tasks.
                self._telling = asyncio.ensure_future(result)
        except Exception:
            logger.exception("telling that a recording stopped failed")

    async def _finish(self, reason: str) -> RecordingResult:
        if self._cap_timer is not None:
            self._cap_timer.cancel()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        seconds = time.monotonic() - self._started_at
        for tap in self._taps.values():
            tap.track.stop()
        tasks = [tap.task for tap in self._taps.values() if tap.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        writer = self._writer
        if writer is not None:
            await asyncio.to_thread(writer.close)
        error = writer.error if writer is not None else ""
        if error and reason in (STOPPED, CAP_REACHED, MEDIA_STOPPED):
            reason = DISK_ERROR
        tracks = [tap.file.describe() for tap in self._taps.values() if tap.file.frames]
        result = RecordingResult(
            reason=reason, seconds=round(seconds, 3), bytes=self.bytes_in, tracks=tracks, error=error
        )
        try:
            await asyncio.to_thread(self._write_manifest, result)
        except OSError as failed:
            result.reason, result.error = DISK_ERROR, failed.strerror or str(failed)
        self._result = result
        return result

    def _write_manifest(self, result: RecordingResult) -> None:
        (self.folder / MANIFEST).write_bytes(self._manifest(result.seconds, result.reason, result.tracks))

    def _manifest(self, seconds: float | None, reason: str, tracks: list[dict] | None = None) -> bytes:
        if tracks is None:
            tracks = [tap.file.describe() for tap in self._taps.values() if tap.file.frames]
        return json.dumps({"seconds": seconds, "reason": reason, "tracks": tracks}, indent=1).encode()


def touch_heartbeat(folder: Path) -> None:
    """The recorder is alive: the file's modification time is when it last said so."""
    (folder / HEARTBEAT).touch()


def last_heartbeat(folder: Path) -> float | None:
    """When the recorder of this folder last said it was alive (a Unix time), None if never."""
    try:
        return (folder / HEARTBEAT).stat().st_mtime
    except OSError:
        return None


def read_manifest(folder: Path) -> dict:
    """What a recording's folder holds (see RoomRecorder._write_manifest); {} if it has none."""
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
