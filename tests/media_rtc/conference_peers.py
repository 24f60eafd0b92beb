"""Real aiortc peers for conference tests: sites whose voice follows a script (aiortc's sender
writes each packet's RFC 6464 level from the samples, as a browser does) and whose picture has a
size of its own, so a seat can tell whose video it decodes; and seats with a fixed set of tracks."""

from __future__ import annotations

import array
import asyncio
import fractions
import math
import time

import av
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError
from aiortc.rtp import RTCP_PSFB_APP, RtcpPsfbPacket, unpack_remb_fci

from .rtc_peers import ARRIVAL_TIMEOUT, PatternVideoTrack, gathered_offer, new_peer

SAMPLES = 960  # 20 ms at 48 kHz
TIME_BASE = fractions.Fraction(1, 48_000)
SILENT = 127
UDP_IPV4_HEADER_BYTES = 28


class ScriptedVoice(AudioStreamTrack):
    """A 300 Hz tone at `level` -dBov (127: silence), changeable at any time."""

    def __init__(self, level: int = SILENT) -> None:
        super().__init__()
        self.level = level
        self.index = 0
        self._start: float | None = None
        self._samples: dict[int, bytes] = {}

    async def recv(self):
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self.index * 0.02 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = av.AudioFrame(format="s16", layout="mono", samples=SAMPLES)
        frame.planes[0].update(self._samples_at(self.level))
        frame.sample_rate = 48_000
        frame.pts = self.index * SAMPLES
        frame.time_base = TIME_BASE
        self.index += 1
        return frame

    def _samples_at(self, level: int) -> bytes:
        if level not in self._samples:
            amplitude = 0.0 if level >= SILENT else min(32767.0, 32767 * math.sqrt(2) * 10 ** (-level / 20))
            wave = (int(amplitude * math.sin(2 * math.pi * 300 * n / 48_000)) for n in range(SAMPLES))
            self._samples[level] = array.array("h", wave).tobytes()
        return self._samples[level]


class SitePeer:
    """One organisation publishing its camera and microphone; remembers the REMBs it is sent."""

    def __init__(self, width: int, height: int = 96) -> None:
        self.pc = new_peer()
        self.size = (width, height)
        self.voice = ScriptedVoice()
        self.pc.addTransceiver(PatternVideoTrack(width, height), direction="sendonly")
        self.pc.addTransceiver(self.voice, direction="sendonly")
        self.rembs: list[int] = []
        video_sender = self.pc.getTransceivers()[0].sender
        handle = video_sender._handle_rtcp_packet

        async def handle_rtcp_packet(packet):
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
                self.rembs.append(unpack_remb_fci(packet.fci)[0])
            await handle(packet)

        video_sender._handle_rtcp_packet = handle_rtcp_packet

    async def offer(self) -> str:
        return await gathered_offer(self.pc)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def close(self) -> None:
        await self.pc.close()


class SeatPeer:
    """A seat: `video` + `audio` recvonly tracks; decodes everything, and notes for each video
    track the picture sizes it decoded since `mark()`, and every audio track's packets."""

    def __init__(self, *, video: int = 4, audio: int = 3) -> None:
        # As a browser does; aiortc's default policy leaves a second track of a kind unbundled.
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        for _ in range(video):
            self.pc.addTransceiver("video", direction="recvonly")
        for _ in range(audio):
            self.pc.addTransceiver("audio", direction="recvonly")
        self.sizes: dict[int, set[tuple[int, int]]] = {}
        self.audio_frames: dict[int, int] = {}
        self._readers: list[asyncio.Task] = []
        self.pc.on("track", self._read)

    def _read(self, track) -> None:
        number = len(self._readers)
        self._readers.append(asyncio.ensure_future(self._consume(number, track)))

    async def _consume(self, number: int, track) -> None:
        try:
            while True:
                frame = await track.recv()
                if track.kind == "video":
                    self.sizes.setdefault(number, set()).add((frame.width, frame.height))
                else:
                    self.audio_frames[number] = self.audio_frames.get(number, 0) + 1
        except MediaStreamError:
            pass

    def mark(self) -> None:
        """Forget what was seen so far: what follows is what arrives from now on."""
        self.sizes.clear()
        self.audio_frames.clear()

    def seen(self) -> set[tuple[int, int]]:
        return set().union(*self.sizes.values()) if self.sizes else set()

    async def wait_to_see(self, size: tuple[int, int], timeout: float = ARRIVAL_TIMEOUT) -> None:
        async def seen() -> None:
            while size not in self.seen():
                await asyncio.sleep(0.05)

        await asyncio.wait_for(seen(), timeout)

    def wire_bytes(self) -> int:
        """Everything this seat's connection received (SRTP and RTCP), with the UDP and IPv4
        headers of each packet: what its link carries."""
        dtls = self.pc.getTransceivers()[0].receiver.transport
        return dtls._RTCDtlsTransport__rx_bytes + UDP_IPV4_HEADER_BYTES * dtls._RTCDtlsTransport__rx_packets

    async def offer(self) -> str:
        return await gathered_offer(self.pc)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def close(self) -> None:
        await self.pc.close()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
