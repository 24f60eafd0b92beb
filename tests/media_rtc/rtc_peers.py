"""Real aiortc client peers for media tests: a publisher with a moving synthetic picture and a tone,
and viewers that decode what they receive and count frames and bytes per kind.

Everything runs on 127.0.0.1 (the engine under test restricts ICE host candidates to it).
"""

from __future__ import annotations

import asyncio
import queue
import time

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack

from media_rtc.aiortc_internals import DECODER_QUEUE_ATTRIBUTE
from media_rtc.pattern_source import draw_frame, tone_frame

#: Generous bound for "a picture arrives": tests assert arrival, never speed.
ARRIVAL_TIMEOUT = 10.0


class PatternVideoTrack(VideoStreamTrack):
    """Moving bars with a noise band, so aiortc's encoder has real work and real bitrate."""

    def __init__(self, width: int = 320, height: int = 180) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.index = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = draw_frame(self.width, self.height, self.index, noise_rows=0.25)
        self.index += 1
        frame.pts, frame.time_base = pts, time_base
        return frame


class ToneAudioTrack(AudioStreamTrack):
    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self._start: float | None = None

    async def recv(self):
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self.index * 0.02 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = tone_frame(self.index)
        self.index += 1
        return frame


def new_peer() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def gathered_offer(pc: RTCPeerConnection) -> str:
    """Non-trickle, like the browser client: the offer once all candidates are in it."""
    await pc.setLocalDescription(await pc.createOffer())
    return pc.localDescription.sdp


class PublisherPeer:
    def __init__(self, *, video: bool = True, audio: bool = True, width: int = 320, height: int = 180):
        self.pc = new_peer()
        if video:
            self.pc.addTransceiver(PatternVideoTrack(width, height), direction="sendonly")
        if audio:
            self.pc.addTransceiver(ToneAudioTrack(), direction="sendonly")

    async def offer(self) -> str:
        return await gathered_offer(self.pc)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def close(self) -> None:
        await self.pc.close()


class CountingQueue(queue.Queue):
    """Put in place of a receiver's decoder queue: counts encoded bytes, then decodes as usual."""

    def __init__(self) -> None:
        super().__init__()
        self.frames = 0
        self.bytes = 0

    def put(self, item, block=True, timeout=None):
        if item is not None:
            self.frames += 1
            self.bytes += len(item[1].data)
        super().put(item, block, timeout)


class ViewerPeer:
    """Receives audio and video (recvonly) and decodes them, counting per kind."""

    def __init__(self, *, kinds: tuple[str, ...] = ("audio", "video")) -> None:
        self.pc = new_peer()
        self.received: dict[str, CountingQueue] = {}
        self.decoded = {"audio": 0, "video": 0}
        self.sizes: set[tuple[int, int]] = set()
        self.first_picture = asyncio.Event()
        self._consumers: list[asyncio.Task] = []
        for kind in kinds:
            transceiver = self.pc.addTransceiver(kind, direction="recvonly")
            counting = self.received[kind] = CountingQueue()
            setattr(transceiver.receiver, DECODER_QUEUE_ATTRIBUTE, counting)
        self.pc.on("track", self._consume)

    def _consume(self, track) -> None:
        self._consumers.append(asyncio.ensure_future(self._read(track)))

    async def _read(self, track) -> None:
        try:
            while True:
                frame = await track.recv()
                self.decoded[track.kind] += 1
                if track.kind == "video":
                    self.sizes.add((frame.width, frame.height))
                    self.first_picture.set()
        except MediaStreamError:
            pass

    async def offer(self) -> str:
        return await gathered_offer(self.pc)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    def bytes_received(self, kind: str) -> int:
        return self.received[kind].bytes if kind in self.received else 0

    async def wait_for_picture(self, timeout: float = ARRIVAL_TIMEOUT) -> None:
        await asyncio.wait_for(self.first_picture.wait(), timeout)

    async def wait_for_decoded(self, kind: str, count: int, timeout: float = ARRIVAL_TIMEOUT) -> None:
        async def reached() -> None:
            while self.decoded[kind] < count:
                await asyncio.sleep(0.05)

        await asyncio.wait_for(reached(), timeout)

    async def bytes_during(self, kind: str, seconds: float) -> int:
        """Encoded bytes of `kind` received in the next `seconds` (a window, not a speed test)."""
        before = self.bytes_received(kind)
        await asyncio.sleep(seconds)
        return self.bytes_received(kind) - before

    async def close(self) -> None:
        await self.pc.close()
        for consumer in self._consumers:
            consumer.cancel()
        await asyncio.gather(*self._consumers, return_exceptions=True)


async def watch(engine, room: str, member: str, publisher: str, **options) -> ViewerPeer:
    viewer = ViewerPeer()
    answer = await engine.watch(room, member, publisher, await viewer.offer(), **options)
    await viewer.accept(answer)
    return viewer


async def publish(engine, room: str, member: str, **options) -> PublisherPeer:
    peer_options = {k: options.pop(k) for k in ("video", "audio", "width", "height") if k in options}
    publisher = PublisherPeer(**peer_options)
    answer = await engine.publish(room, member, await publisher.offer(), **options)
    await publisher.accept(answer)
    return publisher
