"""Fan-out of encoded frames: one `EncodedSource` per published track, one `ForwardedTrack` per viewer.

No frame is decoded or encoded here. A viewer's track hands the publisher's encoded frames to
aiortc's sender as light `PackedFrame`s sharing the publisher's payload bytes (no copy per viewer),
which the sender only packetizes (split into packets once per frame for all viewers). Each viewer's
timestamps are rewritten so its stream stays continuous when it moves to another source (tier
switch, publisher reconnect), and a viewer that joins or falls behind starts again at a keyframe.

A viewer whose track has a native `outlet` (media_rtc/native, given by the engine once its
connection is up) is not served through aiortc's sender at all: the source hands each frame to
the native fan-out once for all such viewers, which rewrites, protects and sends every viewer's
packets in one call, on the process's sending thread (the event loop only queues the frame). The
same rules hold there (fanout.c mirrors `ForwardedTrack.offer`), and the source keeps its last
frames so a viewer's NACK can be answered.
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .aiortc_internals import PackedFrame, split_vp8, vp8_descriptor
from .native import send_soon

logger = logging.getLogger(__name__)

VIDEO_CLOCK_RATE = 90_000
AUDIO_CLOCK_RATE = 48_000
#: Frames a viewer may lag behind before it is cut back to the next keyframe (about 1 s of video).
MAX_QUEUED_FRAMES = {"video": 30, "audio": 50}
#: Nominal frame spacing, used only to bridge the gap when a viewer moves to another source.
FRAME_STEP = {"video": VIDEO_CLOCK_RATE // 30, "audio": 960}
#: A publisher is not asked for keyframes more often than this (many viewers joining at once).
KEYFRAME_REQUEST_INTERVAL = 0.3
#: While someone still waits for a keyframe, ask again after this long (a PLI may be lost).
KEYFRAME_RETRY_AFTER = 1.0
#: Frames a source keeps to answer native viewers' NACKs (fanout.c remembers as many per viewer).
NACK_HISTORY_FRAMES = 128


@dataclass(slots=True)
class EncodedFrame:
    data: bytes
    #: In the source's clock units (90 kHz video, 48 kHz audio), increasing within a generation.
    timestamp: int
    keyframe: bool
    #: Bumped by the source when its upstream changes (publisher reconnected): timestamps restart.
    generation: int = 0
    #: The payload split into RTP packets, made by the first viewer's sender for all the others.
    chunks: list[bytes] | None = None


def is_vp8_keyframe(data: bytes) -> bool:
    """RFC 6386 9.1: the frame tag's bit 0 is 0 on a key frame, followed by the start code."""
    return len(data) >= 6 and not (data[0] & 1) and data[3:6] == b"\x9d\x01\x2a"


class EncodedSource:
    """One published track's encoded frames, fanned out to every subscriber.

    `keyframe_requester` is called (at most every KEYFRAME_REQUEST_INTERVAL) when a subscriber
    needs a keyframe: a PLI to a browser publisher, or a forced keyframe in our own encoders.
    `on_subscribers_changed(count)` lets an owner start or stop work lazily (the low tier).
    """

    def __init__(
        self,
        kind: str,
        *,
        keyframe_requester: Callable[[], None] | None = None,
        on_subscribers_changed: Callable[[int], None] | None = None,
        name: str = "",
    ) -> None:
        self.kind = kind
        self.name = name
        self.clock_rate = VIDEO_CLOCK_RATE if kind == "video" else AUDIO_CLOCK_RATE
        self.keyframe_requester = keyframe_requester
        self.on_subscribers_changed = on_subscribers_changed
        self.generation = 0
        self.frames_in = 0
        self.bytes_in = 0
        self._subscribers: dict[int, ForwardedTrack] = {}
        # Who gets each frame: Python-path tracks one by one, native outlets in one call.
        self._tracks: list[ForwardedTrack] = []
        self._outlets: list = []
        self._serial = 0
        self._history: deque[tuple[int, list[bytes]]] = deque(maxlen=NACK_HISTORY_FRAMES)
        self._last_request = -1e9
        self._scheduled: asyncio.TimerHandle | None = None
        self._retry: asyncio.TimerHandle | None = None
        self._closed = False

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    @property
    def native_subscriber_count(self) -> int:
        return len(self._outlets)

    def _sort_subscribers(self) -> None:
        self._tracks = [t for t in self._subscribers.values() if t.outlet is None]
        self._outlets = [t.outlet for t in self._subscribers.values() if t.outlet is not None]

    def subscribe(self, track: ForwardedTrack) -> None:
        self._subscribers[id(track)] = track
        self._sort_subscribers()
        if self.kind == "video":
            self.request_keyframe()
        if self.on_subscribers_changed:
            self.on_subscribers_changed(len(self._subscribers))

    def unsubscribe(self, track: ForwardedTrack) -> None:
        if self._subscribers.pop(id(track), None) is None:
            return
        self._sort_subscribers()
        if self.on_subscribers_changed:
            self.on_subscribers_changed(len(self._subscribers))

    def new_generation(self) -> None:
        """The upstream was replaced: timestamps restart, so every viewer re-anchors at a keyframe."""
        self.generation += 1
        if self.kind == "video" and self._subscribers:
            self.request_keyframe()

    def push(self, data: bytes, timestamp: int, *, keyframe: bool | None = None) -> None:
        if self._closed:
            return
        if keyframe is None:
            keyframe = self.kind != "video" or is_vp8_keyframe(data)
        frame = EncodedFrame(data, timestamp, keyframe, self.generation)
        self.frames_in += 1
        self.bytes_in += len(data)
        self._serial += 1
        if self._outlets:
            chunks = frame.chunks = split_vp8(data) if self.kind == "video" else [data]
            self._history.append((self._serial, chunks))
            # Only queued here: the sending thread sends it, off the event loop (media_rtc/native).
            frame_for_outlets = (
                tuple(self._outlets),
                chunks,
                timestamp,
                keyframe,
                id(self),
                self.generation,
                self._serial,
            )
            send_soon(frame_for_outlets, video=self.kind == "video", on_dropped=self.request_keyframe)
        for track in self._tracks:
            track.offer(frame, self)

    def sent_frame(self, serial: int) -> list[bytes] | None:
        """The packet payloads of frame `serial`, if it is still in the NACK history."""
        for kept, chunks in reversed(self._history):
            if kept == serial:
                return chunks
            if kept < serial:
                break
        return None

    def request_keyframe(self) -> None:
        """Ask upstream for a keyframe now, or as soon as the rate limit allows."""
        if self.kind != "video" or self.keyframe_requester is None or self._closed:
            return
        if self._scheduled is not None:
            return  # a request is already due; it serves this subscriber too
        wait = self._last_request + KEYFRAME_REQUEST_INTERVAL - time.monotonic()
        if wait <= 0:
            self._send_request()
        else:
            self._scheduled = asyncio.get_running_loop().call_later(wait, self._send_scheduled)

    def _send_scheduled(self) -> None:
        self._scheduled = None
        self._send_request()

    def _send_request(self) -> None:
        if self._closed:
            return
        self._last_request = time.monotonic()
        try:
            self.keyframe_requester()
        except Exception:
            logger.exception("keyframe request for %s failed", self.name or self.kind)
        # A PLI can be lost or ignored: ask again while someone still waits.
        if self._retry is not None:
            self._retry.cancel()
        self._retry = asyncio.get_running_loop().call_later(KEYFRAME_RETRY_AFTER, self._retry_if_waiting)

    def _retry_if_waiting(self) -> None:
        self._retry = None
        if any(track.waiting_for_keyframe for track in self._subscribers.values()):
            self.request_keyframe()

    def close(self) -> None:
        """Stop fanning out; subscribers stay attached but receive nothing more."""
        self._closed = True
        for timer in (self._scheduled, self._retry):
            if timer is not None:
                timer.cancel()
        self._scheduled = self._retry = None


class ForwardedTrack(MediaStreamTrack):
    """What one viewer's sender reads: encoded frames of whichever source it is attached to.

    Detached (audio-only tier for video), `recv()` simply waits, so the sender sends no RTP.
    """

    def __init__(self, kind: str, *, max_queued: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.clock_rate = VIDEO_CLOCK_RATE if kind == "video" else AUDIO_CLOCK_RATE
        self._time_base = fractions.Fraction(1, self.clock_rate)
        self._max_queued = max_queued or MAX_QUEUED_FRAMES[kind]
        self._queue: deque[tuple[EncodedFrame, int]] = deque()
        self._waiter: asyncio.Future | None = None
        self.source: EncodedSource | None = None
        #: The native fan-out's outlet for this viewer, if it has one (see `use_outlet`).
        self.outlet = None
        self._waiting_for_keyframe = kind == "video"
        # Timestamp rewriting: out = in + offset; re-anchored when the source or its generation changes.
        self._anchor: tuple[int, int] | None = None  # (source id, generation) the offset is for
        self._offset = 0
        self._last_out: int | None = None
        self._last_out_at = 0.0
        self.frames_out = 0
        self.bytes_out = 0
        self.frames_dropped = 0

    @property
    def waiting_for_keyframe(self) -> bool:
        if self.outlet is not None:
            return self.outlet.waiting_for_keyframe
        return self._waiting_for_keyframe

    @waiting_for_keyframe.setter
    def waiting_for_keyframe(self, waiting: bool) -> None:
        if self.outlet is not None:
            self.outlet.waiting_for_keyframe = waiting
        self._waiting_for_keyframe = waiting

    def use_outlet(self, outlet) -> None:
        """From now on the native fan-out sends this viewer's frames (before it is first attached):
        the aiortc sender reading this track gets nothing and stays idle."""
        if self.source is not None:
            raise RuntimeError("give a track its outlet before attaching it to a source")
        self.outlet = outlet

    def sent_packet(self, sequence_number: int) -> tuple[int, bool, bytes] | None:
        """(RTP timestamp, marker, payload) of a packet the outlet sent, to retransmit it."""
        if self.outlet is None or self.source is None:
            return None
        found = self.outlet.lookup(sequence_number)
        if found is None:
            return None
        serial, source_id, index, rtp_timestamp, picture_id, last = found
        chunks = self.source.sent_frame(serial) if source_id == id(self.source) else None
        if chunks is None or index >= len(chunks):
            return None
        payload = chunks[index]
        if self.kind == "video":
            payload = vp8_descriptor(index == 0, picture_id) + payload
        return rtp_timestamp, last, payload

    def attach(self, source: EncodedSource | None) -> None:
        """Forward from `source` from its next keyframe on (None: stop sending)."""
        if source is self.source:
            return
        if self.source is not None:
            self.source.unsubscribe(self)
        self.source = source
        if self.kind == "video":
            self.waiting_for_keyframe = True
        if source is not None:
            source.subscribe(self)

    def request_keyframe(self) -> None:
        """The viewer lost picture (its PLI/FIR): ask the source, throttled there."""
        if self.source is not None:
            self.source.request_keyframe()

    def offer(self, frame: EncodedFrame, source: EncodedSource) -> None:
        """Called by the source for every frame; cheap, never blocks."""
        if self.readyState != "live":
            return
        anchor = (id(source), frame.generation)
        if anchor != self._anchor:
            # Start a new stretch at a keyframe, and continue our own timeline from where it stopped.
            if self.kind == "video" and not frame.keyframe:
                self._waiting_for_keyframe = True
                return
            self._reanchor(anchor, frame.timestamp)
        elif self._waiting_for_keyframe and not frame.keyframe:
            return
        self._waiting_for_keyframe = False
        if len(self._queue) >= self._max_queued:
            # The viewer is not keeping up: drop what is queued rather than grow, restart at a keyframe.
            self.frames_dropped += len(self._queue)
            self._queue.clear()
            if self.kind == "video" and not frame.keyframe:
                self._waiting_for_keyframe = True
                source.request_keyframe()
                return
        out = frame.timestamp + self._offset
        self._last_out = out
        self._last_out_at = time.monotonic()
        self._queue.append((frame, out))
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _reanchor(self, anchor: tuple[int, int], timestamp: int) -> None:
        if self._last_out is None:
            start = 0
        else:
            elapsed = int((time.monotonic() - self._last_out_at) * self.clock_rate)
            start = self._last_out + max(FRAME_STEP[self.kind], elapsed)
        self._offset = start - timestamp
        self._anchor = anchor

    async def recv(self) -> PackedFrame:
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        frame, pts = self._queue.popleft()
        self.frames_out += 1
        self.bytes_out += len(frame.data)
        return PackedFrame(frame.data, pts, self._time_base, frame)

    def stop(self) -> None:
        if self.source is not None:
            self.source.unsubscribe(self)
            self.source = None
        if self.outlet is not None:
            self.outlet.close()
        super().stop()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
