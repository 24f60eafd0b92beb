"""The soak's booth-stream viewer (bench/soak.py loads ``watch`` from here).

One viewer does what the booth page's player does, over the live socket only: ``rtc.room`` for
the booth, picks a publisher (the demo test pattern when there is one), opens a recvonly aiortc
peer (one audio and one video transceiver, offer sent whole: no trickle), sends ``rtc.watch`` and
applies the answer. It pings every 20 s as live.js does, and watches again after
``rtc.worker_lost``, after its publisher leaves the room, after its peer fails, after the socket
drops, and when no picture arrives for STALL_SECONDS.

Counted: **encoded** video frames (complete VP8 frames as aiortc's jitter buffer hands them to
the decoder queue) and their bytes, plus encoded audio frames. Nothing is decoded, so the
viewers' CPU stays out of the server's figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from media_rtc import aiortc_internals  # after the path: soak.py runs from bench/

PING_SECONDS = 20.0  # live.js's PING_EVERY_MS
PING_TIMEOUT_SECONDS = 10.0  # no pong by then: the link is dead, close and connect again
REQUEST_SECONDS = 20.0
STALL_SECONDS = 15.0  # no new video frame for this long while watching: watch again
NO_PUBLISHER_PAUSE = 2.0

# The server offers 127.0.0.1 only (RTC_HOST_ADDRESSES); aioice skips loopback unless told.
aiortc_internals.restrict_host_addresses(["127.0.0.1"])


class RequestFailed(Exception):
    def __init__(self, frame: dict) -> None:
        super().__init__(f"{frame.get('code')}: {frame.get('message')}")
        self.code = frame.get("code") or "error"


class Counter:
    """Stands in for a receiver's decoder queue (aiortc_internals.EncodedFrameTap): counts the
    encoded frames and bytes of one kind, decodes nothing."""

    def __init__(self) -> None:
        self.frames = 0
        self.bytes = 0
        self.last_at: float | None = None
        self.first_at: float | None = None

    def deliver(self, _codec, frame) -> None:
        now = time.monotonic()
        self.frames += 1
        self.bytes += len(frame.data)
        self.last_at = now
        if self.first_at is None:
            self.first_at = now


class Viewer:
    def __init__(self, port: int, slug: str, cookie: str, booth: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/events/{slug}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.cookie, self.booth = cookie, booth
        self.tab = secrets.token_hex(6)  # kept across reconnects, like the browser's sessionStorage tab
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future] = {}
        self.socket = None
        self.reader: asyncio.Task | None = None
        self.wake = asyncio.Event()  # something happened that may need a new watch
        self.again: str | None = None  # why to watch again
        self.publisher: str | None = None
        self.pc: RTCPeerConnection | None = None
        self.video, self.audio = Counter(), Counter()
        self.errors: dict[str, int] = defaultdict(int)
        self.reconnects = 0  # socket connections after the first
        self.rewatches: dict[str, int] = defaultdict(int)  # new watches after the first, by reason
        self.watches = 0
        self.first_frame_ms: list[float] = []
        self.pongs = 0

    # --- the socket ---------------------------------------------------------------------------

    async def open(self) -> None:
        if self.socket is not None:
            self.reconnects += 1
        self.socket = await asyncio.wait_for(
            connect(
                self.url, origin=self.origin, additional_headers={"Cookie": self.cookie}, open_timeout=20
            ),
            30,
        )
        self.reader = asyncio.create_task(self._read())

    def socket_alive(self) -> bool:
        return self.socket is not None and self.reader is not None and not self.reader.done()

    async def _read(self) -> None:
        try:
            async for text in self.socket:
                frame = json.loads(text)
                future = self.waiting.pop(frame.get("id"), None)
                if future is not None:
                    if not future.done():
                        future.set_result(frame)
                elif "id" not in frame:
                    self._pushed(frame)
        except Exception as error:
            self.errors[f"socket.{type(error).__name__}"] += 1
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("socket closed"))
        self.waiting.clear()
        self._watch_again("socket_closed")

    def _pushed(self, frame: dict) -> None:
        data = frame.get("data") or {}
        if data.get("booth") != self.booth:
            return
        if frame.get("type") == "rtc.worker_lost":
            self._watch_again("worker_lost")
        elif frame.get("type") == "rtc.room.changed" and self.publisher is not None:
            live = {publisher["id"] for publisher in data.get("publishers", [])}
            if self.publisher not in live:
                self._watch_again("publisher_gone")

    def _watch_again(self, reason: str) -> None:
        if self.again is None:
            self.again = reason
        self.wake.set()

    async def request(self, frame_type: str, **data) -> dict:
        frame_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.waiting[frame_id] = future
        await self.socket.send(json.dumps({"id": frame_id, "type": frame_type, "data": data}))
        try:
            reply = await asyncio.wait_for(future, REQUEST_SECONDS)
        finally:
            self.waiting.pop(frame_id, None)
        if reply.get("type") == "error":
            raise RequestFailed(reply)
        return reply.get("data") or {}

    async def keep_alive(self, until: float) -> None:
        """As live.js: a ping every 20 s; no pong within 10 s closes the socket (then reconnect)."""
        while time.monotonic() + PING_SECONDS < until:
            await asyncio.sleep(PING_SECONDS)
            if not self.socket_alive():
                continue
            try:
                frame_id = next(self.ids)
                future = asyncio.get_running_loop().create_future()
                self.waiting[frame_id] = future
                await self.socket.send(json.dumps({"id": frame_id, "type": "ping", "data": {}}))
                await asyncio.wait_for(future, PING_TIMEOUT_SECONDS)
                self.pongs += 1
            except (TimeoutError, ConnectionError, OSError) as error:
                self.errors[f"ping.{type(error).__name__}"] += 1
                with contextlib.suppress(Exception):
                    await self.socket.close()

    # --- the peer -----------------------------------------------------------------------------

    async def _close_peer(self) -> None:
        if self.pc is not None:
            pc, self.pc = self.pc, None
            with contextlib.suppress(Exception):
                await pc.close()

    def _new_peer(self) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        for kind, counter in (("audio", self.audio), ("video", self.video)):
            transceiver = pc.addTransceiver(kind, direction="recvonly")
            tap = aiortc_internals.EncodedFrameTap(counter.deliver)
            setattr(transceiver.receiver, aiortc_internals.DECODER_QUEUE_ATTRIBUTE, tap)

        @pc.on("connectionstatechange")
        def _state() -> None:
            if pc is self.pc and pc.connectionState == "failed":
                self.errors["peer.failed"] += 1
                self._watch_again("peer_failed")

        return pc

    async def watch_once(self) -> bool:
        """Look at the room and watch one publisher; False when nobody publishes yet."""
        room = await self.request("rtc.room", booth=self.booth, tab=self.tab)
        publishers = [publisher for publisher in room.get("publishers", []) if publisher.get("video")]
        if not publishers:
            self.errors["watch.no_publisher"] += 1
            return False
        chosen = next((p for p in publishers if p.get("test_pattern")), publishers[0])
        await self._close_peer()
        self.pc = pc = self._new_peer()
        await pc.setLocalDescription(await pc.createOffer())  # gathered whole: no trickle
        asked_at = time.monotonic()
        self.publisher = chosen["id"]
        watched = await self.request(
            "rtc.watch",
            booth=self.booth,
            publisher=chosen["id"],
            offer=pc.localDescription.sdp,
            tier="standard",
            tab=self.tab,
        )
        await pc.setRemoteDescription(RTCSessionDescription(sdp=watched["answer"], type="answer"))
        self.watches += 1
        before = self.video.frames
        while self.video.frames == before and time.monotonic() - asked_at < STALL_SECONDS:
            await asyncio.sleep(0.05)
        if self.video.frames > before:
            self.first_frame_ms.append(round((time.monotonic() - asked_at) * 1000, 1))
        return True

    # --- the whole visit ----------------------------------------------------------------------

    async def run(self, until: float) -> dict:
        started = time.monotonic()
        pinging = asyncio.create_task(self.keep_alive(until))
        try:
            while time.monotonic() < until:
                reason, self.again = self.again, None
                self.wake.clear()
                if reason is not None and self.watches:
                    self.rewatches[reason] += 1
                try:
                    if not self.socket_alive():
                        await self.open()
                    if not await self.watch_once():
                        await asyncio.sleep(NO_PUBLISHER_PAUSE)
                        continue
                except RequestFailed as failure:
                    self.errors[f"rtc.{failure.code}"] += 1
                    await asyncio.sleep(NO_PUBLISHER_PAUSE)
                    continue
                except (TimeoutError, ConnectionError, OSError) as error:
                    self.errors[f"watch.{type(error).__name__}"] += 1
                    await asyncio.sleep(NO_PUBLISHER_PAUSE)
                    continue
                await self._watch_until_something_happens(until)
        finally:
            pinging.cancel()
            await asyncio.gather(pinging, return_exceptions=True)
            await self._leave()
        return self.result(started)

    async def _watch_until_something_happens(self, until: float) -> None:
        while time.monotonic() < until and self.again is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), min(1.0, max(0.01, until - time.monotonic())))
            last = self.video.last_at or 0.0
            if self.again is None and time.monotonic() - last > STALL_SECONDS:
                self.errors["watch.stalled"] += 1
                self._watch_again("stalled")

    async def _leave(self) -> None:
        if self.socket_alive():
            with contextlib.suppress(Exception):
                await self.request("rtc.leave", booth=self.booth, tab=self.tab)
        await self._close_peer()
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)

    def result(self, started: float) -> dict:
        video = self.video
        span = (video.last_at - video.first_at) if video.first_at and video.last_at else 0.0
        return {
            "booth": self.booth,
            "counted": "encoded frames (not decoded)",
            "publisher": self.publisher,
            "seconds": round(time.monotonic() - started, 1),
            "frames": video.frames,
            "bytes": video.bytes,
            "fps": round(video.frames / span, 1) if span > 0 else 0.0,
            "kbps": round(video.bytes * 8 / span / 1000, 1) if span > 0 else 0.0,
            "audio_frames": self.audio.frames,
            "first_frame_ms": self.first_frame_ms,
            "watches": self.watches,
            "rewatches": dict(self.rewatches),
            "reconnects": self.reconnects,
            "pongs": self.pongs,
            "errors": dict(self.errors),
            "error_count": sum(self.errors.values()),
        }


async def watch(port: int, slug: str, cookie: str, booth: int, until: float) -> dict:
    """Watch `booth`'s stream on the daphne at `port` until `until` (time.monotonic()); returns
    frames, bytes, fps, kbps (video, encoded), errors and reconnects."""
    return await Viewer(port, slug, cookie, booth).run(until)
