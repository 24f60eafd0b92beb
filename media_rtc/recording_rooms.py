"""The recordings one process's rooms are under: a `RoomRecorder` per recorded room, started and
stopped by the organiser's requests (ops "record.start" and "record.stop" of media_rtc/host.py),
told of every change of its room so new publishers are recorded too.

Everyone looking at the room hears `rtc.recording` when recording starts or stops, and again when
someone new starts publishing while it runs, so every speaker is told on screen. A recorder that
stops by itself (a cap, the disk) says so to the database through the task queue
("media_rtc.tasks.finish_recording"), since this module runs beside the engine, not in a request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from events.queue import enqueue

from .recording import MEDIA_STOPPED, STOPPED, RecordingResult, RoomRecorder
from .rooms import room_group, room_ref

log = logging.getLogger(__name__)

Push = Callable[[str, str, dict], Awaitable[None]]


class RoomRecordings:
    def __init__(self, engine, *, push: Push) -> None:
        self.engine = engine
        self._push = push
        self._recorders: dict[str, tuple[int, RoomRecorder]] = {}
        self._speakers: dict[str, set[str]] = {}
        engine.on_change(self._changed)

    def recording_in(self, room: str) -> int | None:
        found = self._recorders.get(room)
        return found[0] if found is not None and found[1].recording else None

    async def start(self, room: str, recording: int, folder: str, max_bytes: int, max_seconds: float) -> dict:
        """Start recording `room` into `folder` (an absolute path) as recording `recording`."""
        current = self._recorders.get(room)
        if current is not None and current[1].recording:
            return {"recording": current[0], "started": current[0] == recording}
        recorder = RoomRecorder(
            lambda: self.engine.published_sources(room),
            Path(folder),
            max_bytes=max_bytes,
            max_seconds=max_seconds,
            on_stop=lambda result: self._stopped_by_itself(room, recording, result),
            heartbeat_seconds=settings.RECORDING_HEARTBEAT_SECONDS,
        )
        recorder.start()
        self._recorders[room] = (recording, recorder)
        self._speakers[room] = set(self.engine.published_sources(room))
        await self._tell(room, recording=True)
        return {"recording": recording, "started": True}

    async def stop(self, room: str, recording: int) -> dict:
        """Stop recording `recording` of `room`; its files are complete when this returns."""
        current = self._recorders.get(room)
        if current is None or current[0] != recording:
            return {"known": False, "reason": STOPPED, "seconds": 0.0}
        result = await current[1].stop(STOPPED)
        self._forget(room, recording)
        await self._tell(room, recording=False, reason=result.reason)
        return {"known": True, "reason": result.reason, "seconds": result.seconds, "error": result.error}

    async def close(self) -> None:
        """This process is stopping: end every recording, keeping what was recorded."""
        for room, (recording, recorder) in list(self._recorders.items()):
            result = await recorder.stop(MEDIA_STOPPED)
            await self._stopped_by_itself(room, recording, result)

    # --- inside ---

    def _forget(self, room: str, recording: int) -> None:
        if self._recorders.get(room, (None,))[0] == recording:
            del self._recorders[room]
            self._speakers.pop(room, None)

    async def _changed(self, room: str, state: dict) -> None:
        found = self._recorders.get(room)
        if found is None or not found[1].recording:
            return
        found[1].follow()
        speakers = {publisher["id"] for publisher in state.get("publishers", [])}
        newcomers = speakers - self._speakers.get(room, set())
        self._speakers[room] = speakers
        if newcomers:
            await self._tell(room, recording=True)

    async def _stopped_by_itself(self, room: str, recording: int, result: RecordingResult) -> None:
        self._forget(room, recording)
        await self._tell(room, recording=False, reason=result.reason)
        try:
            await sync_to_async(enqueue)(
                "media_rtc.tasks.finish_recording", recording, result.reason, result.error
            )
        except Exception:
            log.exception("could not report that recording %s of %s stopped", recording, room)

    async def _tell(self, room: str, *, recording: bool, reason: str = "") -> None:
        data = {**room_ref(room), "recording": recording}
        if reason:
            data["reason"] = reason
        try:
            await self._push(room_group(room), "rtc.recording", data)
        except Exception:  # a push that fails must not stop the recording or the room
            log.exception("could not tell room %s about its recording", room)
