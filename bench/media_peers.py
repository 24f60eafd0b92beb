"""Client peers of bench/media.py, in separate processes so their work is not server CPU.

    python bench/media_peers.py publisher PORT [janus]
    python bench/media_peers.py viewers PORT PREFIX COUNT TIER [STAGGER_SECONDS] [janus] [full]

With `janus`, PORT is Janus's HTTP API (bench/media_janus.py) and the peers join its VideoRoom.

The publisher sends a 640x360 VP8 picture at 500 kbit/s (and 24 kbit/s Opus in 40 ms packets, as
the server's answer asks of browsers with a=ptime), encoded
here once (a 3 s loop, see Recording).
Viewers do not decode. By default they are light (`aiortc_internals.count_srtp_headers`): they
count video frames (marker bit) and bytes from the clear RTP headers of the SRTP packets, and
unprotect only a sample (the first packets of each stream, every packet until a complete VP8
keyframe has arrived, which is when "first frame" is taken, then one in 16); failed samples are
reported as srtp_failures. Until that keyframe, aiortc receives as usual (NACK, RTX, jitter
buffer), so a light viewer starts as a full one does; after it, it sends no NACK or PLI. With
`full`, they are full aiortc receivers (SRTP, jitter buffer, NACK for every packet) that count
complete encoded frames, as before: several times a light viewer's CPU, which is why 200 of them
did not fit beside the server on two cores.
They join one after another, STAGGER_SECONDS apart, so the server never negotiates a burst of
connections at once.
Commands on stdin: "join" → COUNT viewers join; "drop" → they leave; "report" → JSON {"cpu": this
process's CPU seconds, "viewers": counters per viewer}; "late N" → N late joiners one after
another, JSON list of first-frame ms; "crowd SECONDS" → the COUNT viewers all join spread over
SECONDS (not one after another), JSON list of [first frame, answer received, connected] ms per
viewer (each from the moment it started its offer).
"""

from __future__ import annotations

import asyncio
import fractions
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av
import media_janus  # bench/ is this script's folder
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from media_rtc import aiortc_internals
from media_rtc.pattern_source import PatternEncoder
from media_rtc.tiers import AUDIO_PTIME_MS


class Signalling:
    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = asyncio.Lock()

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def ask(self, **request) -> dict:
        async with self.lock:
            self.writer.write(json.dumps(request).encode() + b"\n")
            reply = json.loads(await self.reader.readline())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply


def new_pc() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


class Recording:
    """A few seconds of the pattern, encoded once when the publisher starts and replayed in a loop.

    Encoding 360p VP8 live takes a good part of a core; on a busy machine a starved publisher
    would send fewer frames and the bench would blame the server. The loop starts with a keyframe,
    and a keyframe request (PLI) restarts it, as a browser answers PLI with a keyframe.
    """

    def __init__(self, seconds: float = 3.0) -> None:
        encoder = PatternEncoder(width=640, height=360, video_bitrate=500_000, noise_rows=0.1)
        self.video = [encoder.next_video() for _ in range(round(30 * seconds))]
        self.audio = [[packet] for _ in range(50) for packet in encoder.next_audio()]
        self.restart_video = False

    def request_keyframe(self) -> None:
        self.restart_video = True


class PatternTrack(MediaStreamTrack):
    """The recording, paced in real time; the sender only packetizes it."""

    def __init__(self, kind: str, recording: Recording) -> None:
        super().__init__()
        self.kind = kind
        self.recording = recording
        self.frames = recording.video if kind == "video" else recording.audio
        self.interval = 1 / 30 if kind == "video" else AUDIO_PTIME_MS / 1000
        self.step = 3000 if kind == "video" else 48 * AUDIO_PTIME_MS
        self.time_base = fractions.Fraction(1, 90_000 if kind == "video" else 48_000)
        self.index = 0
        self.position = 0
        self.started: float | None = None
        self.pending: list[av.Packet] = []

    async def recv(self) -> av.Packet:
        while not self.pending:
            if self.started is None:
                self.started = time.monotonic()
            delay = self.started + self.index * self.interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.kind == "video" and self.recording.restart_video:
                self.recording.restart_video = False
                self.position = 0
            packets = self.frames[self.position % len(self.frames)]
            for packet in packets:
                packet.pts = self.index * self.step
                packet.time_base = self.time_base
            self.pending.extend(packets)
            self.index += 1
            self.position += 1
        return self.pending.pop(0)


async def run_publisher(port: int, janus: bool = False) -> None:
    if not janus:
        signalling = Signalling(port)
        await signalling.open()
    recording = Recording()
    pc = new_pc()
    video = pc.addTransceiver(PatternTrack("video", recording), direction="sendonly")
    # Like a browser, answer the server's PLI with a keyframe (the sender cannot: it only packs).
    aiortc_internals.route_keyframe_requests(video.sender, recording.request_keyframe)
    pc.addTransceiver(PatternTrack("audio", recording), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    if janus:
        answer = await media_janus.janus_publish(port, pc.localDescription.sdp)
    else:
        answer = (await signalling.ask(op="publish", offer=pc.localDescription.sdp))["answer"]
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # until told to stop
    await pc.close()


class CountingViewer:
    """A recvonly peer that counts encoded frames and bytes per kind instead of decoding them:
    light (from SRTP's clear headers, a sample unprotected) or, with `full`, through aiortc's
    whole receive path."""

    def __init__(self, member: str, *, janus_feed: int | None = None, full: bool = False) -> None:
        self.member = member
        self.pc = new_pc()
        self.full = full
        self.frames = {"audio": 0, "video": 0}
        self.bytes = {"audio": 0, "video": 0}
        self.first_video = asyncio.Event()
        self.janus_feed = janus_feed
        self.subscription = None
        self.counting = None
        if janus_feed is None:
            for kind in ("audio", "video"):
                receiver = self.pc.addTransceiver(kind, direction="recvonly").receiver
                if full:
                    aiortc_internals.tap_encoded_frames(receiver, self._counter(kind))

    def _counter(self, kind: str):
        def count(codec, frame) -> None:
            self.frames[kind] += 1
            self.bytes[kind] += len(frame.data)
            if kind == "video":
                self.first_video.set()

        return count

    def _count_headers(self, remote_sdp: str) -> None:
        """Light: call right after the remote description is set, before DTLS starts."""
        kinds = aiortc_internals.media_payload_kinds(remote_sdp)
        transceivers = self.pc.getTransceivers()
        (dtls,) = {id(t.receiver.transport): t.receiver.transport for t in transceivers}.values()
        self.counting = aiortc_internals.count_srtp_headers(
            dtls, [t.receiver for t in transceivers], kinds, on_keyframe=self.first_video.set
        )

    async def join(self, signalling: Signalling, tier: str) -> None:
        if self.janus_feed is not None:
            await self._join_janus(signalling.port)
            return
        await self.pc.setLocalDescription(await self.pc.createOffer())
        reply = await signalling.ask(
            op="watch", member=self.member, tier=tier, offer=self.pc.localDescription.sdp
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=reply["answer"], type="answer"))
        if not self.full:
            self._count_headers(reply["answer"])

    async def _join_janus(self, port: int) -> None:
        """Janus offers to a subscriber; the viewer answers (the reverse of our own signalling)."""
        self.subscription = media_janus.JanusSubscription(port)
        offer = await self.subscription.offer(self.janus_feed)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        if self.full:
            for transceiver in self.pc.getTransceivers():
                aiortc_internals.tap_encoded_frames(transceiver.receiver, self._counter(transceiver.kind))
        else:
            self._count_headers(offer)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self.subscription.answer(self.pc.localDescription.sdp)

    async def leave(self, signalling: Signalling) -> None:
        if self.subscription is not None:
            await self.subscription.leave()
        else:
            await signalling.ask(op="leave", member=self.member)

    def report(self) -> dict:
        if self.counting is None:
            return {"member": self.member, "frames": dict(self.frames), "bytes": dict(self.bytes)}
        counts = self.counting.counts()
        return {
            "member": self.member,
            "frames": {kind: counts.get(kind, {}).get("frames", 0) for kind in ("audio", "video")},
            "bytes": {kind: counts.get(kind, {}).get("bytes", 0) for kind in ("audio", "video")},
            "srtp": {"verified": self.counting.verified, "failures": self.counting.failures, "light": True},
        }


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_viewers(
    port: int, prefix: str, count: int, tier: str, stagger: float, janus: bool, full: bool
) -> None:
    """Idle until "join" (so starting the process costs no measured time), then serve commands."""
    signalling = Signalling(port)
    feed = None
    if janus:
        feed = await media_janus.janus_publisher_id(port)
    else:
        await signalling.open()
    viewers: list[CountingViewer] = []
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    late = 0
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        if line == "join":
            for n in range(count):
                if n:
                    await asyncio.sleep(stagger)
                viewer = CountingViewer(f"{prefix}-{n}", janus_feed=feed, full=full)
                await viewer.join(signalling, tier)
                viewers.append(viewer)
            print(json.dumps({"joined": len(viewers)}), flush=True)
        elif line.startswith("crowd"):
            spread = float(line.split()[1])
            crowd = [CountingViewer(f"{prefix}-crowd-{n}", janus_feed=feed, full=full) for n in range(count)]

            async def arrive(n: int, viewer: CountingViewer, spread: float = spread) -> list[float]:
                await asyncio.sleep(spread * n / count)
                connected = asyncio.Event()

                @viewer.pc.on("connectionstatechange")
                def on_state() -> None:
                    if viewer.pc.connectionState == "connected":
                        connected.set()

                started = time.monotonic()
                await viewer.join(signalling, tier)
                answered = time.monotonic()
                await asyncio.wait_for(connected.wait(), 30)
                connected_at = time.monotonic()
                await asyncio.wait_for(viewer.first_video.wait(), 30)
                first = time.monotonic()
                return [round((t - started) * 1000, 1) for t in (first, answered, connected_at)]

            timings = await asyncio.gather(*(arrive(n, v) for n, v in enumerate(crowd)))
            viewers.extend(crowd)
            print(json.dumps(timings), flush=True)
        elif line == "drop":
            for viewer in viewers:
                await viewer.leave(signalling)
            await asyncio.gather(*(v.pc.close() for v in viewers), return_exceptions=True)
            print(json.dumps({"dropped": len(viewers)}), flush=True)
            viewers = []
        elif line == "report":
            print(json.dumps({"cpu": cpu_seconds(), "viewers": [v.report() for v in viewers]}), flush=True)
        elif line.startswith("late"):
            timings = []
            for _ in range(int(line.split()[1])):
                late += 1
                started = time.monotonic()
                viewer = CountingViewer(f"{prefix}-late-{late}", janus_feed=feed, full=full)
                await viewer.join(signalling, tier)
                await asyncio.wait_for(viewer.first_video.wait(), 10)
                timings.append((time.monotonic() - started) * 1000)
                await viewer.leave(signalling)
                await viewer.pc.close()
            print(json.dumps(timings), flush=True)
    await asyncio.gather(*(v.pc.close() for v in viewers), return_exceptions=True)


if __name__ == "__main__":
    janus = "janus" in sys.argv[3:]
    full = "full" in sys.argv[3:]
    aiortc_internals.restrict_host_addresses([media_janus.local_address() if janus else "127.0.0.1"])
    arguments = [a for a in sys.argv[:3]] + [a for a in sys.argv[3:] if a not in ("janus", "full")]
    role, port = arguments[1], int(arguments[2])
    if role == "publisher":
        asyncio.run(run_publisher(port, janus))
    else:
        stagger = float(arguments[6]) if len(arguments) > 6 else 0.0
        asyncio.run(run_viewers(port, arguments[3], int(arguments[4]), arguments[5], stagger, janus, full))
